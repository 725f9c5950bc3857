// Every class of tampering the verifier must catch, on logs made by the
// writer: a changed byte anywhere, a deleted, inserted, duplicated or
// reordered record, truncation behind a checkpoint, a torn last line,
// records signed by another key and a log re-signed with a fresh key.
#include <filesystem>

#include "common/audit/audit_log.h"
#include "common/audit/record.h"
#include "common/audit/verifier.h"
#include "gtest/gtest.h"
#include "tests/unit/audit/test_util.h"

namespace dsfl::audit {
namespace {

using testing::DatasetRead;
using testing::FakeClock;
using testing::Options;
using testing::ReadFileText;
using testing::ReadLines;
using testing::TempDir;
using testing::TestKey;
using testing::WriteFileText;
using testing::WriteLines;

class TamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("audit.jsonl");
    auto log = AuditLog::Open(Options(path_, &clock_, /*every=*/3), TestKey());
    ASSERT_TRUE(log.ok()) << log.status();
    for (int i = 0; i < 8; ++i) {
      clock_.Advance(absl::Seconds(1));
      ASSERT_TRUE((*log)->Record(DatasetRead(i, "job-1")).ok());
    }
    ASSERT_TRUE((*log)->Close().ok());
    original_ = ReadFileText(path_);
    lines_ = ReadLines(path_);
    ASSERT_TRUE(Verify().ok) << Verify().error;
  }

  VerifyReport Verify(VerifyOptions options = Pinned()) {
    return VerifyLog(path_, options);
  }
  static VerifyOptions Pinned() {
    VerifyOptions o;
    o.pinned_keys = {TestKey().public_key()};
    return o;
  }
  // Re-signs `record` with `key` (keeping seq/prev), returning its line.
  static std::string Resign(const std::string& line,
                            const crypto::Ed25519PrivateKey& key,
                            const std::string& prev) {
    auto parsed = ParseRecordLine(line);
    EXPECT_TRUE(parsed.ok());
    AuditRecord r = parsed->record;
    r.prev = prev;
    auto sealed = SealRecord(r, key);
    EXPECT_TRUE(sealed.ok());
    return sealed->line;
  }

  TempDir dir_;
  FakeClock clock_;
  std::string path_;
  std::string original_;
  std::vector<std::string> lines_;
};

TEST_F(TamperTest, LogLayout) {
  // genesis, 3 reads, cp(4), 3 reads, cp(8), 2 reads, close cp(11).
  ASSERT_EQ(lines_.size(), 12u);
  VerifyReport r = Verify();
  EXPECT_EQ(r.checkpoints, 3u);
  ASSERT_TRUE(r.head.has_value());
  EXPECT_EQ(r.head->seq, 11u);
  EXPECT_TRUE(r.key_pinned);
}

TEST_F(TamperTest, EveryChangedByteFails) {
  for (size_t i = 0; i < original_.size(); ++i) {
    std::string changed = original_;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    WriteFileText(path_, changed);
    VerifyReport r = Verify();
    ASSERT_FALSE(r.ok) << "byte " << i << " ('" << original_[i]
                       << "') changed but the log still verifies";
  }
}

TEST_F(TamperTest, ModifiedDetailsAreAHashMismatch) {
  std::vector<std::string> lines = lines_;
  const size_t at = lines[2].find("\"rows\":1");
  ASSERT_NE(at, std::string::npos);
  lines[2].replace(at, 8, "\"rows\":9");
  WriteLines(path_, lines);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kHashMismatch);
  EXPECT_EQ(r.line, 3u);
  EXPECT_EQ(r.last_verified_seq, 1u);
  EXPECT_NE(r.error.find("audit.jsonl:3"), std::string::npos) << r.error;
}

