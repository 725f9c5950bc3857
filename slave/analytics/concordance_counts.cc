#include "slave/analytics/concordance_counts.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace dsfl::analytics {
namespace {

bool ProbeLess(const RiskProbe& a, const RiskProbe& b) {
  return a.time < b.time || (a.time == b.time && a.risk < b.risk);
}

// Fenwick tree of counts over ranks 0..n-1.
class Fenwick {
 public:
  explicit Fenwick(size_t n) : tree_(n + 1, 0) {}
  void Add(size_t rank) {
    for (size_t i = rank + 1; i < tree_.size(); i += i & (~i + 1)) ++tree_[i];
  }
  // Count of ranks < end.
  int64_t Prefix(size_t end) const {
    int64_t sum = 0;
    for (size_t i = end; i > 0; i -= i & (~i + 1)) sum += tree_[i];
    return sum;
  }

 private:
  std::vector<int64_t> tree_;
};

}  // namespace

std::vector<RiskProbe> MergeProbes(const std::vector<RiskProbe>& probes) {
  std::vector<RiskProbe> sorted = probes;
  std::stable_sort(sorted.begin(), sorted.end(), ProbeLess);
  std::vector<RiskProbe> merged;
  for (const RiskProbe& p : sorted) {
    if (!merged.empty() && merged.back().time == p.time &&
        merged.back().risk == p.risk) {
      merged.back().count += p.count;
    } else {
      merged.push_back(p);
    }
  }
  return merged;
}

std::vector<RiskProbe> MakeProbes(const SurvivalData& data,
                                  const std::vector<double>& risk) {
  std::vector<RiskProbe> probes;
  for (size_t i = 0; i < data.rows(); ++i) {
    if (data.event[i] == 1) probes.push_back({data.time[i], risk[i], 1, 1.0});
  }
  return MergeProbes(probes);
}

std::vector<RiskProbe> OwnProbesWithWeights(
    const SurvivalData& data, const std::vector<double>& risk,
    const std::vector<RiskProbe>& pooled) {
  std::vector<RiskProbe> own = MakeProbes(data, risk);
  for (RiskProbe& p : own) {
    auto it = std::lower_bound(pooled.begin(), pooled.end(), p, ProbeLess);
    if (it != pooled.end() && it->time == p.time && it->risk == p.risk) {
      p.weight = it->weight;
    }
  }
  return own;
}

StatusOr<PairCounts> CountAgainstProbes(const SurvivalData& data,
                                        const std::vector<double>& risk,
                                        const std::vector<RiskProbe>& probes) {
  for (size_t k = 0; k < probes.size(); ++k) {
    const RiskProbe& p = probes[k];
    if (!std::isfinite(p.time) || !std::isfinite(p.risk) || p.count < 1 ||
        !(p.weight >= 0) || !std::isfinite(p.weight)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "concordance probe ", k,
          ": time and risk must be finite, count >= 1, weight >= 0"));
    }
  }
  const size_t n = data.rows();
  std::vector<double> ranks_of(risk);
  std::sort(ranks_of.begin(), ranks_of.end());
  ranks_of.erase(std::unique(ranks_of.begin(), ranks_of.end()), ranks_of.end());
  auto rank = [&](double r) {
    return static_cast<size_t>(
        std::lower_bound(ranks_of.begin(), ranks_of.end(), r) -
        ranks_of.begin());
  };
  std::vector<size_t> order(probes.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return probes[a].time > probes[b].time;
  });

  Fenwick tree(ranks_of.size());
  std::vector<bool> inserted(n, false);
  int64_t total = 0;
  auto insert = [&](size_t j) {
    if (inserted[j]) return;
    inserted[j] = true;
    tree.Add(rank(risk[j]));
    ++total;
  };
  PairCounts counts;
  size_t i = n;  // rows [i, n) have time > the current probe time
  for (size_t k = 0; k < order.size();) {
    const double t = probes[order[k]].time;
    while (i > 0 && data.time[i - 1] > t) insert(--i);
    for (size_t j = i; j > 0 && data.time[j - 1] == t; --j) {
      if (data.event[j - 1] == 0) insert(j - 1);
    }
    for (; k < order.size() && probes[order[k]].time == t; ++k) {
      const RiskProbe& p = probes[order[k]];
      const size_t r = rank(p.risk);
      const int64_t less = tree.Prefix(r);
      const int64_t equal = (r < ranks_of.size() && ranks_of[r] == p.risk)
                                ? tree.Prefix(r + 1) - less
                                : 0;
      const int64_t greater = total - less - equal;
      counts.concordant += p.count * less;
      counts.discordant += p.count * greater;
      counts.tied_risk += p.count * equal;
      const double w = p.weight * static_cast<double>(p.count);
      counts.w_concordant += w * static_cast<double>(less);
      counts.w_discordant += w * static_cast<double>(greater);
      counts.w_tied_risk += w * static_cast<double>(equal);
    }
  }
  return counts;
}

}  // namespace dsfl::analytics
