// ModelBufferPool: a few freed model-sized float buffers kept for reuse, so
// that a daemon receiving a model of the same size every round (a slave's
// Train and Evaluate calls) does not map, fault in and zero a fresh buffer
// each time and unmap it afterwards. Measured before the pool: page faults
// and page clearing were ~12% of all CPU in the P = 10M, N = 8 federation
// benchmark, nearly all of it in the slaves' receive path
// (docs/performance.md).
//
// Take(count) reuses a spare whose capacity is at least `count` and at most
// twice it (so a small model never pins a huge buffer); otherwise it
// allocates, advising the kernel to back the buffer with huge pages. Give()
// keeps at most kMaxSpares buffers of at least kMinSpareBytes; the cost is
// that an idle daemon holds up to kMaxSpares model-sized buffers that it
// would otherwise have freed.
//
// Thread-safe.
#ifndef DSFL_COMMON_MODEL_BUFFER_POOL_H_
#define DSFL_COMMON_MODEL_BUFFER_POOL_H_

#include <cstddef>
#include <mutex>
#include <vector>

namespace dsfl {

class ModelBufferPool {
 public:
  static constexpr size_t kMaxSpares = 2;
  static constexpr size_t kMinSpareBytes = size_t{1} << 20;

  // A buffer of `count` floats. Its contents are unspecified when it is a
  // reused one (zeros when freshly allocated).
  std::vector<float> Take(size_t count);
  // Hands a buffer that is no longer needed to the pool (or frees it).
  void Give(std::vector<float> buffer);

  size_t spares() const;

  // The process-wide pool.
  static ModelBufferPool& Shared();

 private:
  mutable std::mutex mu_;
  std::vector<std::vector<float>> spares_;  // oldest first
};

}  // namespace dsfl

#endif  // DSFL_COMMON_MODEL_BUFFER_POOL_H_
