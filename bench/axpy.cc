#include "bench/axpy.h"

namespace dsfl::bench {

void Axpy(float* __restrict y, const float* __restrict x, size_t count,
          float a) {
  for (size_t i = 0; i < count; ++i) y[i] += a * x[i];
}

}  // namespace dsfl::bench
