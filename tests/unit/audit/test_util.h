// Helpers for the audit tests: a temporary directory, an injectable clock,
// whole-file line editing, and a writer with deterministic settings.
#ifndef DSFL_TESTS_UNIT_AUDIT_TEST_UTIL_H_
#define DSFL_TESTS_UNIT_AUDIT_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/audit/audit_log.h"
#include "common/clock.h"
#include "common/crypto/ed25519.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace dsfl::audit::testing {

using ::dsfl::testing::TempDir;

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1767225600))
      : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  void Set(absl::Time t) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

inline std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline void WriteFileText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Complete lines (without newlines); a torn tail is dropped.
inline std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  const std::string text = ReadFileText(path);
  size_t pos = 0;
  while (true) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

inline void WriteLines(const std::string& path,
                       const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& l : lines) text += l + "\n";
  WriteFileText(path, text);
}

// A fixed key, so tests are reproducible.
inline crypto::Ed25519PrivateKey TestKey(char fill = 'k') {
  return *crypto::Ed25519PrivateKey::FromSeed(std::string(32, fill));
}

inline AuditEvent DatasetRead(int rows, const std::string& job = "") {
  AuditEvent e;
  e.type = "dataset.read";
  e.job = job;
  e.subject = "lung";
  e.details = {{"source", "csv:data/lung.csv"},
               {"rows", rows},
               {"columns", {"time", "status", "age"}}};
  return e;
}

inline AuditLogOptions Options(const std::string& path, const Clock* clock,
                               uint64_t every = 0) {
  AuditLogOptions o;
  o.path = path;
  o.actor = "hospital-a";
  o.clock = clock;
  o.checkpoint_every = every;
  o.checkpoint_interval = absl::ZeroDuration();
  o.rotate_bytes = 0;
  return o;
}

}  // namespace dsfl::audit::testing

#endif  // DSFL_TESTS_UNIT_AUDIT_TEST_UTIL_H_
