#include "common/audit/audit_log.h"

#include <sys/stat.h>

#include <filesystem>

#include "common/audit/node_key.h"
#include "common/audit/record.h"
#include "common/audit/verifier.h"
#include "gtest/gtest.h"
#include "tests/unit/audit/test_util.h"

namespace dsfl::audit {
namespace {

using testing::DatasetRead;
using testing::FakeClock;
using testing::Options;
using testing::ReadLines;
using testing::TempDir;
using testing::TestKey;

VerifyOptions Pinned(const crypto::Ed25519PrivateKey& key) {
  VerifyOptions o;
  o.pinned_keys = {key.public_key()};
  return o;
}

std::vector<SealedRecord> Records(const std::string& path) {
  std::vector<SealedRecord> out;
  for (const std::string& line : ReadLines(path)) {
    auto r = ParseRecordLine(line);
    EXPECT_TRUE(r.ok()) << r.status();
    if (r.ok()) out.push_back(*r);
  }
  return out;
}

TEST(AuditLogTest, NewLogHasGenesisHeadAndPublicKey) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  auto log = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_TRUE((*log)->open_info().created);
  auto seq = (*log)->Append(DatasetRead(10));
  ASSERT_TRUE(seq.ok()) << seq.status();
  EXPECT_EQ(*seq, 1u);

  std::vector<SealedRecord> records = Records(path);
  ASSERT_EQ(records.size(), 2u);
  const AuditRecord& genesis = records[0].record;
  EXPECT_EQ(genesis.seq, 0u);
  EXPECT_EQ(genesis.event, "log.genesis");
  EXPECT_EQ(genesis.prev, kGenesisPrev);
  EXPECT_EQ(genesis.time, "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(genesis.details["format"], "dsfl-audit/1");
  EXPECT_EQ(genesis.details["key_id"], Ed25519KeyId(TestKey().public_key()));
  const AuditRecord& read = records[1].record;
  EXPECT_EQ(read.actor, "hospital-a");
  EXPECT_EQ(read.event, "dataset.read");
  EXPECT_EQ(read.prev, genesis.hash);
  EXPECT_EQ(read.subject, "lung");
  EXPECT_FALSE(read.job.has_value());
  EXPECT_FALSE(read.round.has_value());
  EXPECT_EQ(read.details["rows"], 10);
  EXPECT_TRUE(VerifyRecordSignature(records[1], TestKey().public_key()));
  EXPECT_FALSE(VerifyRecordSignature(records[1], TestKey('x').public_key()));

  // Head = genesis; the public key PEM sits beside the log.
  EXPECT_EQ(testing::ReadFileText(dir.File("audit.head.json")),
            records[0].line + "\n");
  auto pub = ReadPublicKeyFile(dir.File("audit.pub.pem"));
  ASSERT_TRUE(pub.ok()) << pub.status();
  EXPECT_EQ(*pub, TestKey().public_key());

  VerifyReport report = VerifyLog(path, Pinned(TestKey()));
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.records, 2u);
}

TEST(AuditLogTest, RejectsEventsOutsideTheCatalogue) {
  TempDir dir;
  FakeClock clock;
  auto log =
      AuditLog::Open(Options(dir.File("audit.jsonl"), &clock), TestKey());
  ASSERT_TRUE(log.ok());
  AuditEvent unknown;
  unknown.type = "made.up";
  EXPECT_EQ((*log)->Record(unknown).code(), absl::StatusCode::kInvalidArgument);
  AuditEvent reserved;
  reserved.type = "log.checkpoint";
  EXPECT_EQ((*log)->Record(reserved).code(),
            absl::StatusCode::kInvalidArgument);
  AuditEvent missing = DatasetRead(1);
  missing.details.erase("rows");
  EXPECT_EQ((*log)->Record(missing).code(), absl::StatusCode::kInvalidArgument);
  AuditEvent bad_utf8 = DatasetRead(1);
  bad_utf8.details["source"] = std::string("\xff");
  EXPECT_EQ((*log)->Record(bad_utf8).code(),
            absl::StatusCode::kInvalidArgument);
  // Nothing was written, and the log still works.
  EXPECT_EQ((*log)->size(), 1u);
  EXPECT_TRUE((*log)->Record(DatasetRead(1)).ok());
}

TEST(AuditLogTest, ReopenContinuesTheChain) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  {
    auto log = AuditLog::Open(Options(path, &clock), TestKey());
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE((*log)->Record(DatasetRead(i)).ok());
    ASSERT_TRUE((*log)->Close().ok());
  }
  // Close wrote a final checkpoint: genesis, 3 records, checkpoint.
  EXPECT_EQ(Records(path).size(), 5u);
  auto log = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_FALSE((*log)->open_info().created);
  EXPECT_EQ((*log)->open_info().existing_records, 5u);
  auto seq = (*log)->Append(DatasetRead(7));
  ASSERT_TRUE(seq.ok());
  EXPECT_EQ(*seq, 5u);
  ASSERT_TRUE((*log)->Close().ok());
  std::vector<SealedRecord> records = Records(path);
  ASSERT_EQ(records.size(), 7u);
  EXPECT_EQ(records[5].record.prev, records[4].record.hash);
  VerifyReport report = VerifyLog(path, Pinned(TestKey()));
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.checkpoints, 2u);
  ASSERT_TRUE(report.head.has_value());
  EXPECT_EQ(report.head->seq, 6u);
}

