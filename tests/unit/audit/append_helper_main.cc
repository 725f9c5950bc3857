// audit_append_helper: appends records to an audit log in a loop, for the
// kill -9 test. Usage:
//   audit_append_helper LOG KEY READY_FILE [--payload BYTES] [--tear N]
// Writes READY_FILE after 20 records (so the test knows appends are under
// way), then appends until killed. With --tear N it stops after N records,
// writes the first half of a record line without a newline (a torn write)
// and kills itself with SIGKILL.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/audit/audit_log.h"
#include "common/model_file.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: %s LOG KEY READY_FILE [--payload B] [--tear N]\n",
                 argv[0]);
    return 2;
  }
  const std::string log_path = argv[1];
  const std::string key_path = argv[2];
  const std::string ready = argv[3];
  size_t payload = 0;
  long tear = -1;
  for (int i = 4; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--payload") == 0)
      payload = std::stoul(argv[i + 1]);
    if (std::strcmp(argv[i], "--tear") == 0) tear = std::stol(argv[i + 1]);
  }
  auto log = dsfl::audit::OpenNodeAuditLog(log_path, key_path, "helper");
  if (!log.ok()) {
    std::fprintf(stderr, "open: %s\n",
                 std::string(log.status().message()).c_str());
    return 1;
  }
  const std::string padding(payload, 'p');
  for (long i = 0;; ++i) {
    if (tear >= 0 && i == tear) {
      // A torn write: half of the previous line, no newline, then die.
      const std::string half = (*log)->LatestHeadLine().substr(0, 37);
      int fd = ::open(log_path.c_str(), O_WRONLY | O_APPEND);
      if (fd < 0 || ::write(fd, half.data(), half.size()) < 0) return 1;
      ::fsync(fd);
      ::kill(::getpid(), SIGKILL);
    }
    dsfl::audit::AuditEvent event;
    event.type = "dataset.read";
    event.subject = "lung";
    event.details = {{"source", "csv:lung.csv"},
                     {"rows", i},
                     {"columns", {"time", "status"}},
                     {"padding", padding}};
    dsfl::Status status = (*log)->Record(event);
    if (!status.ok()) {
      std::fprintf(stderr, "append: %s\n",
                   std::string(status.message()).c_str());
      return 1;
    }
    if (i == 20 && !dsfl::WriteFileAtomically(ready, "ready\n").ok()) return 1;
  }
}