TEST_F(TamperTest, RehashedButNotResignedFailsTheSignature) {
  auto parsed = ParseRecordLine(lines_[2]);
  ASSERT_TRUE(parsed.ok());
  AuditRecord r = parsed->record;
  r.details["rows"] = 999;
  // Sealed with another key: hash consistent, signature not the node's.
  auto forged = SealRecord(r, TestKey('m'));
  ASSERT_TRUE(forged.ok());
  std::vector<std::string> lines = lines_;
  lines[2] = forged->line;
  WriteLines(path_, lines);
  VerifyReport report = Verify();
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failure, FailureKind::kSignature);
  EXPECT_EQ(report.failed_seq, 2u);
}

TEST_F(TamperTest, WhitespaceOnlyEditFails) {
  std::vector<std::string> lines = lines_;
  lines[3].insert(1, " ");
  WriteLines(path_, lines);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kMalformed);
}

TEST_F(TamperTest, DuplicateMemberFails) {
  // A second "rows" member: parsers disagree on which one wins, so the
  // verifier refuses the line (it is not the canonical form).
  std::vector<std::string> lines = lines_;
  const size_t at = lines[2].find("\"rows\":");
  ASSERT_NE(at, std::string::npos);
  lines[2].insert(at, "\"rows\":999,");
  WriteLines(path_, lines);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kMalformed) << r.error;
  EXPECT_EQ(r.line, 3u);
}

TEST_F(TamperTest, DeletingAnyLineFails) {
  for (size_t i = 0; i < lines_.size(); ++i) {
    std::vector<std::string> lines = lines_;
    lines.erase(lines.begin() + static_cast<long>(i));
    WriteLines(path_, lines);
    VerifyReport r = Verify();
    ASSERT_FALSE(r.ok) << "deleting line " << i + 1 << " went unnoticed";
    if (i == 0) {
      EXPECT_EQ(r.failure, FailureKind::kSequence) << r.error;
    } else if (i + 1 == lines_.size()) {
      // The last record is the head's checkpoint: truncation.
      EXPECT_EQ(r.failure, FailureKind::kTruncated) << r.error;
    } else {
      EXPECT_EQ(r.failure, FailureKind::kSequence) << r.error;
      EXPECT_NE(r.error.find("missing (deleted)"), std::string::npos)
          << r.error;
    }
  }
}

TEST_F(TamperTest, InsertedDuplicatedAndReorderedRecordsFail) {
  {
    std::vector<std::string> lines = lines_;
    lines.insert(lines.begin() + 4, lines_[3]);  // duplicate
    WriteLines(path_, lines);
    VerifyReport r = Verify();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.failure, FailureKind::kSequence);
    EXPECT_EQ(r.line, 5u);
  }
  {
    std::vector<std::string> lines = lines_;
    std::swap(lines[2], lines[3]);  // reorder
    WriteLines(path_, lines);
    VerifyReport r = Verify();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.failure, FailureKind::kSequence);
  }
  {
    // An insertion with the right seq and prev but the attacker's key, and
    // the rest of the log renumbered and re-chained.
    std::vector<std::string> lines(lines_.begin(), lines_.begin() + 3);
    auto prev = ParseRecordLine(lines.back());
    ASSERT_TRUE(prev.ok());
    AuditRecord inserted = ParseRecordLine(lines_[3])->record;
    inserted.seq = 3;
    inserted.details["rows"] = 12345;
    std::string prev_hash = prev->record.hash;
    inserted.prev = prev_hash;
    auto sealed = SealRecord(inserted, TestKey('m'));
    ASSERT_TRUE(sealed.ok());
    lines.push_back(sealed->line);
    WriteLines(path_, lines);
    VerifyReport r = Verify();
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.failure, FailureKind::kSignature);
    EXPECT_EQ(r.failed_seq, 3u);
  }
}

TEST_F(TamperTest, ReplacedRecordBreaksTheChain) {
  // A record from another, identically keyed log at the same seq: its own
  // hash and signature are valid, but prev does not link.
  TempDir other_dir;
  FakeClock other_clock(absl::FromUnixSeconds(1767300000));
  const std::string other = other_dir.File("audit.jsonl");
  {
    auto log =
        AuditLog::Open(Options(other, &other_clock, /*every=*/3), TestKey());
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 8; ++i) {
      ASSERT_TRUE((*log)->Record(DatasetRead(100 + i, "job-1")).ok());
    }
  }
  std::vector<std::string> lines = lines_;
  lines[2] = ReadLines(other)[2];
  WriteLines(path_, lines);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kChain);
  EXPECT_EQ(r.failed_seq, 2u);
}