TEST(AuditLogTest, RefusesAnotherKeysLogAndASecondWriter) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  auto log = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_TRUE(log.ok());
  auto second = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(second.status().message()).find("another process"),
            std::string::npos)
      << second.status();
  ASSERT_TRUE((*log)->Close().ok());
  auto other = AuditLog::Open(Options(path, &clock), TestKey('o'));
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(other.status().message()).find("another key"),
            std::string::npos)
      << other.status();
}

// A log belongs to the node that started it: reopened under another actor
// it is refused, naming both, and left as it was.
TEST(AuditLogTest, RefusesToContinueAnotherActorsLog) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  AuditLogOptions options = Options(path, &clock);
  options.actor = "hospital-a";
  {
    auto log = AuditLog::Open(options, TestKey());
    ASSERT_TRUE(log.ok()) << log.status();
    ASSERT_TRUE((*log)->Record(DatasetRead(1)).ok());
    ASSERT_TRUE((*log)->Close().ok());
  }
  const size_t records = Records(path).size();
  options.actor = "hospital-b";
  auto renamed = AuditLog::Open(options, TestKey());
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(renamed.status().message())
                .find("belongs to actor 'hospital-a', not 'hospital-b'"),
            std::string::npos)
      << renamed.status();
  EXPECT_EQ(Records(path).size(), records);
  options.actor = "hospital-a";
  auto same = AuditLog::Open(options, TestKey());
  ASSERT_TRUE(same.ok()) << same.status();
  ASSERT_TRUE((*same)->Close().ok());
  EXPECT_TRUE(VerifyLog(path, Pinned(TestKey())).ok);
}

TEST(AuditLogTest, RefusesToContinueATamperedLog) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  {
    auto log = AuditLog::Open(Options(path, &clock), TestKey());
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 3; ++i)
      ASSERT_TRUE((*log)->Record(DatasetRead(i)).ok());
  }
  std::vector<std::string> lines = ReadLines(path);
  lines.erase(lines.begin() + 2);
  testing::WriteLines(path, lines);
  auto log = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
}

TEST(AuditLogTest, MissingHeadFile) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  const std::string head = dir.File("audit.head.json");
  {
    auto log = AuditLog::Open(Options(path, &clock), TestKey());
    ASSERT_TRUE(log.ok());
  }
  // Genesis only (a crash before the head was written): healed on open.
  std::vector<std::string> lines = ReadLines(path);
  testing::WriteLines(path, {lines[0]});
  std::filesystem::remove(head);
  EXPECT_EQ(VerifyLog(path, Pinned(TestKey())).failure,
            FailureKind::kMissingFile);
  {
    auto log = AuditLog::Open(Options(path, &clock), TestKey());
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_TRUE(std::filesystem::exists(head));
    ASSERT_TRUE((*log)->Record(DatasetRead(1)).ok());
  }
  EXPECT_TRUE(VerifyLog(path, Pinned(TestKey())).ok);
  // With checkpoints, a missing head means possible truncation: refused.
  std::filesystem::remove(head);
  auto log = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_FALSE(log.ok());
  EXPECT_EQ(log.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(std::string(log.status().message()).find("head file"),
            std::string::npos);
}

