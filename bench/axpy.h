// The reference kernel of the `aggregate` benchmark: one-thread
// y[i] += a * x[i] over aligned float32 buffers, compiled with -O3 (see
// bench/CMakeLists.txt) so that the baseline is as fast as a plain loop
// gets on this machine.
#ifndef DSFL_BENCH_AXPY_H_
#define DSFL_BENCH_AXPY_H_

#include <cstddef>

namespace dsfl::bench {

void Axpy(float* y, const float* x, size_t count, float a);

}  // namespace dsfl::bench

#endif  // DSFL_BENCH_AXPY_H_
