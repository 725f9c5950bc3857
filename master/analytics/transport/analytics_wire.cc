#include "master/analytics/transport/analytics_wire.h"

#include "absl/strings/str_cat.h"

namespace dsfl::analytics::wire {
namespace {

template <typename T, typename Repeated>
std::vector<T> Vec(const Repeated& repeated) {
  return std::vector<T>(repeated.begin(), repeated.end());
}

template <typename Repeated, typename T>
void Set(const std::vector<T>& values, Repeated* out) {
  out->Assign(values.begin(), values.end());
}

v1::RiskProbe ProbeToProto(const RiskProbe& p) {
  v1::RiskProbe out;
  out.set_time(p.time);
  out.set_risk(p.risk);
  out.set_count(p.count);
  out.set_weight(p.weight);
  return out;
}

RiskProbe ProbeFromProto(const v1::RiskProbe& p) {
  return RiskProbe{p.time(), p.risk(), p.count(), p.weight()};
}

void CountsToProto(const PairCounts& in, v1::PairCounts* out) {
  out->set_concordant(in.concordant);
  out->set_discordant(in.discordant);
  out->set_tied_risk(in.tied_risk);
  out->set_w_concordant(in.w_concordant);
  out->set_w_discordant(in.w_discordant);
  out->set_w_tied_risk(in.w_tied_risk);
}

PairCounts CountsFromProto(const v1::PairCounts& in) {
  return PairCounts{in.concordant(),   in.discordant(),   in.tied_risk(),
                    in.w_concordant(), in.w_discordant(), in.w_tied_risk()};
}

}  // namespace

void ToProto(const SurvivalSpec& in, v1::SurvivalSpec* out) {
  out->set_time(in.time);
  out->set_event(in.event);
  Set(in.covariates, out->mutable_covariates());
  switch (in.rows) {
    case RowSet::kAll:
      out->set_rows(v1::ROW_SET_ALL);
      break;
    case RowSet::kTraining:
      out->set_rows(v1::ROW_SET_TRAINING);
      break;
    case RowSet::kHeldOut:
      out->set_rows(v1::ROW_SET_HELD_OUT);
      break;
  }
  out->set_held_out_fraction(in.held_out_fraction);
  out->set_split_seed(in.split_seed);
}

StatusOr<SurvivalSpec> FromProto(const v1::SurvivalSpec& in) {
  SurvivalSpec spec;
  spec.time = in.time();
  spec.event = in.event();
  spec.covariates = Vec<std::string>(in.covariates());
  switch (in.rows()) {
    case v1::ROW_SET_UNSPECIFIED:
    case v1::ROW_SET_ALL:
      spec.rows = RowSet::kAll;
      break;
    case v1::ROW_SET_TRAINING:
      spec.rows = RowSet::kTraining;
      break;
    case v1::ROW_SET_HELD_OUT:
      spec.rows = RowSet::kHeldOut;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("spec.rows: unknown value ", in.rows()));
  }
  spec.held_out_fraction = in.held_out_fraction();
  spec.split_seed = in.split_seed();
  return spec;
}

void ToProto(const QueryContext& in, v1::QueryContext* out) {
  out->set_job_id(in.job_id);
}

QueryContext FromProto(const v1::QueryContext& in) {
  return QueryContext{in.job_id()};
}

void ToProto(const SurvivalSummary& in, v1::SummaryResponse* out) {
  out->set_rows(in.rows);
  out->set_events(in.events);
  Set(in.covariate_sums, out->mutable_covariate_sums());
  Set(in.event_times, out->mutable_event_times());
  Set(in.event_counts, out->mutable_event_counts());
}

SurvivalSummary FromProto(const v1::SummaryResponse& in) {
  SurvivalSummary s;
  s.rows = in.rows();
  s.events = in.events();
  s.covariate_sums = Vec<double>(in.covariate_sums());
  s.event_times = Vec<double>(in.event_times());
  s.event_counts = Vec<int64_t>(in.event_counts());
  return s;
}

void ToProto(const CoxQuery& in, v1::CoxRequest* out) {
  ToProto(in.spec, out->mutable_spec());
  out->set_ties(in.ties == Ties::kBreslow ? v1::TIES_BRESLOW : v1::TIES_EFRON);
  Set(in.beta, out->mutable_beta());
  Set(in.center, out->mutable_center());
  Set(in.event_times, out->mutable_event_times());
}

StatusOr<CoxQuery> FromProto(const v1::CoxRequest& in) {
  CoxQuery q;
  DSFL_ASSIGN_OR_RETURN(q.spec, FromProto(in.spec()));
  if (in.ties() == v1::TIES_BRESLOW) {
    q.ties = Ties::kBreslow;
  } else if (in.ties() == v1::TIES_EFRON) {
    q.ties = Ties::kEfron;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("ties: unknown value ", in.ties()));
  }
  q.beta = Vec<double>(in.beta());
  q.center = Vec<double>(in.center());
  q.event_times = Vec<double>(in.event_times());
  return q;
}

void ToProto(const CoxTerms& in, v1::CoxTermsResponse* out) {
  out->set_loglik(in.loglik);
  Set(in.score, out->mutable_score());
  Set(in.information, out->mutable_information());
}

CoxTerms FromProto(const v1::CoxTermsResponse& in) {
  return CoxTerms{in.loglik(), Vec<double>(in.score()),
                  Vec<double>(in.information())};
}

void ToProto(const RiskSetSums& in, v1::RiskSetSumsResponse* out) {
  Set(in.s0, out->mutable_s0());
  Set(in.s1, out->mutable_s1());
  Set(in.s2, out->mutable_s2());
  Set(in.d0, out->mutable_d0());
  Set(in.d1, out->mutable_d1());
  Set(in.d2, out->mutable_d2());
  Set(in.event_x, out->mutable_event_x());
  out->set_event_xb(in.event_xb);
}

