// Federation: the sites an analysis queries and how (job context, per-call
// timeout, cancellation), and QueryAll, which asks every site the same
// question concurrently and returns the answers in site order, so that the
// master combines them in a fixed order whatever the arrival order (the
// results are then bit-identical across transports and runs).
//
// QueryAll fails when any site fails; the error names every failing site
// ("site hospital-b: disclosure limit: ..."). Sites are not owned.
// When the federation has a QueryObserver (the master's audit of an
// analysis job), QueryAll reports every round to it once all sites have
// answered and before any answer is used; if the observer fails, QueryAll
// fails with its error (fail closed).
// Thread-safety: QueryAll may be called from any thread; `fn` runs on one
// thread per site.
#ifndef DSFL_MASTER_ANALYTICS_FEDERATION_H_
#define DSFL_MASTER_ANALYTICS_FEDERATION_H_

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/cancellation.h"
#include "master/analytics/analytics_client.h"

namespace dsfl::analytics {

// One query sent to every site of a federation, and each site's outcome.
struct QueryRound {
  std::string query;                  // the RPC, e.g. "CoxRiskSets"
  std::vector<std::string> sites;     // asked, in site order
  std::vector<std::string> answered;  // site ids
  std::vector<std::string> refused;   // "site: reason" (FailedPrecondition)
  std::vector<std::string> errors;    // "site: error" (any other failure)
};

// Observes query rounds (master/analytics/analysis_audit.h audits them).
// Called from the thread that called QueryAll; may be called concurrently
// by concurrent QueryAll calls.
class QueryObserver {
 public:
  virtual ~QueryObserver() = default;
  // A non-OK status fails the round (its answers are not used).
  virtual Status OnQueryRound(const QueryRound& round) = 0;
};

// The RPC name of the query whose answer type is T.
template <typename T>
const char* QueryName();
template <>
inline const char* QueryName<SurvivalSummary>() {
  return "Summary";
}
template <>
inline const char* QueryName<CoxTerms>() {
  return "CoxStratified";
}
template <>
inline const char* QueryName<RiskSetSums>() {
  return "CoxRiskSets";
}
template <>
inline const char* QueryName<BaselineHazard>() {
  return "CoxBaseline";
}
template <>
inline const char* QueryName<TimeCounts>() {
  return "KaplanMeier";
}
template <>
inline const char* QueryName<std::vector<RiskProbe>>() {
  return "RiskProbes";
}
template <>
inline const char* QueryName<ConcordanceCounts>() {
  return "Concordance";
}

struct Site {
  std::string id;
  AnalyticsClient* client = nullptr;  // not owned
};

struct Federation {
  std::vector<Site> sites;
  QueryContext context;
  absl::Duration query_timeout = absl::Minutes(10);
  CancellationToken* cancel = nullptr;  // not owned; may be null
  QueryObserver* observer = nullptr;    // not owned; may be null

  CallOptions Options() const {
    CallOptions options;
    options.deadline = absl::Now() + query_timeout;
    options.cancel = cancel;
    return options;
  }
};

template <typename T>
StatusOr<std::vector<T>> QueryAll(
    const Federation& federation,
    const std::function<StatusOr<T>(AnalyticsClient*, const CallOptions&)>&
        fn) {
  const size_t n = federation.sites.size();
  if (n == 0) return absl::InvalidArgumentError("the analysis has no sites");
  std::vector<std::optional<StatusOr<T>>> answers(n);
  {
    std::vector<std::thread> threads;
    threads.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      threads.emplace_back([&, i] {
        answers[i].emplace(
            fn(federation.sites[i].client, federation.Options()));
      });
    }
    for (std::thread& t : threads) t.join();
  }
  std::vector<T> out;
  out.reserve(n);
  std::string errors;
  absl::StatusCode code = absl::StatusCode::kOk;
  QueryRound round;
  round.query = QueryName<T>();
  for (size_t i = 0; i < n; ++i) {
    const std::string& id = federation.sites[i].id;
    round.sites.push_back(id);
    StatusOr<T>& answer = *answers[i];
    if (!answer.ok()) {
      if (code == absl::StatusCode::kOk) code = answer.status().code();
      absl::StrAppend(&errors, errors.empty() ? "" : "; ", "site ", id, ": ",
                      answer.status().message());
      (answer.status().code() == absl::StatusCode::kFailedPrecondition
           ? round.refused
           : round.errors)
          .push_back(absl::StrCat(id, ": ", answer.status().message()));
      continue;
    }
    round.answered.push_back(id);
    out.push_back(*std::move(answer));
  }
  if (federation.observer != nullptr) {
    DSFL_RETURN_IF_ERROR(federation.observer->OnQueryRound(round));
  }
  if (code != absl::StatusCode::kOk) return Status(code, errors);
  return out;
}

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_FEDERATION_H_
