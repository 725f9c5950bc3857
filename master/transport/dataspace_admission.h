// AdmitDataspaceNodes: Flow 1 on the master for one job with a "dataspace"
// section (docs/dataspace.md, "Wiring admission into jobs"):
//
//   1-3. edc::MasterAdmission: discover the dsfl datasets in the federated
//        catalog of the master's own connector, negotiate each offer,
//        verify each hospital's credentials over DCP;
//   4.   for each node still admitted: a mutual-TLS gRPC channel to the
//        advertised slave endpoint (its tlsServerName as the target name),
//        GetInfo, and identity::CheckTlsKeyBinding of the certificate the
//        slave presented to its participant DID (the key is in the DID
//        document, or the certificate names the DID and chains to the
//        job's tls.ca);
//   5.   Authorize (job id, master DID, agreement id,
//        training::ModelDefinitionSha256 of the job's model, plan, privacy
//        settings, and an access token from the master's STS when
//        `sts_url` is set, so the slave can fetch the master's credential).
//
// Any failure excludes that node only, with its reason; nothing of the job
// (model, plan, data spec) reaches a node before it is admitted, except
// the Authorize request itself. Every step is audited and reported
// (master/transport/admission_recorder.h) before the master goes on.
//
// Returns the admitted nodes (at least spec.min_clients), each with the
// channel that was checked and its session id. Errors: FailedPrecondition
// listing every node's reason when fewer than min_clients are admitted;
// InvalidArgument naming the config field for a bad dataspace section
// (unreadable key or CA) or TLS file; the connector's error when the
// federated catalog cannot be read; Cancelled; the audit log's error.
// Steps 2-3 and steps 4-5 each run for up to 8 nodes at once
// (edc::MasterAdmissionOptions::kDefaultMaxParallelAdmissions), on threads
// joined before this returns (also on error or cancellation); the result
// keeps discovery order. A cancelled job stops waiting at once (negotiation
// back-off and gRPC calls). Blocks the calling thread (HTTPS, gRPC). Not
// for concurrent use of one `deps`; an injected clock and sleeper must be
// thread-safe, and deps.listener is called one call at a time.
#ifndef DSFL_MASTER_TRANSPORT_DATASPACE_ADMISSION_H_
#define DSFL_MASTER_TRANSPORT_DATASPACE_ADMISSION_H_

#include <memory>
#include <string>
#include <vector>

#include "common/audit/audit_sink.h"
#include "common/cancellation.h"
#include "common/clock.h"
#include "connector-adapters/edc/negotiator.h"
#include "grpcpp/channel.h"
#include "master/core/job_runner.h"
#include "master/core/job_spec.h"

namespace dsfl::master {

struct AdmittedNode {
  std::string id;  // node name, e.g. "hospital-a" (admission_recorder.h)
  std::string did;
  std::string dataset_id;
  std::string endpoint;  // host:port
  std::string agreement_id;
  std::string session_id;
  std::shared_ptr<grpc::Channel> channel;  // mutual TLS, checked
};

struct DataspaceAdmissionDeps {
  audit::AuditSink* audit = nullptr;    // required
  JobListener* listener = nullptr;      // may be null
  CancellationToken* cancel = nullptr;  // may be null
  const Clock* clock = nullptr;         // null = SystemClock()
  edc::Sleeper* sleeper = nullptr;      // null = edc::RealSleeper()
};

// The credential types whose access the master grants each slave through
// its STS token (what slaves usually require of a model creator).
inline const std::vector<std::string>& MasterDisclosedCredentialTypes() {
  static const std::vector<std::string>* types = new std::vector<std::string>{
      "FederatedModelCreatorCredential", "MembershipCredential"};
  return *types;
}

StatusOr<std::vector<AdmittedNode>> AdmitDataspaceNodes(
    const JobSpec& spec, const DataspaceAdmissionDeps& deps);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_DATASPACE_ADMISSION_H_
