// ForEachBounded: a bounded fan-out for blocking work (admissions: each
// node's negotiation, credential check and Authorize call block on the
// network).
//
// Calls fn(0..count-1) on min(count, max_threads) threads, each index
// exactly once unless stopped; which thread takes which index depends on
// timing, so callers write results into per-index slots. The first error fn
// returns stops the indices not yet started and is returned once every
// thread has been joined (also on error). With max_threads <= 1, or when no
// thread can be created, everything runs on the calling thread.
// Thread-safety: fn runs concurrently for different indices.
#ifndef DSFL_COMMON_FOR_EACH_BOUNDED_H_
#define DSFL_COMMON_FOR_EACH_BOUNDED_H_

#include <cstddef>
#include <functional>

#include "common/status.h"

namespace dsfl {

Status ForEachBounded(size_t count, size_t max_threads,
                      const std::function<Status(size_t)>& fn);

}  // namespace dsfl

#endif  // DSFL_COMMON_FOR_EACH_BOUNDED_H_