TEST(AuditLogTest, CheckpointEveryKRecords) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  auto log = AuditLog::Open(Options(path, &clock, /*every=*/4), TestKey());
  ASSERT_TRUE(log.ok());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Record(DatasetRead(i)).ok());
  std::vector<SealedRecord> records = Records(path);
  // genesis, 4 reads, checkpoint(5), 4 reads, checkpoint(10), 2 reads.
  ASSERT_EQ(records.size(), 13u);
  for (uint64_t seq : {5u, 10u}) {
    const AuditRecord& cp = records[seq].record;
    EXPECT_EQ(cp.event, "log.checkpoint") << seq;
    EXPECT_EQ(cp.details["tree_size"], seq);
    EXPECT_EQ(cp.details["reason"], "count");
  }
  EXPECT_EQ(records[4].record.event, "dataset.read");
  // The head follows the latest checkpoint.
  EXPECT_EQ(testing::ReadFileText(dir.File("audit.head.json")),
            records[10].line + "\n");
  VerifyReport report = VerifyLog(path, Pinned(TestKey()));
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.checkpoints, 2u);
}

TEST(AuditLogTest, CheckpointAfterTSecondsWithInjectedClock) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  AuditLogOptions options = Options(path, &clock);
  options.checkpoint_interval = absl::Seconds(30);
  auto log = AuditLog::Open(options, TestKey());
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Record(DatasetRead(1)).ok());
  clock.Advance(absl::Seconds(29));
  ASSERT_TRUE((*log)->Record(DatasetRead(2)).ok());
  ASSERT_TRUE((*log)->Tick().ok());
  EXPECT_EQ((*log)->size(), 3u);  // not yet
  clock.Advance(absl::Seconds(1));
  ASSERT_TRUE((*log)->Tick().ok());
  EXPECT_EQ((*log)->size(), 4u);
  std::vector<SealedRecord> records = Records(path);
  EXPECT_EQ(records[3].record.event, "log.checkpoint");
  EXPECT_EQ(records[3].record.details["reason"], "time");
  EXPECT_EQ(records[3].record.time, "2026-01-01T00:00:30.000Z");
  // Nothing new: no checkpoint however long we wait.
  clock.Advance(absl::Minutes(5));
  ASSERT_TRUE((*log)->Tick().ok());
  EXPECT_EQ((*log)->size(), 4u);
  // An append after the interval triggers one too (without Tick).
  ASSERT_TRUE((*log)->Record(DatasetRead(3)).ok());
  EXPECT_EQ((*log)->size(), 6u);
  ASSERT_TRUE((*log)->Record(DatasetRead(4)).ok());
  EXPECT_EQ((*log)->size(), 7u);
  EXPECT_TRUE(VerifyLog(path, Pinned(TestKey())).ok);
}

TEST(AuditLogTest, TimesNeverGoBackwards) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  auto log = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_TRUE(log.ok());
  clock.Advance(absl::Seconds(10));
  ASSERT_TRUE((*log)->Record(DatasetRead(1)).ok());
  clock.Advance(absl::Seconds(-5));  // the clock steps back
  ASSERT_TRUE((*log)->Record(DatasetRead(2)).ok());
  std::vector<SealedRecord> records = Records(path);
  EXPECT_EQ(records[2].record.time, records[1].record.time);
}

TEST(AuditLogTest, RotationKeepsTheChainAcrossFiles) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  AuditLogOptions options = Options(path, &clock);
  options.rotate_bytes = 2000;
  {
    auto log = AuditLog::Open(options, TestKey());
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 30; ++i) {
      ASSERT_TRUE((*log)->Record(DatasetRead(i)).ok());
    }
    ASSERT_TRUE((*log)->Close().ok());
  }
  auto segments = ListSegments(PathsForLog(path));
  ASSERT_TRUE(segments.ok());
  ASSERT_GE(segments->size(), 3u);
  EXPECT_EQ(segments->front().first_seq, 0u);
  EXPECT_EQ(segments->front().path, dir.File("audit.000000000000.jsonl"));
  uint64_t expected_first = 0;
  std::string last_hash = kGenesisPrev;
  for (const SegmentFile& s : *segments) {
    std::vector<SealedRecord> records = Records(s.path);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records.front().record.seq, expected_first);
    EXPECT_EQ(records.front().record.prev, last_hash);
    // Each rotated segment ends with a rotation checkpoint.
    EXPECT_EQ(records.back().record.event, "log.checkpoint");
    EXPECT_EQ(records.back().record.details["reason"], "rotate");
    expected_first = records.back().record.seq + 1;
    last_hash = records.back().record.hash;
  }
  std::vector<SealedRecord> active = Records(path);
  ASSERT_FALSE(active.empty());
  EXPECT_EQ(active.front().record.seq, expected_first);
  EXPECT_EQ(active.front().record.prev, last_hash);

  VerifyReport report = VerifyLog(path, Pinned(TestKey()));
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.files.size(), segments->size() + 1);

  // Reopening continues in the active file.
  auto log = AuditLog::Open(options, TestKey());
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Record(DatasetRead(99)).ok());
  ASSERT_TRUE((*log)->Close().ok());
  EXPECT_TRUE(VerifyLog(path, Pinned(TestKey())).ok);
}

