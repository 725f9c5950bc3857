// kill -9 of a process while it appends: the log verifies up to the last
// complete record, a torn tail is reported as such, and reopening moves it
// aside and continues the chain.
#include <signal.h>

#include "absl/time/time.h"
#include "common/audit/audit_log.h"
#include "common/audit/verifier.h"
#include "common/subprocess.h"
#include "gtest/gtest.h"
#include "tests/unit/audit/test_util.h"

namespace dsfl::audit {
namespace {

using testing::ReadFileText;
using testing::TempDir;

constexpr char kHelper[] = DSFL_AUDIT_APPEND_HELPER;

VerifyOptions Pinned(const std::string& pub) {
  auto key = ReadFileText(pub);
  VerifyOptions o;
  auto parsed = crypto::Ed25519PublicKeyFromPem(key);
  EXPECT_TRUE(parsed.ok());
  if (parsed.ok()) o.pinned_keys = {*parsed};
  return o;
}

// The reopened log (torn tail moved aside, log.recovered written) verifies.
void ExpectRecovers(const TempDir& dir, const VerifyReport& before) {
  auto log =
      OpenNodeAuditLog(dir.File("audit.jsonl"), dir.File("key.pem"), "helper");
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->open_info().existing_records, before.records);
  EXPECT_EQ((*log)->open_info().torn_moved_to.has_value(),
            before.torn.has_value());
  ASSERT_TRUE((*log)->Close().ok());
  VerifyReport after =
      VerifyLog(dir.File("audit.jsonl"), Pinned(dir.File("audit.pub.pem")));
  EXPECT_TRUE(after.ok) << after.error;
  EXPECT_GT(after.records, before.records);
}

TEST(AuditKillTest, TornWriteThenSigkill) {
  TempDir dir;
  auto child =
      Subprocess::Spawn({kHelper, dir.File("audit.jsonl"), dir.File("key.pem"),
                         dir.File("ready"), "--tear", "50"},
                        dir.File("helper.log"));
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ((*child)->Wait(), 128 + SIGKILL);
  VerifyReport report =
      VerifyLog(dir.File("audit.jsonl"), Pinned(dir.File("audit.pub.pem")));
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failure, FailureKind::kTornTail) << report.error;
  ASSERT_TRUE(report.torn.has_value());
  EXPECT_EQ(report.torn->bytes, 37u);
  // genesis + 50 records, none of them lost.
  EXPECT_EQ(report.last_verified_seq, 50u);
  ExpectRecovers(dir, report);
}

TEST(AuditKillTest, SigkillWhileAppendingLargeRecords) {
  // Large records make it likely (not certain) that SIGKILL lands inside a
  // write; either way the invariants below must hold.
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    TempDir dir;
    auto child = Subprocess::Spawn(
        {kHelper, dir.File("audit.jsonl"), dir.File("key.pem"),
         dir.File("ready"), "--payload", "1048576"},
        dir.File("helper.log"));
    ASSERT_TRUE(child.ok()) << child.status();
    auto ready =
        WaitForFile(dir.File("ready"), absl::Seconds(60), child->get());
    ASSERT_TRUE(ready.ok()) << ready.status() << "\n"
                            << ReadFileText(dir.File("helper.log"));
    ASSERT_TRUE((*child)->Signal(SIGKILL).ok());
    EXPECT_EQ((*child)->Wait(), 128 + SIGKILL);
    VerifyReport report =
        VerifyLog(dir.File("audit.jsonl"), Pinned(dir.File("audit.pub.pem")));
    if (!report.ok) {
      EXPECT_EQ(report.failure, FailureKind::kTornTail) << report.error;
      ASSERT_TRUE(report.torn.has_value());
    }
    // At least the records before READY (genesis + 21) are there.
    ASSERT_TRUE(report.last_verified_seq.has_value());
    EXPECT_GE(*report.last_verified_seq, 21u);
    const std::string text = ReadFileText(dir.File("audit.jsonl"));
    EXPECT_EQ(report.torn.has_value(), text.back() != '\n');
    std::printf(
        "run %d: killed after seq %llu, %s\n", run,
        static_cast<unsigned long long>(*report.last_verified_seq),
        report.torn.has_value()
            ? ("torn tail of " + std::to_string(report.torn->bytes) + " bytes")
                  .c_str()
            : "no torn tail");
    ExpectRecovers(dir, report);
  }
}

}  // namespace
}  // namespace dsfl::audit