RiskSetSums FromProto(const v1::RiskSetSumsResponse& in) {
  RiskSetSums s;
  s.s0 = Vec<double>(in.s0());
  s.s1 = Vec<double>(in.s1());
  s.s2 = Vec<double>(in.s2());
  s.d0 = Vec<double>(in.d0());
  s.d1 = Vec<double>(in.d1());
  s.d2 = Vec<double>(in.d2());
  s.event_x = Vec<double>(in.event_x());
  s.event_xb = in.event_xb();
  return s;
}

void ToProto(const BaselineHazard& in, v1::BaselineHazardResponse* out) {
  Set(in.times, out->mutable_times());
  Set(in.increments, out->mutable_increments());
}

BaselineHazard FromProto(const v1::BaselineHazardResponse& in) {
  return BaselineHazard{Vec<double>(in.times()), Vec<double>(in.increments())};
}

void ToProto(const TimeCounts& in, v1::TimeCountsResponse* out) {
  out->set_rows(in.rows);
  Set(in.times, out->mutable_times());
  Set(in.events, out->mutable_events());
  Set(in.censored, out->mutable_censored());
}

TimeCounts FromProto(const v1::TimeCountsResponse& in) {
  TimeCounts c;
  c.rows = in.rows();
  c.times = Vec<double>(in.times());
  c.events = Vec<int64_t>(in.events());
  c.censored = Vec<int64_t>(in.censored());
  return c;
}

void ToProto(const RiskModel& in, v1::RiskModel* out) {
  out->set_kind(in.kind == RiskModel::Kind::kLinear ? v1::RiskModel::KIND_LINEAR
                                                    : v1::RiskModel::KIND_MLP);
  Set(in.beta, out->mutable_beta());
  Set(in.center, out->mutable_center());
  const float* cursor = in.mlp.values.data();
  for (const TensorSpec& t : in.mlp.spec.tensors()) {
    v1::MlpTensor* tensor = out->add_mlp();
    tensor->set_name(t.name);
    Set(t.shape, tensor->mutable_shape());
    const size_t n = static_cast<size_t>(t.numel());
    if (cursor + n <= in.mlp.values.data() + in.mlp.values.size()) {
      tensor->mutable_values()->Assign(cursor, cursor + n);
    }
    cursor += n;
  }
  Set(in.mean, out->mutable_mean());
  Set(in.stddev, out->mutable_stddev());
}

StatusOr<RiskModel> FromProto(const v1::RiskModel& in) {
  RiskModel model;
  if (in.kind() == v1::RiskModel::KIND_LINEAR) {
    model.kind = RiskModel::Kind::kLinear;
  } else if (in.kind() == v1::RiskModel::KIND_MLP) {
    model.kind = RiskModel::Kind::kMlp;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("model.kind: unknown value ", in.kind()));
  }
  model.beta = Vec<double>(in.beta());
  model.center = Vec<double>(in.center());
  std::vector<TensorSpec> specs;
  for (const v1::MlpTensor& t : in.mlp()) {
    TensorSpec spec{t.name(), Vec<int64_t>(t.shape()), DType::kFloat32};
    if (spec.numel() != static_cast<uint64_t>(t.values_size())) {
      return absl::InvalidArgumentError(absl::StrCat("model.mlp '", t.name(),
                                                     "': ", t.values_size(),
                                                     " values for its shape"));
    }
    model.mlp.values.insert(model.mlp.values.end(), t.values().begin(),
                            t.values().end());
    specs.push_back(std::move(spec));
  }
  model.mlp.spec = ModelSpec(std::move(specs));
  model.mean = Vec<double>(in.mean());
  model.stddev = Vec<double>(in.stddev());
  return model;
}

void ToProto(const std::vector<RiskProbe>& in, v1::RiskProbesResponse* out) {
  for (const RiskProbe& p : in) *out->add_probes() = ProbeToProto(p);
}

std::vector<RiskProbe> FromProto(const v1::RiskProbesResponse& in) {
  std::vector<RiskProbe> probes;
  for (const v1::RiskProbe& p : in.probes()) {
    probes.push_back(ProbeFromProto(p));
  }
  return probes;
}

void ToProto(const ConcordanceQuery& in, v1::ConcordanceRequest* out) {
  ToProto(in.spec, out->mutable_spec());
  ToProto(in.model, out->mutable_model());
  for (const RiskProbe& p : in.probes) *out->add_probes() = ProbeToProto(p);
}

StatusOr<ConcordanceQuery> FromProto(const v1::ConcordanceRequest& in) {
  ConcordanceQuery q;
  DSFL_ASSIGN_OR_RETURN(q.spec, FromProto(in.spec()));
  DSFL_ASSIGN_OR_RETURN(q.model, FromProto(in.model()));
  for (const v1::RiskProbe& p : in.probes()) {
    q.probes.push_back(ProbeFromProto(p));
  }
  return q;
}

void ToProto(const ConcordanceCounts& in, v1::ConcordanceResponse* out) {
  out->set_rows(in.rows);
  out->set_events(in.events);
  CountsToProto(in.across, out->mutable_across());
  CountsToProto(in.within, out->mutable_within());
}

ConcordanceCounts FromProto(const v1::ConcordanceResponse& in) {
  ConcordanceCounts c;
  c.rows = in.rows();
  c.events = in.events();
  c.across = CountsFromProto(in.across());
  c.within = CountsFromProto(in.within());
  return c;
}

}  // namespace dsfl::analytics::wire
