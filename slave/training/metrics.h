// Evaluation metrics for binary and survival models (plain C++, no torch).
//
// HarrellConcordance reproduces R's survival::concordance (timewt = "n")
// exactly: over pairs (i, j) with event_i = 1 and (time_j > time_i, or
// time_j == time_i and event_j == 0), C = (#{risk_i > risk_j} +
// 0.5 #{risk_i == risk_j}) / #pairs. Higher risk means shorter survival. Two
// events at the same time are not a comparable pair; a censoring at the time
// of an event counts as still at risk. Complexity O(n log n) (Fenwick tree
// over risk ranks); equality of risks and times is exact.
//
// AreaUnderRoc is the Mann-Whitney statistic: P(score_pos > score_neg) with
// ties counted 1/2. O(n log n).
//
// Errors: InvalidArgument for mismatched lengths, non-finite scores/times or
// non-binary events/labels; FailedPrecondition when the metric is undefined
// (no comparable pair; only one class present).
// Thread-safety: pure functions.
#ifndef DSFL_SLAVE_TRAINING_METRICS_H_
#define DSFL_SLAVE_TRAINING_METRICS_H_

#include <cstdint>
#include <vector>

#include "common/status.h"

namespace dsfl::training {

// Pair counts as reported by R's concordance() (concordant, discordant,
// tied.x). Pairs tied on an event time ("tied.y") are not comparable and
// are not counted.
struct ConcordanceCounts {
  int64_t concordant = 0;  // risk_i > risk_j
  int64_t discordant = 0;  // risk_i < risk_j
  int64_t tied_risk = 0;   // risk_i == risk_j

  int64_t comparable() const { return concordant + discordant + tied_risk; }
  // (concordant + tied_risk / 2) / comparable(); NaN when no pair.
  double concordance() const;
};

StatusOr<ConcordanceCounts> CountConcordance(const std::vector<double>& risk,
                                             const std::vector<double>& time,
                                             const std::vector<double>& event);

StatusOr<double> HarrellConcordance(const std::vector<double>& risk,
                                    const std::vector<double>& time,
                                    const std::vector<double>& event);

StatusOr<double> AreaUnderRoc(const std::vector<double>& score,
                              const std::vector<double>& label);

}  // namespace dsfl::training

#endif  // DSFL_SLAVE_TRAINING_METRICS_H_
