#include "common/cancellation.h"

#include <vector>

namespace dsfl {

void CancellationToken::Cancel() {
  std::map<uint64_t, std::function<void()>> to_run;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
    to_run.swap(callbacks_);
    running_callbacks_ = true;
  }
  for (auto& [id, callback] : to_run) callback();
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_callbacks_ = false;
  }
  callbacks_done_.notify_all();
}

uint64_t CancellationToken::Register(std::function<void()> callback) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!cancelled_.load(std::memory_order_acquire)) {
      uint64_t id = next_id_++;
      callbacks_.emplace(id, std::move(callback));
      return id;
    }
  }
  callback();
  return 0;
}

void CancellationToken::Unregister(uint64_t id) {
  std::unique_lock<std::mutex> lock(mu_);
  callbacks_.erase(id);
  // If Cancel() is running callbacks right now, ours may be among them.
  callbacks_done_.wait(lock, [this] { return !running_callbacks_; });
}

CancellationLink::CancellationLink(CancellationToken* parent,
                                   CancellationToken* child)
    : parent_(parent) {
  if (parent_ != nullptr) {
    id_ = parent_->Register([child] { child->Cancel(); });
  }
}

CancellationLink::~CancellationLink() {
  if (parent_ != nullptr && id_ != 0) parent_->Unregister(id_);
}

}  // namespace dsfl
