#include "bench/proc_stats.h"

#include <sys/resource.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace dsfl::bench {

StatusOr<int64_t> ReadProcStatusBytes(pid_t pid, const std::string& key) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  if (!in) return absl::NotFoundError(absl::StrCat("no process ", pid));
  std::string line;
  const std::string prefix = key + ":";
  while (std::getline(in, line)) {
    if (line.compare(0, prefix.size(), prefix) != 0) continue;
    std::istringstream fields(line.substr(prefix.size()));
    int64_t kb = 0;
    fields >> kb;
    return kb * 1024;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("/proc/", pid, "/status has no ", key));
}

int64_t ReapedChildrenMaxRssBytes() {
  struct rusage usage {};
  if (getrusage(RUSAGE_CHILDREN, &usage) != 0) return 0;
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

}  // namespace dsfl::bench
