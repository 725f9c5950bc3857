#include "master/analytics/analysis.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/model_file.h"

namespace dsfl::analytics {
namespace {

// Leaves out the sites that refuse the first query.
Status ExcludeRefusingSites(const AnalysisSpec& spec, Federation* federation,
                            std::vector<std::string>* excluded) {
  std::vector<Site> kept;
  const bool times = spec.type == AnalysisSpec::Type::kCox &&
                     spec.design == CoxDesign::kPooled;
  const bool km = spec.type == AnalysisSpec::Type::kKaplanMeier;
  QueryRound round;
  round.query = km ? QueryName<TimeCounts>() : QueryName<SurvivalSummary>();
  Status failed;
  for (const Site& site : federation->sites) {
    round.sites.push_back(site.id);
    Status status;
    if (km) {
      status = site.client
                   ->KaplanMeier(federation->context, spec.data,
                                 federation->Options())
                   .status();
    } else {
      status = site.client
                   ->Summary(federation->context, spec.data, times,
                             federation->Options())
                   .status();
    }
    if (status.ok()) {
      kept.push_back(site);
      round.answered.push_back(site.id);
    } else if (status.code() == absl::StatusCode::kFailedPrecondition) {
      excluded->push_back(absl::StrCat(site.id, ": ", status.message()));
      round.refused.push_back(excluded->back());
    } else {
      round.errors.push_back(absl::StrCat(site.id, ": ", status.message()));
      failed = Status(status.code(),
                      absl::StrCat("site ", site.id, ": ", status.message()));
      break;
    }
  }
  if (federation->observer != nullptr) {
    DSFL_RETURN_IF_ERROR(federation->observer->OnQueryRound(round));
  }
  DSFL_RETURN_IF_ERROR(failed);
  federation->sites = std::move(kept);
  return absl::OkStatus();
}

// The risk model of a built-in model checkpoint.
StatusOr<RiskModel> ModelFileRiskModel(const std::string& path) {
  DSFL_ASSIGN_OR_RETURN(ModelFile file, ReadModelFile(path));
  const nlohmann::json& meta = file.metadata;
  if (!meta.contains("standardization") ||
      !meta["standardization"].contains("mean") ||
      !meta["standardization"].contains("stddev")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "analysis.model_file: ", path,
        " has no standardization in its metadata (use a checkpoint of the "
        "training job)"));
  }
  RiskModel model;
  model.kind = RiskModel::Kind::kMlp;
  model.mlp = std::move(file.model);
  try {
    model.mean = meta["standardization"]["mean"].get<std::vector<double>>();
    model.stddev = meta["standardization"]["stddev"].get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        "analysis.model_file: ", path, ": bad standardization: ", e.what()));
  }
  return model;
}

}  // namespace

RiskModel CoxRiskModel(const CoxFit& fit) {
  RiskModel model;
  model.kind = RiskModel::Kind::kLinear;
  model.beta = fit.coef;
  model.center = fit.means;
  return model;
}

StatusOr<AnalysisResult> RunAnalysis(const AnalysisSpec& spec,
                                     Federation federation) {
  const auto start = std::chrono::steady_clock::now();
  AnalysisResult result;
  result.spec = spec;
  if (spec.exclude_refusing_sites) {
    DSFL_RETURN_IF_ERROR(
        ExcludeRefusingSites(spec, &federation, &result.excluded));
  }
  for (const Site& site : federation.sites) result.sites.push_back(site.id);
  if (spec.type == AnalysisSpec::Type::kKaplanMeier) {
    DSFL_ASSIGN_OR_RETURN(result.km, FitKaplanMeier(federation, spec.data));
  } else if (spec.type == AnalysisSpec::Type::kConcordance) {
    DSFL_ASSIGN_OR_RETURN(RiskModel model, ModelFileRiskModel(spec.model_file));
    DSFL_ASSIGN_OR_RETURN(
        result.concordance,
        FederatedConcordance(federation, spec.data, model, spec.uno));
  } else {
    CoxOptions options;
    options.spec = spec.data;
    options.ties = spec.ties;
    options.design = spec.design;
    options.eps = spec.eps;
    options.max_iterations = spec.max_iterations;
    options.baseline_hazard = spec.baseline_hazard;
    DSFL_ASSIGN_OR_RETURN(result.cox, FitCox(federation, options));
    if (spec.concordance) {
      const RiskModel model = CoxRiskModel(*result.cox);
      DSFL_ASSIGN_OR_RETURN(
          result.concordance,
          FederatedConcordance(federation, spec.data, model, spec.uno));
      if (spec.data.rows == RowSet::kTraining) {
        SurvivalSpec held_out = spec.data;
        held_out.rows = RowSet::kHeldOut;
        DSFL_ASSIGN_OR_RETURN(
            result.held_out_concordance,
            FederatedConcordance(federation, held_out, model, spec.uno));
      }
    }
  }
  result.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return result;
}

}  // namespace dsfl::analytics
