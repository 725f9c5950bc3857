// common/for_each_bounded: every index once, at most max_threads at a time,
// the first error stops what has not started and is returned after joining.
#include "common/for_each_bounded.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace dsfl {
namespace {

TEST(ForEachBounded, CallsEveryIndexOnceWithinTheThreadBound) {
  std::mutex mu;
  std::vector<int> calls(100, 0);
  std::set<std::thread::id> threads;
  std::atomic<int> running{0}, most{0};
  ASSERT_TRUE(ForEachBounded(100, 3, [&](size_t i) {
                const int now = ++running;
                int seen = most.load();
                while (now > seen && !most.compare_exchange_weak(seen, now)) {
                }
                {
                  std::lock_guard<std::mutex> lock(mu);
                  ++calls[i];
                  threads.insert(std::this_thread::get_id());
                }
                --running;
                return absl::OkStatus();
              }).ok());
  for (int c : calls) EXPECT_EQ(c, 1);
  EXPECT_LE(most.load(), 3);
  EXPECT_LE(threads.size(), 3u);
}

TEST(ForEachBounded, OneThreadRunsOnTheCaller) {
  std::vector<std::thread::id> ids;
  ASSERT_TRUE(ForEachBounded(5, 1, [&](size_t) {
                ids.push_back(std::this_thread::get_id());
                return absl::OkStatus();
              }).ok());
  ASSERT_EQ(ids.size(), 5u);
  for (const auto& id : ids) EXPECT_EQ(id, std::this_thread::get_id());
}

TEST(ForEachBounded, TheFirstErrorStopsTheRestAndIsReturned) {
  std::vector<size_t> done;
  Status status = ForEachBounded(50, 1, [&](size_t i) -> Status {
    done.push_back(i);
    if (i == 7) return absl::UnavailableError("node 7 is down");
    if (i == 8) return absl::InternalError("never reached");
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status.message(), "node 7 is down");
  EXPECT_EQ(done.size(), 8u);  // 0..7, nothing after the error
}

}  // namespace
}  // namespace dsfl
