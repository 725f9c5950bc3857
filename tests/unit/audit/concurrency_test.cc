// Concurrent writers in one process keep the chain intact, every record
// lands exactly once, and Append returns only after the record is durable
// (each thread's own record is readable from the file when it returns).
#include <atomic>
#include <set>
#include <thread>

#include "absl/time/clock.h"
#include "common/audit/audit_log.h"
#include "common/audit/record.h"
#include "common/audit/verifier.h"
#include "gtest/gtest.h"
#include "tests/unit/audit/test_util.h"

namespace dsfl::audit {
namespace {

using testing::FakeClock;
using testing::Options;
using testing::ReadLines;
using testing::TempDir;
using testing::TestKey;

TEST(AuditConcurrencyTest, ThreadsKeepTheChainIntact) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  AuditLogOptions options = Options(path, &clock, /*every=*/7);
  options.rotate_bytes = 16 << 10;  // rotation under contention too
  auto log = AuditLog::Open(options, TestKey());
  ASSERT_TRUE(log.ok()) << log.status();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        AuditEvent e;
        e.type = "round.participation";
        e.job = "job-" + std::to_string(t);
        e.round = i;
        e.details = {{"outcome", "sent"}, {"examples", t * 1000 + i}};
        auto seq = (*log)->Append(e);
        if (!seq.ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(failures.load(), 0);
  ASSERT_TRUE((*log)->Close().ok());

  VerifyOptions pinned;
  pinned.pinned_keys = {TestKey().public_key()};
  VerifyReport report = VerifyLog(path, pinned);
  ASSERT_TRUE(report.ok) << report.error;
  EXPECT_GT(report.files.size(), 1u);
  // Every (thread, i) exactly once.
  std::set<int> seen;
  auto files = ListLogFiles(PathsForLog(path));
  ASSERT_TRUE(files.ok());
  for (const std::string& file : *files) {
    for (const std::string& line : ReadLines(file)) {
      auto r = ParseRecordLine(line);
      ASSERT_TRUE(r.ok());
      if (r->record.event != "round.participation") continue;
      EXPECT_TRUE(seen.insert(r->record.details["examples"].get<int>()).second);
    }
  }
  EXPECT_EQ(seen.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(AuditConcurrencyTest, AppendReturnsAfterTheRecordIsInTheFile) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  auto log = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_TRUE(log.ok());
  std::vector<std::thread> threads;
  std::atomic<int> missing{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto seq = (*log)->Append(testing::DatasetRead(t * 100 + i));
        if (!seq.ok()) {
          ++missing;
          continue;
        }
        // Re-read the file: our record must already be there, complete.
        std::vector<std::string> lines = ReadLines(path);
        if (lines.size() <= *seq || !ParseRecordLine(lines[*seq]).ok()) {
          ++missing;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(missing.load(), 0);
}

// Throughput with a real fsync per record (printed, not asserted).
TEST(AuditConcurrencyTest, MeasureAppendRate) {
  TempDir dir;
  const std::string path = dir.File("audit.jsonl");
  AuditLogOptions options = Options(path, &SystemClock(), /*every=*/1000);
  auto log = AuditLog::Open(options, TestKey());
  ASSERT_TRUE(log.ok());
  constexpr int kSerial = 200;
  absl::Time start = absl::Now();
  for (int i = 0; i < kSerial; ++i) {
    ASSERT_TRUE((*log)->Record(testing::DatasetRead(i)).ok());
  }
  const double serial_s = absl::ToDoubleSeconds(absl::Now() - start);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  start = absl::Now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        EXPECT_TRUE((*log)->Record(testing::DatasetRead(i)).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  const double parallel_s = absl::ToDoubleSeconds(absl::Now() - start);
  ASSERT_TRUE((*log)->Close().ok());
  const double serial_rate = kSerial / serial_s;
  const double parallel_rate = kThreads * kPerThread / parallel_s;
  std::printf(
      "audit append (fdatasync per record): 1 thread %.0f/s (%.2f ms each); "
      "%d threads %.0f/s (group commit)\n",
      serial_rate, 1000.0 / serial_rate, kThreads, parallel_rate);
  ::testing::Test::RecordProperty("serial_appends_per_s",
                                  static_cast<int>(serial_rate));
  ::testing::Test::RecordProperty("parallel_appends_per_s",
                                  static_cast<int>(parallel_rate));
  VerifyOptions pinned;
  pinned.pinned_keys = {TestKey().public_key()};
  start = absl::Now();
  VerifyReport report = VerifyLog(path, pinned);
  const double verify_s = absl::ToDoubleSeconds(absl::Now() - start);
  ASSERT_TRUE(report.ok) << report.error;
  std::printf("verify: %llu records in %.3f s (%.0f records/s)\n",
              static_cast<unsigned long long>(report.records), verify_s,
              report.records / verify_s);
}

}  // namespace
}  // namespace dsfl::audit
