#include "cli/demo_admission.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/audit/record.h"

namespace dsfl::cli {
namespace {

std::string Str(const nlohmann::json& details, const char* key) {
  auto it = details.find(key);
  return it != details.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string Short(const std::string& id) {
  return id.size() > 12 ? id.substr(0, 12) + "..." : id;
}

// Calls `visit` for every parseable record of `job_id` in `log`.
Status ForEachRecord(
    const std::string& log, const std::string& job_id,
    const std::function<void(const audit::AuditRecord&)>& visit) {
  std::ifstream in(log);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", log));
  std::string line;
  while (std::getline(in, line)) {
    StatusOr<audit::SealedRecord> sealed = audit::ParseRecordLine(line);
    if (!sealed.ok() || sealed->record.job.value_or("") != job_id) continue;
    visit(sealed->record);
  }
  return absl::OkStatus();
}

void ReadMasterRecord(const audit::AuditRecord& record,
                      std::vector<HospitalAdmission>& hospitals) {
  const nlohmann::json& d = record.details;
  if (record.event == "discovery.result") {
    for (const nlohmann::json& c :
         d.value("candidates", nlohmann::json::array())) {
      for (HospitalAdmission& h : hospitals) {
        if (Str(c, "did") != h.did && Str(c, "id") != h.name) continue;
        if (!Str(c, "dataset").empty()) h.dataset = Str(c, "dataset");
        h.endpoint = Str(c, "endpoint");
      }
    }
    return;
  }
  const std::string subject = record.subject.value_or("");
  auto it = std::find_if(hospitals.begin(), hospitals.end(),
                         [&](const HospitalAdmission& h) {
                           return subject == h.did || subject == h.name;
                         });
  if (subject.empty() || it == hospitals.end()) return;
  HospitalAdmission& h = *it;
  if (record.event == "negotiation.state") {
    const std::string state = Str(d, "state");
    if (!state.empty() && (h.negotiation_states.empty() ||
                           h.negotiation_states.back() != state)) {
      h.negotiation_states.push_back(state);
    }
    if (!Str(d, "agreement_id").empty())
      h.agreement_id = Str(d, "agreement_id");
  } else if (record.event == "credential.check") {
    h.credential_result = Str(d, "result");
    h.credential_issuer = Str(d, "issuer");
    h.credential_types.clear();
    for (const nlohmann::json& type :
         d.value("credential_types", nlohmann::json::array())) {
      if (type.is_string() && type != "VerifiableCredential") {
        h.credential_types.push_back(type);
      }
    }
  } else if (record.event == "tls.binding") {
    h.tls_binding = Str(d, "result");
    if (!Str(d, "binding").empty()) {
      absl::StrAppend(&h.tls_binding, " (", Str(d, "binding"), ")");
    }
    if (!Str(d, "reason").empty()) {
      absl::StrAppend(&h.tls_binding, ": ", Str(d, "reason"));
    }
  } else if (record.event == "authorize.answer") {
    h.authorize = Str(d, "decision");
    if (!Str(d, "reason").empty())
      absl::StrAppend(&h.authorize, " ", Str(d, "reason"));
    if (!Str(d, "model_sha256").empty()) {
      absl::StrAppend(&h.authorize, ", model ", Short(Str(d, "model_sha256")));
    }
  } else if (record.event == "admission.granted") {
    h.admitted = true;
    h.node = Str(d, "node");
    h.session_id = Str(d, "session_id");
    if (h.endpoint.empty()) h.endpoint = Str(d, "endpoint");
    if (!Str(d, "agreement_id").empty())
      h.agreement_id = Str(d, "agreement_id");
  } else if (record.event == "admission.refused") {
    h.refusal = Str(d, "reason");
    if (!Str(d, "stage").empty()) {
      absl::StrAppend(&h.refusal, " (", Str(d, "stage"), ")");
    }
  }
}

}  // namespace

StatusOr<std::vector<HospitalAdmission>> ReadAdmissions(
    const std::string& master_log, const std::string& job_id,
    const DemoDataspace& space,
    const std::map<std::string, std::string>& hospital_logs) {
  std::vector<HospitalAdmission> hospitals;
  for (const auto& [name, p] : space.participants) {
    if (name == "master") continue;
    HospitalAdmission h;
    h.name = name;
    h.did = p.did;
    h.dataset = DemoDatasetId(name);
    hospitals.push_back(h);
  }
  // Only the last run of the job (a work directory can be reused): the
  // records from its last job.submitted on.
  std::vector<audit::AuditRecord> run;
  DSFL_RETURN_IF_ERROR(
      ForEachRecord(master_log, job_id, [&run](const audit::AuditRecord& r) {
        if (r.event == "job.submitted") run.clear();
        run.push_back(r);
      }));
  for (const audit::AuditRecord& record : run) {
    ReadMasterRecord(record, hospitals);
  }
  for (HospitalAdmission& h : hospitals) {
    auto log = hospital_logs.find(h.name);
    if (log == hospital_logs.end()) continue;
    // The hospital's records of this admission: from its authorize.request
    // for the agreement the master negotiated.
    std::string master_credentials;
    std::string cohort;
    bool ours = false;
    ForEachRecord(log->second, job_id, [&](const audit::AuditRecord& r) {
      const nlohmann::json& d = r.details;
      if (r.event == "authorize.request") {
        ours =
            !h.agreement_id.empty() && Str(d, "agreement_id") == h.agreement_id;
      }
      if (!ours) return;
      if (r.event == "credential.check") {
        master_credentials.clear();
        for (const nlohmann::json& type :
             d.value("credential_types", nlohmann::json::array())) {
          if (type.is_string() && type != "VerifiableCredential") {
            absl::StrAppend(&master_credentials,
                            master_credentials.empty() ? "" : ", ",
                            type.get<std::string>());
          }
        }
      } else if (r.event == "policy.check" && d.contains("cohort_size")) {
        cohort = absl::StrCat(" (cohort ", d["cohort_size"].dump(), ")");
      } else if (r.event == "authorize.decision") {
        // "allow: credential valid (...), agreement valid, policy allow
        // (cohort 76), tls certificate_names_did"
        h.own_decision = Str(d, "decision");
        std::vector<std::string> checks;
        const nlohmann::json all = d.value("checks", nlohmann::json::object());
        for (const auto& [check, result] : all.items()) {
          std::string text = absl::StrCat(
              check, " ",
              result.is_string() ? result.get<std::string>() : result.dump());
          if (check == "credential" && !master_credentials.empty()) {
            absl::StrAppend(&text, " (", master_credentials, ")");
          }
          if (check == "policy") absl::StrAppend(&text, cohort);
          checks.push_back(text);
        }
        if (h.own_decision != "allow" && !Str(d, "reason").empty()) {
          absl::StrAppend(&h.own_decision, " ", Str(d, "reason"));
        }
        if (!checks.empty()) {
          absl::StrAppend(&h.own_decision, ": ", absl::StrJoin(checks, ", "));
        }
      }
    }).IgnoreError();  // An unreadable hospital log leaves the row out.
  }
  return hospitals;
}

std::string FormatAdmissions(const std::vector<HospitalAdmission>& hospitals) {
  std::string out;
  for (const HospitalAdmission& h : hospitals) {
    bool first = true;
    auto row = [&](const char* step, const std::string& text) {
      absl::StrAppend(
          &out, "    ", first ? h.name : "",
          std::string(first ? 12 - std::min<size_t>(h.name.size(), 11) : 12,
                      ' '),
          step, text, "\n");
      first = false;
    };
    row("discovered   ", h.endpoint.empty()
                             ? std::string("(not in the catalog)")
                             : absl::StrCat(h.dataset, " at ", h.endpoint));
    if (!h.negotiation_states.empty()) {
      row("negotiated   ",
          absl::StrCat(
              absl::StrJoin(h.negotiation_states, " > "),
              h.agreement_id.empty()
                  ? ""
                  : absl::StrCat(", agreement ", Short(h.agreement_id))));
    }
    if (!h.credential_result.empty()) {
      row("credentials  ",
          absl::StrCat(h.credential_result, ": ",
                       absl::StrJoin(h.credential_types, ", "),
                       h.credential_issuer.empty()
                           ? ""
                           : absl::StrCat(" from ", h.credential_issuer)));
    }
    if (!h.tls_binding.empty()) {
      row("TLS key      ", absl::StrCat(h.tls_binding, ", DID ", h.did));
    }
    if (!h.authorize.empty()) row("authorized   ", h.authorize);
    if (!h.own_decision.empty()) {
      row("its log      ", absl::StrCat("authorize.decision ", h.own_decision));
    }
    if (h.admitted) {
      row("admitted     ",
          absl::StrCat("node ", h.node.empty() ? h.name : h.node,
                       h.session_id.empty()
                           ? ""
                           : absl::StrCat(", session ", Short(h.session_id))));
    } else {
      row("refused      ", h.refusal.empty()
                               ? std::string("(no decision recorded)")
                               : h.refusal);
    }
  }
  return out;
}

std::string AdmissionCount(const std::vector<HospitalAdmission>& hospitals) {
  std::vector<std::string> admitted;
  for (const HospitalAdmission& h : hospitals) {
    if (h.admitted) admitted.push_back(h.name);
  }
  return absl::StrCat(admitted.size(), " of ", hospitals.size(),
                      " hospitals admitted (", absl::StrJoin(admitted, ", "),
                      ")");
}

void PrintAdmissionSummary(
    const std::string& master_log, const std::string& job_id,
    const DemoDataspace& space,
    const std::map<std::string, std::string>& hospital_logs, bool detailed) {
  StatusOr<std::vector<HospitalAdmission>> hospitals =
      ReadAdmissions(master_log, job_id, space, hospital_logs);
  if (!hospitals.ok()) {
    std::printf("  admission: %s\n",
                std::string(hospitals.status().message()).c_str());
  } else if (detailed) {
    std::printf(
        "  admission of job %s, as the signed audit logs record it "
        "(%s and the hospitals'):\n%s",
        job_id.c_str(), master_log.c_str(),
        FormatAdmissions(*hospitals).c_str());
  } else {
    std::printf("  audit log %s: %s\n", master_log.c_str(),
                AdmissionCount(*hospitals).c_str());
  }
  std::fflush(stdout);
}

}  // namespace dsfl::cli
