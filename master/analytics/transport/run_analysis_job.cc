#include "master/analytics/transport/run_analysis_job.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/audit/audit_log.h"
#include "common/model_file.h"
#include "common/sha256.h"
#include "common/tls/tls_policy.h"
#include "master/analytics/analysis_audit.h"
#include "master/analytics/analysis_report.h"
#include "master/analytics/transport/grpc_analytics_client.h"
#include "master/core/job_audit_log.h"
#include "master/transport/dataspace_admission.h"
#include "spdlog/spdlog.h"

namespace dsfl::analytics {
namespace {

StatusOr<AnalysisJobResult> Run(const master::JobSpec& spec,
                                master::JobListener* listener,
                                CancellationToken* cancel,
                                AnalysisAudit* audit, audit::AuditSink* sink) {
  if (!spec.insecure) DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
  std::vector<std::unique_ptr<GrpcAnalyticsClient>> clients;
  Federation federation;
  federation.context.job_id = spec.job_id;
  federation.query_timeout = spec.round_timeout;
  federation.cancel = cancel;
  federation.observer = audit;
  if (spec.dataspace) {
    // The sites are the nodes dataspace admission admits (audited into the
    // same log); each query carries the node's session.
    master::DataspaceAdmissionDeps deps;
    deps.audit = sink;
    deps.listener = listener;
    deps.cancel = cancel;
    DSFL_ASSIGN_OR_RETURN(std::vector<master::AdmittedNode> admitted,
                          master::AdmitDataspaceNodes(spec, deps));
    for (master::AdmittedNode& node : admitted) {
      auto client = std::make_unique<GrpcAnalyticsClient>(
          std::move(node.channel), node.session_id);
      federation.sites.push_back({node.id, client.get()});
      clients.push_back(std::move(client));
    }
  }
  for (const master::SlaveEndpoint& endpoint : spec.slaves) {
    DSFL_ASSIGN_OR_RETURN(auto client,
                          ConnectAnalytics(endpoint, spec.tls, spec.insecure));
    federation.sites.push_back({endpoint.id, client.get()});
    clients.push_back(std::move(client));
  }
  if (listener != nullptr) {
    const char* what = "Cox";
    if (spec.analysis->type == AnalysisSpec::Type::kKaplanMeier) {
      what = "Kaplan-Meier";
    } else if (spec.analysis->type == AnalysisSpec::Type::kConcordance) {
      what = "concordance";
    }
    listener->OnJobMessage(absl::StrCat("exact federated ", what,
                                        " analysis over ",
                                        federation.sites.size(), " slaves"));
  }
  AnalysisJobResult out;
  DSFL_ASSIGN_OR_RETURN(out.result, RunAnalysis(*spec.analysis, federation));
  std::error_code ec;
  std::filesystem::create_directories(spec.output_dir, ec);
  out.json_path =
      (std::filesystem::path(spec.output_dir) / "analysis.json").string();
  const std::string report = AnalysisJson(out.result).dump(2) + "\n";
  // The digest is in the log before the report exists.
  DSFL_RETURN_IF_ERROR(
      audit->Report(out.result, out.json_path, Sha256::HexOf(report)));
  DSFL_RETURN_IF_ERROR(WriteFileAtomically(out.json_path, report));
  if (listener != nullptr) {
    for (absl::string_view line :
         absl::StrSplit(AnalysisText(out.result), '\n')) {
      if (!line.empty()) listener->OnJobMessage(std::string(line));
    }
    listener->OnJobMessage(absl::StrCat("report: ", out.json_path));
  }
  return out;
}

}  // namespace

StatusOr<AnalysisJobResult> RunAnalysisJob(const master::JobSpec& spec,
                                           master::JobListener* listener,
                                           CancellationToken* cancel,
                                           audit::AuditSink* sink) {
  if (!spec.analysis) {
    return absl::InvalidArgumentError("analysis: the job has no analysis");
  }
  if (spec.slaves.empty() && !spec.dataspace) {
    return absl::InvalidArgumentError("slaves: the job lists no slaves");
  }
  if (sink == nullptr) {
    return absl::InvalidArgumentError("RunAnalysisJob: no audit sink");
  }
  AnalysisAudit audit(sink, spec.job_id);
  DSFL_RETURN_IF_ERROR(
      audit.Submitted(spec.spec_sha256, *spec.analysis, spec.slaves.size()));
  auto result = Run(spec, listener, cancel, &audit, sink);
  if (!result.ok()) {
    Status logged = audit.Ended(result.status(),
                                cancel != nullptr && cancel->cancelled());
    if (!logged.ok()) spdlog::error("{}", logged.ToString());
  }
  return result;
}

StatusOr<AnalysisJobResult> RunAnalysisJob(const master::JobSpec& spec,
                                           master::JobListener* listener,
                                           CancellationToken* cancel) {
  if (!spec.analysis) {
    return absl::InvalidArgumentError("analysis: the job has no analysis");
  }
  // The master's signed audit log and its key live with the job's output,
  // as for a training job (master/transport/run_job.cc).
  DSFL_ASSIGN_OR_RETURN(std::unique_ptr<audit::AuditLog> log,
                        master::OpenJobAuditLog(spec.output_dir));
  auto result = RunAnalysisJob(spec, listener, cancel, log.get());
  Status closed = log->Close();
  if (result.ok() && !closed.ok()) return closed;
  return result;
}

}  // namespace dsfl::analytics
