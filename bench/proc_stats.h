// Reading a process's memory counters from /proc/<pid>/status.
//
// VmHWM is the peak resident set size ("high water mark") the kernel keeps
// for the process; it only grows, so polling it until the process exits
// catches the peak up to the last poll. Errors: NotFound when the process
// is gone, InvalidArgument when the key is absent.
#ifndef DSFL_BENCH_PROC_STATS_H_
#define DSFL_BENCH_PROC_STATS_H_

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/status.h"

namespace dsfl::bench {

// The value of `key` ("VmHWM", "VmRSS", ...) in bytes.
StatusOr<int64_t> ReadProcStatusBytes(pid_t pid, const std::string& key);

// Peak RSS (ru_maxrss) over all children this process has reaped, in bytes:
// the VmHWM of a reaped child when it is the only one reaped so far.
int64_t ReapedChildrenMaxRssBytes();

}  // namespace dsfl::bench

#endif  // DSFL_BENCH_PROC_STATS_H_
