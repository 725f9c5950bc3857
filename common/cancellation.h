// CancellationToken: a one-way "stop now" signal shared by the code that
// decides to stop (round deadline, job cancel, shutdown) and the code doing
// the work (an RPC in flight, a training loop).
//
// Cancel() is idempotent and runs the registered callbacks once, on the
// calling thread, outside the internal lock. A callback registered after
// cancellation runs immediately. Callbacks must be quick and must not block
// (typical: grpc::ClientContext::TryCancel). Unregister() guarantees the
// callback is not running and will not run afterwards.
// Thread-safe.
#ifndef DSFL_COMMON_CANCELLATION_H_
#define DSFL_COMMON_CANCELLATION_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>

namespace dsfl {

class CancellationToken {
 public:
  CancellationToken() = default;
  CancellationToken(const CancellationToken&) = delete;
  CancellationToken& operator=(const CancellationToken&) = delete;

  void Cancel();
  bool cancelled() const { return cancelled_.load(std::memory_order_acquire); }
  // Readable by code that only polls (e.g. the training loop).
  const std::atomic<bool>* flag() const { return &cancelled_; }

  uint64_t Register(std::function<void()> callback);
  void Unregister(uint64_t id);

 private:
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::condition_variable callbacks_done_;
  bool running_callbacks_ = false;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::function<void()>> callbacks_;
};

// Cancels `child` when `parent` is cancelled, for as long as it lives.
class CancellationLink {
 public:
  CancellationLink(CancellationToken* parent, CancellationToken* child);
  ~CancellationLink();
  CancellationLink(const CancellationLink&) = delete;
  CancellationLink& operator=(const CancellationLink&) = delete;

 private:
  CancellationToken* parent_;
  uint64_t id_ = 0;
};

}  // namespace dsfl

#endif  // DSFL_COMMON_CANCELLATION_H_
