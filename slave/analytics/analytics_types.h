// The vocabulary of exact federated survival analytics, shared by the slave
// (which answers queries with aggregates) and the master (which combines
// them): queries, the aggregates each site returns, and the risk models
// whose concordance is measured. Plain data; no gRPC, no torch.
//
// Conventions: covariate vectors have p entries in the order of
// SurvivalSpec::covariates; p x p matrices are row-major; "packed" second
// moments hold the upper triangle row by row (p (p + 1) / 2 entries, index
// of (a, b) with a <= b is a (2p - a + 1) / 2 + (b - a)). Centred
// covariates are x - center, with `center` the federation-wide mean that
// the master computes from every site's sums.
#ifndef DSFL_SLAVE_ANALYTICS_ANALYTICS_TYPES_H_
#define DSFL_SLAVE_ANALYTICS_ANALYTICS_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/flat_model.h"

namespace dsfl::analytics {

enum class Ties { kBreslow, kEfron };
enum class CoxDesign { kPooled, kStratified };

// Which rows of a site a query uses. kTraining / kHeldOut apply the
// training split rule of slave/training/examples.h (IsHeldOutRow) to the
// table's row index, so an analysis can use exactly the rows a model was
// trained or evaluated on.
enum class RowSet { kAll, kTraining, kHeldOut };

// The columns and rows of a survival query; the same on every site. Rows
// with a missing time, event or covariate are dropped (complete cases).
struct SurvivalSpec {
  std::string time;
  std::string event;                    // 1 = event (death), 0 = censored
  std::vector<std::string> covariates;  // empty for Kaplan-Meier
  RowSet rows = RowSet::kAll;
  double held_out_fraction = 0.0;  // used by kTraining / kHeldOut
  uint64_t split_seed = 0;
};

// Names the job whose data a query reads (the slave caches one job's table).
struct QueryContext {
  std::string job_id;
};

// ------------------------------------------------------------ summaries

// Whole-site totals over the complete cases; with `event_times` also the
// site's distinct event times and the number of events at each (what the
// pooled Cox design needs to build the global risk-set grid).
struct SurvivalSummary {
  int64_t rows = 0;
  int64_t events = 0;
  std::vector<double> covariate_sums;  // p
  std::vector<double> event_times;     // ascending, distinct
  std::vector<int64_t> event_counts;   // events at each event time
};

// ------------------------------------------------------------ Cox

// A Cox query at coefficient vector `beta` (per unit of the raw columns)
// with the covariates centred at `center`.
struct CoxQuery {
  SurvivalSpec spec;
  Ties ties = Ties::kEfron;
  std::vector<double> beta;         // p
  std::vector<double> center;       // p
  std::vector<double> event_times;  // pooled design: the global event times
};

// Log partial likelihood, score and observed information of one site's own
// risk sets (the stratified design), at the query's beta.
struct CoxTerms {
  double loglik = 0.0;
  std::vector<double> score;        // p
  std::vector<double> information;  // p x p row-major
};

// The pooled (WebDISCO) design: at each global event time t_k (k < K), with
// w = exp((x - center)'beta) and x centred:
//   s0[k] = sum over the site's rows with time >= t_k of w,
//   s1[k * p + a] = ... of w x_a,  s2[k * P + packed(a, b)] = ... of w x_a x_b
// (P = p (p + 1) / 2), and for Efron the same sums d0/d1/d2 over the site's
// events at exactly t_k (zero where it has none). event_x = sum over the
// site's events of the centred covariates.
struct RiskSetSums {
  std::vector<double> s0, s1, s2;
  std::vector<double> d0, d1, d2;  // Efron only (empty for Breslow)
  std::vector<double> event_x;     // p
  double event_xb = 0.0;           // sum over events of the clamped z
};

// A baseline cumulative hazard (at covariates = 0, not centred): H0 jumps
// by increments[i] at times[i] (ascending event times).
struct BaselineHazard {
  std::vector<double> times;
  std::vector<double> increments;
};

// ------------------------------------------------------------ Kaplan-Meier

// Per distinct observed time (event or censoring): how many events and
// censorings the site has there.
struct TimeCounts {
  int64_t rows = 0;
  std::vector<double> times;  // ascending, distinct
  std::vector<int64_t> events;
  std::vector<int64_t> censored;
};

// ------------------------------------------------------------ concordance

// A risk score per row; higher risk = shorter expected survival.
//  kLinear: r = x'beta - center'beta on the raw covariates (R's centred
//           linear predictor of a coxph fit; same order as x'beta).
//  kMlp:    the built-in MLP (DeepSurv, or a Cox model trained by FedAvg),
//           layers.<i>.weight / layers.<i>.bias tensors applied in order
//           with ReLU between them, on covariates standardised with
//           `mean` / `stddev` (the job's federated standardisation).
struct RiskModel {
  enum class Kind { kLinear, kMlp };
  Kind kind = Kind::kLinear;
  std::vector<double> beta;    // kLinear: p
  std::vector<double> center;  // kLinear: p (may be empty = zeros)
  FlatModel mlp;               // kMlp
  std::vector<double> mean;    // kMlp: p
  std::vector<double> stddev;  // kMlp: p
};

// An event "probe": the time of a death and the risk score of the patient
// who died, with the number of deaths sharing exactly this (time, risk).
// `weight` is the pair weight the master assigns (1 for Harrell's C,
// 1 / G(time-)^2 for Uno's C).
struct RiskProbe {
  double time = 0.0;
  double risk = 0.0;
  int64_t count = 1;
  double weight = 1.0;
};

struct ConcordanceQuery {
  SurvivalSpec spec;
  RiskModel model;
  std::vector<RiskProbe> probes;  // the federation's pooled probes
};

// Pair counts in R's convention: over comparable pairs (i an event, j with
// time_j > time_i, or time_j == time_i and j censored), concordant when
// risk_i > risk_j, discordant when risk_i < risk_j, tied when equal. The
// w_ fields weight each pair by its probe's weight.
struct PairCounts {
  int64_t concordant = 0;
  int64_t discordant = 0;
  int64_t tied_risk = 0;
  double w_concordant = 0.0;
  double w_discordant = 0.0;
  double w_tied_risk = 0.0;
};

// A site's answer: `across` counts every probe of the federation against
// the site's rows (summed over sites it gives the pooled C); `within` only
// the site's own events against its own rows (within-site C).
struct ConcordanceCounts {
  int64_t rows = 0;
  int64_t events = 0;
  PairCounts across;
  PairCounts within;
};

}  // namespace dsfl::analytics

#endif  // DSFL_SLAVE_ANALYTICS_ANALYTICS_TYPES_H_
