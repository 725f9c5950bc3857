#include "common/audit/proof.h"

#include "common/audit/audit_log.h"
#include "gtest/gtest.h"
#include "tests/unit/audit/test_util.h"

namespace dsfl::audit {
namespace {

using testing::DatasetRead;
using testing::FakeClock;
using testing::Options;
using testing::TempDir;
using testing::TestKey;

class ProofTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.File("audit.jsonl");
    auto log = AuditLog::Open(Options(path_, &clock_, /*every=*/5), TestKey());
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 23; ++i) {
      ASSERT_TRUE((*log)->Record(DatasetRead(i, "job-9")).ok());
    }
    // No Close: the last records stay uncovered by a checkpoint.
    log_ = std::move(*log);
    pinned_.pinned_keys = {TestKey().public_key()};
  }

  TempDir dir_;
  FakeClock clock_;
  std::string path_;
  std::unique_ptr<AuditLog> log_;
  VerifyOptions pinned_;
  const std::vector<crypto::Ed25519PublicKey> keys_ = {TestKey().public_key()};
};

TEST_F(ProofTest, InclusionProofForEveryCoveredRecord) {
  // Checkpoints at seq 6, 12, 18, 24; the latest covers seq 0..23.
  for (uint64_t seq = 0; seq < 24; ++seq) {
    auto proof = BuildInclusionProof(path_, seq, pinned_);
    ASSERT_TRUE(proof.ok()) << seq << ": " << proof.status();
    EXPECT_EQ((*proof)["tree_size"], 24);
    EXPECT_EQ((*proof)["record"]["seq"], seq);
    auto check = VerifyProof(*proof, keys_);
    ASSERT_TRUE(check.ok()) << seq << ": " << check.status();
    EXPECT_TRUE(check->key_pinned);
  }
  // Records after the latest checkpoint are not provable yet.
  auto uncovered = BuildInclusionProof(path_, 25, pinned_);
  EXPECT_EQ(uncovered.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(BuildInclusionProof(path_, 999, pinned_).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ProofTest, TamperedProofsFail) {
  auto proof = BuildInclusionProof(path_, 7, pinned_);
  ASSERT_TRUE(proof.ok());
  {
    nlohmann::json p = *proof;
    p["record"]["details"]["rows"] = 70;
    EXPECT_FALSE(VerifyProof(p, keys_).ok());
  }
  {
    nlohmann::json p = *proof;
    std::string h = p["audit_path"][1];
    h[0] = h[0] == 'a' ? 'b' : 'a';
    p["audit_path"][1] = h;
    EXPECT_FALSE(VerifyProof(p, keys_).ok());
  }
  {
    nlohmann::json p = *proof;
    p["seq"] = 8;
    EXPECT_FALSE(VerifyProof(p, keys_).ok());
  }
  {
    nlohmann::json p = *proof;
    p["checkpoint"]["details"]["root"] = std::string(64, '0');
    EXPECT_FALSE(VerifyProof(p, keys_).ok());
  }
  // Another key pinned: refused; unpinned: the embedded key is used.
  EXPECT_FALSE(VerifyProof(*proof, {TestKey('q').public_key()}).ok());
  auto unpinned = VerifyProof(*proof, {});
  ASSERT_TRUE(unpinned.ok());
  EXPECT_FALSE(unpinned->key_pinned);
}

TEST_F(ProofTest, ConsistencyProofs) {
  for (uint64_t size1 = 1; size1 <= 24; ++size1) {
    auto proof = BuildConsistencyProof(path_, size1, pinned_);
    ASSERT_TRUE(proof.ok()) << size1 << ": " << proof.status();
    auto check = VerifyProof(*proof, keys_);
    ASSERT_TRUE(check.ok()) << size1 << ": " << check.status();
    // Checkpoints have tree sizes 6, 12, 18 and 24: included and checked.
    EXPECT_EQ(proof->contains("checkpoint1"), size1 % 6 == 0) << size1;
  }
  auto proof = BuildConsistencyProof(path_, 12, pinned_);
  ASSERT_TRUE(proof.ok());
  nlohmann::json p = *proof;
  p["root1"] = std::string(64, 'c');
  EXPECT_FALSE(VerifyProof(p, keys_).ok());
  EXPECT_FALSE(BuildConsistencyProof(path_, 0, pinned_).ok());
  EXPECT_FALSE(BuildConsistencyProof(path_, 25, pinned_).ok());
}

TEST_F(ProofTest, NoProofForALogThatDoesNotVerify) {
  std::vector<std::string> lines = testing::ReadLines(path_);
  lines.erase(lines.begin() + 3);
  testing::WriteLines(path_, lines);
  auto proof = BuildInclusionProof(path_, 1, pinned_);
  EXPECT_EQ(proof.status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace dsfl::audit
