// What `dsfl demo` prints once the master has admitted its hospitals:
// each hospital's way through admission (docs/dataspace.md, Flow 1), read
// back from the signed audit logs (common/audit, docs/audit.md) rather than
// from the master's console, so what the demo shows is what an auditor
// finds. Per hospital, from the master's log: discovery.result,
// negotiation.state, credential.check, tls.binding, authorize.answer,
// admission.granted/refused; from the hospital's own log: its
// credential.check of the master, policy.check and authorize.decision.
//
//   hospital-a  discovered   lung-hospital-a at 127.0.0.1:40123
//               negotiated   INITIAL > ... > FINALIZED, agreement 5c1f...
//               credentials  valid: MembershipCredential from <issuer DID>
//               TLS key      bound (certificate_names_did), DID <its DID>
//               authorized   allow, model c89d94d6f9b4...
//               its log      authorize.decision allow: agreement valid,
//                            credential valid (...), policy allow
//                            (cohort 76), tls certificate_names_did
//               admitted     node hospital-a
//
// Only the job's last run counts (from its last job.submitted; from the
// hospital's authorize.request for the agreement the master negotiated), so
// a reused work directory shows this run. A refused hospital shows
// "refused <reason> (<stage>)". Lines that do not
// parse are skipped (the logs are verified separately: `dsfl audit
// verify`).
//
// Errors: NotFound when the master's log is unreadable (a hospital's log
// that is unreadable just leaves its row out).
// Threading: stateless functions.
#ifndef DSFL_CLI_DEMO_ADMISSION_H_
#define DSFL_CLI_DEMO_ADMISSION_H_

#include <map>
#include <string>
#include <vector>

#include "cli/demo_dataspace.h"
#include "common/status.h"

namespace dsfl::cli {

struct HospitalAdmission {
  std::string name;  // participant name in the dev dataspace
  std::string did;
  std::string dataset;
  std::string endpoint;
  std::vector<std::string> negotiation_states;
  std::string agreement_id;
  std::string credential_result;  // "valid" / "invalid" / ""
  std::vector<std::string> credential_types;
  std::string credential_issuer;
  std::string tls_binding;   // "bound (how)", "not bound: why" or ""
  std::string authorize;     // the master's record of the answer
  std::string own_decision;  // the hospital's authorize.decision
  bool admitted = false;
  std::string node;
  std::string session_id;
  std::string refusal;  // "<reason> (<stage>)"
};

// The admission records of `job_id` in the master's audit log (and the
// hospitals' logs, by participant name, when given), one entry per
// hospital participant of `space` (in name order).
StatusOr<std::vector<HospitalAdmission>> ReadAdmissions(
    const std::string& master_log, const std::string& job_id,
    const DemoDataspace& space,
    const std::map<std::string, std::string>& hospital_logs);

std::string FormatAdmissions(const std::vector<HospitalAdmission>& hospitals);

// "3 of 3 hospitals admitted (hospital-a, hospital-b, hospital-c)".
std::string AdmissionCount(const std::vector<HospitalAdmission>& hospitals);

// ReadAdmissions, then FormatAdmissions (`detailed`) or AdmissionCount to
// stdout under a heading naming the log.
void PrintAdmissionSummary(
    const std::string& master_log, const std::string& job_id,
    const DemoDataspace& space,
    const std::map<std::string, std::string>& hospital_logs, bool detailed);

}  // namespace dsfl::cli

#endif  // DSFL_CLI_DEMO_ADMISSION_H_