TEST(AuditLogTest, CrashBetweenRotationRenameAndNewFileIsContinued) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  {
    auto log = AuditLog::Open(Options(path, &clock), TestKey());
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Record(DatasetRead(1)).ok());
    ASSERT_TRUE((*log)->Close().ok());
  }
  // As if the process died right after renaming the active file.
  std::filesystem::rename(path, dir.File("audit.000000000000.jsonl"));
  auto log = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->Record(DatasetRead(2)).ok());
  ASSERT_TRUE((*log)->Close().ok());
  VerifyReport report = VerifyLog(path, Pinned(TestKey()));
  EXPECT_TRUE(report.ok) << report.error;
  EXPECT_EQ(report.files.size(), 2u);
}

TEST(AuditLogTest, TornTailIsMovedAsideAndRecorded) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  {
    auto log = AuditLog::Open(Options(path, &clock), TestKey());
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Record(DatasetRead(1)).ok());
    ASSERT_TRUE((*log)->Record(DatasetRead(2)).ok());
  }
  // Simulate a crash in the middle of writing a record.
  const std::string torn = "{\"actor\":\"hospital-a\",\"deta";
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << torn;
  }
  VerifyReport before = VerifyLog(path, Pinned(TestKey()));
  EXPECT_FALSE(before.ok);
  EXPECT_EQ(before.failure, FailureKind::kTornTail);
  ASSERT_TRUE(before.torn.has_value());
  EXPECT_EQ(before.torn->bytes, torn.size());
  // genesis, 2 reads, the close checkpoint.
  EXPECT_EQ(before.last_verified_seq, 3u);

  auto log = AuditLog::Open(Options(path, &clock), TestKey());
  ASSERT_TRUE(log.ok()) << log.status();
  ASSERT_TRUE((*log)->open_info().torn_moved_to.has_value());
  EXPECT_EQ(*(*log)->open_info().torn_moved_to, dir.File("audit.torn.3.0"));
  EXPECT_EQ(testing::ReadFileText(dir.File("audit.torn.3.0")), torn);
  ASSERT_TRUE((*log)->Close().ok());
  std::vector<SealedRecord> records = Records(path);
  ASSERT_GE(records.size(), 5u);
  const AuditRecord& recovered = records[4].record;
  EXPECT_EQ(recovered.event, "log.recovered");
  EXPECT_EQ(recovered.details["torn_bytes"], torn.size());
  EXPECT_EQ(recovered.details["after_seq"], 3);
  EXPECT_EQ(recovered.details["torn_sha256"], Sha256::HexOf(torn));
  VerifyReport after = VerifyLog(path, Pinned(TestKey()));
  EXPECT_TRUE(after.ok) << after.error;
}

TEST(AuditLogTest, NodeKeyIsCreatedPrivateAndReloaded) {
  TempDir dir;
  FakeClock clock;
  const std::string key_path = dir.File("keys/audit-key.pem");
  auto log =
      OpenNodeAuditLog(dir.File("audit.jsonl"), key_path, "master", &clock);
  ASSERT_TRUE(log.ok()) << log.status();
  struct stat st {};
  ASSERT_EQ(::stat(key_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const crypto::Ed25519PublicKey first = (*log)->public_key();
  ASSERT_TRUE((*log)->Close().ok());
  log = OpenNodeAuditLog(dir.File("audit.jsonl"), key_path, "master", &clock);
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_EQ((*log)->public_key(), first);
  ASSERT_TRUE((*log)->Close().ok());

  // A key file others can read is refused.
  ::chmod(key_path.c_str(), 0644);
  auto refused = LoadOrCreateNodeKey(key_path);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  // A file that is not a key is refused, naming it.
  testing::WriteFileText(dir.File("junk.pem"), "junk");
  ::chmod(dir.File("junk.pem").c_str(), 0600);
  auto junk = LoadOrCreateNodeKey(dir.File("junk.pem"));
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(std::string(junk.status().message()).find("junk.pem"),
            std::string::npos);
}

TEST(AuditLogTest, ClosedLogRefusesRecords) {
  TempDir dir;
  FakeClock clock;
  auto log =
      AuditLog::Open(Options(dir.File("audit.jsonl"), &clock), TestKey());
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Close().ok());
  EXPECT_EQ((*log)->Record(DatasetRead(1)).code(),
            absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace dsfl::audit
