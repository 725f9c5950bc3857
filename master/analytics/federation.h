// Federation: the sites an analysis queries and how (job context, per-call
// timeout, cancellation), and QueryAll, which asks every site the same
// question concurrently and returns the answers in site order, so that the
// master combines them in a fixed order whatever the arrival order (the
// results are then bit-identical across transports and runs).
//
// QueryAll fails when any site fails; the error names every failing site
// ("site hospital-b: disclosure limit: ..."). Sites are not owned.
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

struct Site {
  std::string id;
  AnalyticsClient* client = nullptr;  // not owned
};

struct Federation {
  std::vector<Site> sites;
  QueryContext context;
  absl::Duration query_timeout = absl::Minutes(10);
  CancellationToken* cancel = nullptr;  // not owned; may be null

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
  for (size_t i = 0; i < n; ++i) {
    StatusOr<T>& answer = *answers[i];
    if (!answer.ok()) {
      if (code == absl::StatusCode::kOk) code = answer.status().code();
      absl::StrAppend(&errors, errors.empty() ? "" : "; ", "site ",
                      federation.sites[i].id, ": ", answer.status().message());
      continue;
    }
    out.push_back(*std::move(answer));
  }
  if (code != absl::StatusCode::kOk) return Status(code, errors);
  return out;
}

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_FEDERATION_H_
