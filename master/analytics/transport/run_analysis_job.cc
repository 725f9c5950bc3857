#include "master/analytics/transport/run_analysis_job.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/model_file.h"
#include "common/tls/tls_policy.h"
#include "master/analytics/analysis_report.h"
#include "master/analytics/transport/grpc_analytics_client.h"

namespace dsfl::analytics {

StatusOr<AnalysisJobResult> RunAnalysisJob(const master::JobSpec& spec,
                                           master::JobListener* listener,
                                           CancellationToken* cancel) {
  if (!spec.analysis) {
    return absl::InvalidArgumentError("analysis: the job has no analysis");
  }
  if (spec.slaves.empty()) {
    return absl::InvalidArgumentError("slaves: the job lists no slaves");
  }
  if (!spec.insecure) DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
  std::vector<std::unique_ptr<GrpcAnalyticsClient>> clients;
  Federation federation;
  federation.context.job_id = spec.job_id;
  federation.query_timeout = spec.round_timeout;
  federation.cancel = cancel;
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
  DSFL_RETURN_IF_ERROR(WriteFileAtomically(
      out.json_path, AnalysisJson(out.result).dump(2) + "\n"));
  if (listener != nullptr) {
    for (absl::string_view line :
         absl::StrSplit(AnalysisText(out.result), '\n')) {
      if (!line.empty()) listener->OnJobMessage(std::string(line));
    }
    listener->OnJobMessage(absl::StrCat("report: ", out.json_path));
  }
  return out;
}

}  // namespace dsfl::analytics
