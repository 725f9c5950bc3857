#include "cli/demo_analyses.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/config_reader.h"

namespace dsfl::cli {
namespace fs = std::filesystem;
namespace {

// The DeepSurv job's way to the hospitals, for another job.
void CopyFederation(const nlohmann::json& from, nlohmann::json* to) {
  for (const char* key : {"dataspace", "slaves", "tls"}) {
    if (from.contains(key)) (*to)[key] = from[key];
  }
}

}  // namespace

std::vector<DemoJob> DemoAnalysisJobs(const std::string& work_dir,
                                      const nlohmann::json& deepsurv_job,
                                      int rounds) {
  const fs::path work(work_dir);
  const nlohmann::json& data = deepsurv_job.at("data");
  nlohmann::json cox = {{"job_id", "lung-cox"},
                        {"analysis",
                         {{"type", "cox"},
                          {"time", data.at("time")},
                          {"event", data.at("event")},
                          {"covariates", data.at("features")},
                          {"ties", "efron"},
                          {"design", "pooled"},
                          {"rows", "training"},
                          {"held_out_fraction", data.at("held_out_fraction")},
                          {"split_seed", data.at("split_seed")}}},
                        {"output_dir", (work / "cox").string()}};
  CopyFederation(deepsurv_job, &cox);
  const fs::path checkpoint = work / "master" / "checkpoints" /
                              absl::StrFormat("round-%05d.dsflm", rounds);
  nlohmann::json concordance = {
      {"job_id", "lung-deepsurv-concordance"},
      {"analysis",
       {{"type", "concordance"},
        {"model_file", checkpoint.string()},
        {"time", data.at("time")},
        {"event", data.at("event")},
        {"covariates", data.at("features")},
        {"rows", "held_out"},
        {"held_out_fraction", data.at("held_out_fraction")},
        {"split_seed", data.at("split_seed")}}},
      {"output_dir", (work / "deepsurv-concordance").string()}};
  CopyFederation(deepsurv_job, &concordance);
  return {{(work / "cox-job.json").string(), cox, "exact Cox"},
          {(work / "deepsurv-concordance-job.json").string(), concordance,
           "DeepSurv concordance"}};
}

Status RunDemoAnalyses(const std::string& work_dir,
                       const std::vector<DemoJob>& jobs, int rounds,
                       const DemoJobRunner& run_job) {
  const fs::path work(work_dir);
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (i > 0) std::printf("\n");
    DSFL_ASSIGN_OR_RETURN(int status, run_job(jobs[i].path, jobs[i].spec));
    if (status != 0) {
      return absl::InternalError(absl::StrCat("dsfl-master (", jobs[i].what,
                                              ") exited with status ", status));
    }
  }
  DSFL_ASSIGN_OR_RETURN(
      nlohmann::json cox_report,
      ReadJsonFile((work / "cox" / "analysis.json").string()));
  DSFL_ASSIGN_OR_RETURN(
      nlohmann::json deepsurv_report,
      ReadJsonFile((work / "deepsurv-concordance" / "analysis.json").string()));
  DSFL_ASSIGN_OR_RETURN(
      nlohmann::json metrics,
      ReadJsonFile((work / "master" / "metrics.json").string()));
  try {
    double fedavg_c = NAN;
    for (const auto& round : metrics.value("rounds", nlohmann::json::array())) {
      if (round.contains("evaluation") &&
          round["evaluation"].contains("c_index")) {
        fedavg_c = round["evaluation"]["c_index"].get<double>();
      }
    }
    const nlohmann::json& held = cox_report.at("held_out_concordance");
    const nlohmann::json& ds = deepsurv_report.at("concordance");
    auto c = [](const nlohmann::json& j, const char* a, const char* b) {
      return j.at(a).at(b).at("concordance").get<double>();
    };
    std::printf(
        "\n  Harrell's C on the same %d held-out patients (%d deaths):\n"
        "  %-34s %10s %16s\n"
        "  %-34s %10.4f %16.4f   (FedAvg metric: %.4f)\n"
        "  %-34s %10.4f %16.4f\n",
        held.at("n").get<int>(), held.at("events").get<int>(), "model",
        "pooled", "within hospitals",
        absl::StrCat("DeepSurv, FedAvg ", rounds, " rounds").c_str(),
        ds.at("harrell").at("concordance").get<double>(),
        c(ds, "within_sites", "harrell"), fedavg_c,
        "exact Cox (Efron, pooled design)",
        held.at("harrell").at("concordance").get<double>(),
        c(held, "within_sites", "harrell"));
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(
        absl::StrCat("analysis reports: unexpected shape: ", e.what()));
  }
  return absl::OkStatus();
}

}  // namespace dsfl::cli