TEST_F(TamperTest, TruncationBehindTheLastCheckpointFails) {
  // Cut the log back to seq 6 (before the checkpoints at 8 and 11).
  std::vector<std::string> lines(lines_.begin(), lines_.begin() + 7);
  WriteLines(path_, lines);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kTruncated);
  EXPECT_NE(r.error.find("up to seq 11"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("ends at seq 6"), std::string::npos) << r.error;

  // Deleting the head too: caught as a missing head ...
  std::filesystem::remove(dir_.File("audit.head.json"));
  r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kMissingFile);
  // ... and, when accepted explicitly, by a checkpoint the auditor kept.
  WriteFileText(dir_.File("kept.json"), lines_[8] + "\n");
  VerifyOptions options = Pinned();
  options.require_head = false;
  EXPECT_TRUE(Verify(options).ok);
  options.checkpoint_files = {dir_.File("kept.json")};
  r = Verify(options);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kTruncated);
}

TEST_F(TamperTest, RewrittenHistoryDiffersFromAKeptCheckpoint) {
  // The auditor kept the checkpoint at seq 8.
  const std::string kept = dir_.File("kept.json");
  WriteFileText(kept, lines_[8] + "\n");
  // The key holder rewrites everything after seq 4 with valid roots,
  // signatures and head (by continuing the log with the writer).
  std::vector<std::string> prefix(lines_.begin(), lines_.begin() + 5);
  WriteLines(path_, prefix);
  WriteFileText(dir_.File("audit.head.json"), lines_[4] + "\n");
  {
    auto log = AuditLog::Open(Options(path_, &clock_, /*every=*/3), TestKey());
    ASSERT_TRUE(log.ok()) << log.status();
    for (int i = 0; i < 6; ++i) {
      ASSERT_TRUE((*log)->Record(DatasetRead(500 + i, "job-1")).ok());
    }
  }
  // On its own the rewritten log verifies (the documented limit) ...
  EXPECT_TRUE(Verify().ok) << Verify().error;
  // ... but not against the checkpoint the auditor kept.
  VerifyOptions options = Pinned();
  options.checkpoint_files = {kept};
  VerifyReport r = Verify(options);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kChain) << r.error;
  EXPECT_NE(r.error.find("history was rewritten"), std::string::npos)
      << r.error;
}

TEST_F(TamperTest, RecordsSignedByAnotherKeyFail) {
  // Re-sign one record in place (same content and chain position).
  std::vector<std::string> lines = lines_;
  const std::string prev = ParseRecordLine(lines_[5])->record.prev;
  lines[5] = Resign(lines_[5], TestKey('z'), prev);
  // Its hash is unchanged, so the chain still links: only the key differs.
  EXPECT_EQ(ParseRecordLine(lines[5])->record.hash,
            ParseRecordLine(lines_[5])->record.hash);
  WriteLines(path_, lines);
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kSignature);
  EXPECT_EQ(r.failed_seq, 5u);
  // Unpinned verification catches it too (the genesis key is the node's).
  r = Verify(VerifyOptions());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kSignature);
}

TEST_F(TamperTest, ResigningTheWholeLogWithAFreshKeyFailsWhenPinned) {
  // An attacker rebuilds the entire log (and head) under a fresh key.
  TempDir forged_dir;
  FakeClock forged_clock;
  const std::string forged = forged_dir.File("audit.jsonl");
  {
    auto log = AuditLog::Open(Options(forged, &forged_clock, /*every=*/3),
                              TestKey('f'));
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 8; ++i) {
      forged_clock.Advance(absl::Seconds(1));
      ASSERT_TRUE((*log)->Record(DatasetRead(i + 1000, "job-1")).ok());
    }
  }
  std::filesystem::copy_file(forged, path_,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(forged_dir.File("audit.head.json"),
                             dir_.File("audit.head.json"),
                             std::filesystem::copy_options::overwrite_existing);
  VerifyReport unpinned = Verify(VerifyOptions());
  EXPECT_TRUE(unpinned.ok) << unpinned.error;
  EXPECT_FALSE(unpinned.key_pinned);
  VerifyReport pinned = Verify();
  EXPECT_FALSE(pinned.ok);
  EXPECT_EQ(pinned.failure, FailureKind::kWrongKey);
  EXPECT_EQ(pinned.line, 1u);
}

