#include "common/for_each_bounded.h"

#include <atomic>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace dsfl {

Status ForEachBounded(size_t count, size_t max_threads,
                      const std::function<Status(size_t)>& fn) {
  std::mutex mu;
  Status first;
  std::atomic<size_t> next{0};
  std::atomic<bool> stop{false};
  auto work = [&] {
    for (;;) {
      if (stop.load()) return;
      const size_t i = next.fetch_add(1);
      if (i >= count) return;
      Status status = fn(i);
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        if (first.ok()) first = std::move(status);
        stop.store(true);
      }
    }
  };
  const size_t threads = std::min(count, std::max<size_t>(1, max_threads));
  if (threads <= 1) {
    work();
  } else {
    std::vector<std::thread> workers;
    workers.reserve(threads);
    for (size_t t = 0; t < threads; ++t) {
      try {
        workers.emplace_back(work);
      } catch (const std::system_error&) {
        break;  // No more threads: the ones started take every index.
      }
    }
    if (workers.empty()) work();
    for (std::thread& worker : workers) worker.join();
  }
  return first;
}

}  // namespace dsfl
