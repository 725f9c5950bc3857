// Clock: the source of "now" for code whose behaviour depends on time, so
// tests can inject a fake. Production code uses SystemClock().
// Thread-safe.
#ifndef DSFL_COMMON_CLOCK_H_
#define DSFL_COMMON_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace dsfl {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// A process-wide real clock; never null, never destroyed.
const Clock& SystemClock();

}  // namespace dsfl

#endif  // DSFL_COMMON_CLOCK_H_
