// File naming of one audit log (a "series" of segment files), given the
// path of its active file, e.g. D/audit.jsonl (base D/audit):
//
//   D/audit.jsonl                      the active segment (appended to)
//   D/audit.000000001234.jsonl         a rotated segment whose first record
//                                      has seq 1234 (12 digits, so names
//                                      sort in chain order)
//   D/audit.head.json                  the latest signed checkpoint record
//                                      (one line), replaced atomically
//   D/audit.pub.pem                    the node's Ed25519 public key (SPKI)
//   D/audit.lock                       flock()ed by the writing process
//   D/audit.torn.<seq>.<n>             a torn last line moved aside on open
//                                      (<seq>: last complete record)
// A path without the ".jsonl" suffix uses the whole path as base.
//
// Errors: ListSegments returns Internal for unreadable directories.
// Thread-safe (pure functions over the file system).
#ifndef DSFL_COMMON_AUDIT_LOG_PATHS_H_
#define DSFL_COMMON_AUDIT_LOG_PATHS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"

namespace dsfl::audit {

struct LogPaths {
  std::string active;
  std::string base;
  std::string head;
  std::string public_key;
  std::string lock;

  std::string Segment(uint64_t first_seq) const;
  std::string Torn(uint64_t after_seq, int n) const;
};

LogPaths PathsForLog(const std::string& active_path);

struct SegmentFile {
  uint64_t first_seq;
  std::string path;
};

// Rotated segments beside the log, in chain order (not the active file).
StatusOr<std::vector<SegmentFile>> ListSegments(const LogPaths& paths);

// Every existing file of the series in chain order: the rotated segments
// then the active file (when it exists).
StatusOr<std::vector<std::string>> ListLogFiles(const LogPaths& paths);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_LOG_PATHS_H_
