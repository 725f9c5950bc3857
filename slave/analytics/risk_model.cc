#include "slave/analytics/risk_model.h"

#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace dsfl::analytics {
namespace {

struct Layer {
  size_t in = 0, out = 0;
  const float* weight = nullptr;  // out x in
  const float* bias = nullptr;    // out, may be null
};

StatusOr<std::vector<Layer>> ParseMlp(const FlatModel& model, size_t p) {
  DSFL_RETURN_IF_ERROR(model.spec.Validate());
  if (model.values.size() != model.spec.total_numel()) {
    return absl::InvalidArgumentError("risk model: values do not match spec");
  }
  std::vector<Layer> layers;
  const float* cursor = model.values.data();
  for (const TensorSpec& t : model.spec.tensors()) {
    const bool weight = absl::EndsWith(t.name, ".weight");
    const bool bias = absl::EndsWith(t.name, ".bias");
    if (weight && t.shape.size() == 2) {
      Layer layer;
      layer.out = static_cast<size_t>(t.shape[0]);
      layer.in = static_cast<size_t>(t.shape[1]);
      layer.weight = cursor;
      layers.push_back(layer);
    } else if (bias && t.shape.size() == 1 && !layers.empty() &&
               layers.back().bias == nullptr &&
               static_cast<size_t>(t.shape[0]) == layers.back().out) {
      layers.back().bias = cursor;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "risk model: tensor '", t.name,
          "' is not part of a built-in MLP (layers.<i>.weight / bias)"));
    }
    cursor += t.numel();
  }
  if (layers.empty() || layers.front().in != p || layers.back().out != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "risk model: the MLP must take ", p, " inputs and give 1 output"));
  }
  for (size_t l = 1; l < layers.size(); ++l) {
    if (layers[l].in != layers[l - 1].out) {
      return absl::InvalidArgumentError(
          absl::StrCat("risk model: layer ", l, " takes ", layers[l].in,
                       " inputs but the previous gives ", layers[l - 1].out));
    }
  }
  return layers;
}

}  // namespace

StatusOr<std::vector<double>> ScoreRows(const SurvivalData& data,
                                        const RiskModel& model) {
  const size_t p = data.p;
  const size_t n = data.rows();
  std::vector<double> risk(n, 0.0);
  if (model.kind == RiskModel::Kind::kLinear) {
    if (model.beta.size() != p ||
        (!model.center.empty() && model.center.size() != p)) {
      return absl::InvalidArgumentError(
          absl::StrCat("risk model: ", model.beta.size(), " coefficients for ",
                       p, " covariates"));
    }
    double offset = 0.0;
    for (size_t a = 0; a < model.center.size(); ++a) {
      offset += model.beta[a] * model.center[a];
    }
    for (size_t i = 0; i < n; ++i) {
      double z = 0.0;
      for (size_t a = 0; a < p; ++a) z += data.row(i)[a] * model.beta[a];
      risk[i] = z - offset;
    }
  } else {
    if (model.mean.size() != p || model.stddev.size() != p) {
      return absl::InvalidArgumentError(
          "risk model: the MLP needs a mean and stddev per covariate");
    }
    for (double s : model.stddev) {
      if (!(s > 0) || !std::isfinite(s)) {
        return absl::InvalidArgumentError(
            "risk model: standard deviations must be positive");
      }
    }
    DSFL_ASSIGN_OR_RETURN(std::vector<Layer> layers, ParseMlp(model.mlp, p));
    std::vector<double> h, next;
    for (size_t i = 0; i < n; ++i) {
      h.resize(p);
      for (size_t a = 0; a < p; ++a) {
        h[a] = (data.row(i)[a] - model.mean[a]) / model.stddev[a];
      }
      for (size_t l = 0; l < layers.size(); ++l) {
        const Layer& layer = layers[l];
        next.assign(layer.out, 0.0);
        for (size_t o = 0; o < layer.out; ++o) {
          double v = layer.bias != nullptr ? layer.bias[o] : 0.0;
          const float* w = layer.weight + o * layer.in;
          for (size_t c = 0; c < layer.in; ++c) v += w[c] * h[c];
          next[o] = (l + 1 < layers.size() && v < 0.0) ? 0.0 : v;
        }
        h.swap(next);
      }
      risk[i] = h[0];
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(risk[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "risk model: the score of complete-case row ", i, " is not finite"));
    }
  }
  return risk;
}

}  // namespace dsfl::analytics