TEST_F(TamperTest, TornLastLineIsReportedNeverAccepted) {
  // Half a record after the last one: an interrupted write.
  WriteFileText(path_, original_ + lines_[3].substr(0, 40));
  VerifyReport r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kTornTail);
  ASSERT_TRUE(r.torn.has_value());
  EXPECT_EQ(r.torn->line, 13u);
  EXPECT_EQ(r.torn->bytes, 40u);
  EXPECT_EQ(r.last_verified_seq, 11u);
  EXPECT_NE(r.error.find("torn last line"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("verifies through seq 11"), std::string::npos)
      << r.error;
  // The last newline removed: the head's own record is damaged, which is
  // truncation of a committed record (and the torn line is reported).
  std::string text = original_;
  text.pop_back();
  WriteFileText(path_, text);
  r = Verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kTruncated);
  ASSERT_TRUE(r.torn.has_value());
  EXPECT_EQ(r.last_verified_seq, 10u);
  EXPECT_NE(r.error.find("torn line"), std::string::npos) << r.error;
}

TEST_F(TamperTest, CheckpointWithAWrongRootFails) {
  // Records 0..4 are untouched; the checkpoint at seq 4 claims another root
  // and is re-signed by the node's own key.
  auto parsed = ParseRecordLine(lines_[4]);
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->record.event, "log.checkpoint");
  AuditRecord r = parsed->record;
  r.details["root"] = std::string(64, 'a');
  auto sealed = SealRecord(r, TestKey());
  ASSERT_TRUE(sealed.ok());
  std::vector<std::string> lines(lines_.begin(), lines_.begin() + 4);
  lines.push_back(sealed->line);
  WriteLines(path_, lines);
  VerifyOptions options = Pinned();
  options.require_head = false;
  std::filesystem::remove(dir_.File("audit.head.json"));
  VerifyReport report = Verify(options);
  EXPECT_FALSE(report.ok);
  EXPECT_EQ(report.failure, FailureKind::kCheckpoint);
}

TEST(TamperRotationTest, MissingOrTruncatedSegmentFails) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.File("audit.jsonl");
  AuditLogOptions options = Options(path, &clock);
  options.rotate_bytes = 1500;
  {
    auto log = AuditLog::Open(options, TestKey());
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 20; ++i)
      ASSERT_TRUE((*log)->Record(DatasetRead(i)).ok());
  }
  VerifyOptions pinned;
  pinned.pinned_keys = {TestKey().public_key()};
  ASSERT_TRUE(VerifyLog(path, pinned).ok);
  auto segments = ListSegments(PathsForLog(path));
  ASSERT_TRUE(segments.ok());
  ASSERT_GE(segments->size(), 3u);
  const std::string middle = (*segments)[1].path;
  const std::string saved = ReadFileText(middle);
  // A deleted middle segment.
  std::filesystem::remove(middle);
  VerifyReport r = VerifyLog(path, pinned);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kSequence) << r.error;
  // A truncated middle segment (its last line cut).
  std::vector<std::string> lines;
  {
    WriteFileText(middle, saved);
    lines = ReadLines(middle);
    lines.pop_back();
    WriteLines(middle, lines);
  }
  r = VerifyLog(path, pinned);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kSequence) << r.error;
  // The first segment deleted: the log no longer starts at its genesis.
  WriteFileText(middle, saved);
  std::filesystem::remove((*segments)[0].path);
  r = VerifyLog(path, pinned);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.failure, FailureKind::kSequence) << r.error;
}

}  // namespace
}  // namespace dsfl::audit
