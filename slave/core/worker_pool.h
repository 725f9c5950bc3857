// WorkerPool: a fixed set of threads that run submitted tasks in FIFO order.
// The slave's gRPC handlers hand all real work (data reads, training,
// evaluation) to it, so no RPC thread ever blocks.
//
// Submit() returns false once Shutdown() began; the caller must then answer
// the request itself (e.g. UNAVAILABLE). Shutdown() stops accepting, lets
// the tasks already queued run (callers cancel long work first through their
// own cancellation tokens), and joins every thread. The destructor calls
// Shutdown(). Thread-safe.
#ifndef DSFL_SLAVE_CORE_WORKER_POOL_H_
#define DSFL_SLAVE_CORE_WORKER_POOL_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dsfl::slave {

class WorkerPool {
 public:
  explicit WorkerPool(size_t threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool Submit(std::function<void()> task);
  void Shutdown();
  size_t queued() const;

 private:
  void Loop();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_CORE_WORKER_POOL_H_
