#include "slave/training/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "absl/strings/str_cat.h"

namespace dsfl::training {
namespace {

// Counts of inserted items per rank (1-based Fenwick tree).
class Fenwick {
 public:
  explicit Fenwick(size_t size) : tree_(size + 1, 0) {}

  void Add(size_t rank) {  // rank in [1, size]
    for (size_t i = rank; i < tree_.size(); i += i & (~i + 1)) ++tree_[i];
  }
  // Number of items with rank <= `rank`.
  int64_t Prefix(size_t rank) const {
    int64_t total = 0;
    for (size_t i = rank; i > 0; i -= i & (~i + 1)) total += tree_[i];
    return total;
  }

 private:
  std::vector<int64_t> tree_;
};

Status CheckFinite(const std::vector<double>& values, const char* what) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          what, " of row ", i, " is not finite (", values[i], ")"));
    }
  }
  return absl::OkStatus();
}

Status CheckBinary(const std::vector<double>& values, const char* what) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] != 0.0 && values[i] != 1.0) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " of row ", i, " is ", values[i], ", not 0 or 1"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

double ConcordanceCounts::concordance() const {
  if (comparable() == 0) return std::numeric_limits<double>::quiet_NaN();
  return (static_cast<double>(concordant) +
          0.5 * static_cast<double>(tied_risk)) /
         static_cast<double>(comparable());
}

StatusOr<ConcordanceCounts> CountConcordance(const std::vector<double>& risk,
                                             const std::vector<double>& time,
                                             const std::vector<double>& event) {
  const size_t n = risk.size();
  if (time.size() != n || event.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("concordance needs equal lengths, got ", n, " risks, ",
                     time.size(), " times and ", event.size(), " events"));
  }
  DSFL_RETURN_IF_ERROR(CheckFinite(risk, "risk"));
  DSFL_RETURN_IF_ERROR(CheckFinite(time, "time"));
  DSFL_RETURN_IF_ERROR(CheckBinary(event, "event"));

  // Ranks of risks (1-based, equal risks share a rank).
  std::vector<double> distinct = risk;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  std::vector<size_t> rank(n);
  for (size_t i = 0; i < n; ++i) {
    rank[i] = static_cast<size_t>(
                  std::lower_bound(distinct.begin(), distinct.end(), risk[i]) -
                  distinct.begin()) +
              1;
  }

  // Walk times from the longest down. When a group of equal times is
  // reached, the tree holds everyone with a strictly later time; the group's
  // censored rows are added before its events are scored (still at risk),
  // its events after (deaths at the same time are not comparable).
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return time[a] > time[b]; });
  Fenwick tree(distinct.size());
  int64_t inserted = 0;
  ConcordanceCounts counts;
  for (size_t start = 0; start < n;) {
    size_t end = start;
    while (end < n && time[order[end]] == time[order[start]]) ++end;
    for (size_t k = start; k < end; ++k) {
      if (event[order[k]] == 0.0) {
        tree.Add(rank[order[k]]);
        ++inserted;
      }
    }
    for (size_t k = start; k < end; ++k) {
      const size_t i = order[k];
      if (event[i] == 0.0) continue;
      const int64_t below = tree.Prefix(rank[i] - 1);
      const int64_t at_or_below = tree.Prefix(rank[i]);
      counts.concordant += below;
      counts.tied_risk += at_or_below - below;
      counts.discordant += inserted - at_or_below;
    }
    for (size_t k = start; k < end; ++k) {
      if (event[order[k]] != 0.0) {
        tree.Add(rank[order[k]]);
        ++inserted;
      }
    }
    start = end;
  }
  return counts;
}

StatusOr<double> HarrellConcordance(const std::vector<double>& risk,
                                    const std::vector<double>& time,
                                    const std::vector<double>& event) {
  DSFL_ASSIGN_OR_RETURN(ConcordanceCounts counts,
                        CountConcordance(risk, time, event));
  if (counts.comparable() == 0) {
    return absl::FailedPreconditionError(
        "concordance is undefined: no comparable pair (needs an event before "
        "another time)");
  }
  return counts.concordance();
}

StatusOr<double> AreaUnderRoc(const std::vector<double>& score,
                              const std::vector<double>& label) {
  const size_t n = score.size();
  if (label.size() != n) {
    return absl::InvalidArgumentError(
        absl::StrCat("AUC needs equal lengths, got ", n, " scores and ",
                     label.size(), " labels"));
  }
  DSFL_RETURN_IF_ERROR(CheckFinite(score, "score"));
  DSFL_RETURN_IF_ERROR(CheckBinary(label, "label"));
  const double positives = std::count(label.begin(), label.end(), 1.0);
  const double negatives = static_cast<double>(n) - positives;
  if (positives == 0 || negatives == 0) {
    return absl::FailedPreconditionError(
        "AUC is undefined: the labels contain only one class");
  }
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return score[a] < score[b]; });
  // Sum of the positives' mid-ranks (1-based).
  double positive_rank_sum = 0.0;
  for (size_t start = 0; start < n;) {
    size_t end = start;
    while (end < n && score[order[end]] == score[order[start]]) ++end;
    const double mid_rank = 0.5 * static_cast<double>(start + 1 + end);
    for (size_t k = start; k < end; ++k) {
      if (label[order[k]] == 1.0) positive_rank_sum += mid_rank;
    }
    start = end;
  }
  return (positive_rank_sum - positives * (positives + 1.0) / 2.0) /
         (positives * negatives);
}

}  // namespace dsfl::training
