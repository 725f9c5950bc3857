#include "common/model_buffer_pool.h"

#include <utility>

#include "common/model_stream.h"

namespace dsfl {

ModelBufferPool& ModelBufferPool::Shared() {
  static ModelBufferPool* const pool = new ModelBufferPool();
  return *pool;
}

std::vector<float> ModelBufferPool::Take(size_t count) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = spares_.rbegin(); it != spares_.rend(); ++it) {
      const size_t capacity = it->capacity();
      if (capacity >= count && capacity / 2 <= count) {
        std::vector<float> buffer = std::move(*it);
        spares_.erase(std::next(it).base());
        // Same size as before (the usual case): no fill at all.
        buffer.resize(count);
        return buffer;
      }
    }
  }
  std::vector<float> buffer;
  buffer.reserve(count);  // allocates without touching the pages
  AdviseHugePages(buffer.data(), count * sizeof(float));
  buffer.resize(count);
  return buffer;
}

void ModelBufferPool::Give(std::vector<float> buffer) {
  if (buffer.capacity() * sizeof(float) < kMinSpareBytes) return;
  std::vector<float> dropped;  // freed outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  if (spares_.size() == kMaxSpares) {
    dropped = std::move(spares_.front());
    spares_.erase(spares_.begin());
  }
  spares_.push_back(std::move(buffer));
}

size_t ModelBufferPool::spares() const {
  std::lock_guard<std::mutex> lock(mu_);
  return spares_.size();
}

}  // namespace dsfl
