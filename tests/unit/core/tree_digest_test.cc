// TreeDigest, the model payload digest (RFC 9162 Merkle tree hash over
// SHA-256 of 64 KiB leaves), and the four-lane SHA-NI kernel under it.
// Golden values were computed independently with Python's hashlib (the
// RFC 9162 recursion over payload[i:i+65536]); the same script is in
// docs/protocol.md. The audit log's own RFC 9162 code (crypto::MerkleTree) is
// a second, independent reference.
#include "common/tree_digest.h"

#include <random>
#include <string>
#include <vector>

#include "common/crypto/merkle.h"
#include "common/sha256_lanes.h"
#include "gtest/gtest.h"

namespace dsfl {
namespace {

constexpr size_t kLeaf = kTreeDigestLeafBytes;

std::string Payload(size_t n) {
  std::string bytes(n, '\0');
  for (size_t i = 0; i < n; ++i) bytes[i] = static_cast<char>((i * 31 + 7));
  return bytes;
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 random(seed);
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

std::string Incremental(const std::string& payload) {
  TreeDigest digest;
  digest.Update(payload.data(), payload.size());
  return ToHex(digest.Finish());
}

TEST(TreeDigestTest, KnownAnswers) {
  const std::vector<std::pair<size_t, std::string>> golden = {
      {0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {1, "2ecd8a6b7d2845546659ad4cf443533cf921b19dc81fa83934e83821b4dfdcb7"},
      {kLeaf - 1,
       "18a4e56d6f242217070c3926eab7c385e0689a86294186f6f4f805f2dd662322"},
      {kLeaf,
       "3022e2bda974505e8d80f335dc0319b91c83f53581b116f930aef9cee78fe9f6"},
      {kLeaf + 1,
       "2dfb4aa1f1d4fd2c06b86378249a384d42e135bcb105c706b4676da678bd3447"},
      {4 * kLeaf,
       "41cebc2d80df785e2faf6ebf12e2ee3fcb257cd302e7b496435633c7f7556039"},
      {4 * kLeaf + 5,
       "265e792033669d54394a1dcf9518f3180eaa2308713b2e81bb925d0641baceae"},
      {9 * kLeaf + 100,
       "73e2dae50b39d0623319238a78f7dfc43ec4f7a9c9b6b30c20861b2570095525"},
  };
  for (const auto& [size, hex] : golden) {
    const std::string payload = Payload(size);
    EXPECT_EQ(ToHex(TreeDigest::Of(payload.data(), payload.size())), hex)
        << size << " bytes";
    EXPECT_EQ(Incremental(payload), hex) << size << " bytes";
    EXPECT_EQ(TreeDigestHex(payload), hex) << size << " bytes";
  }
}

TEST(TreeDigestTest, MatchesTheAuditLogsMerkleTree) {
  for (size_t size : {kLeaf / 2, 3 * kLeaf, 5 * kLeaf - 3, 17 * kLeaf + 64}) {
    const std::string payload = RandomBytes(size, static_cast<uint32_t>(size));
    crypto::MerkleTree tree;
    for (size_t at = 0; at < size; at += kLeaf) {
      tree.AppendLeaf(std::string_view(payload).substr(at, kLeaf));
    }
    EXPECT_EQ(TreeDigest::Of(payload.data(), payload.size()), tree.Root())
        << size << " bytes";
  }
}

// The same digest however the payload is cut into calls and pieces:
// pieces of one byte, pieces that split 64-byte blocks and leaves, calls
// that start mid-leaf, and calls with four whole leaves (the fast path).
TEST(TreeDigestTest, IndependentOfHowThePayloadIsSplit) {
  const std::string payload = RandomBytes(13 * kLeaf + 777, 7);
  const Sha256Digest expected = TreeDigest::Of(payload.data(), payload.size());
  std::mt19937 random(11);
  for (int trial = 0; trial < 40; ++trial) {
    TreeDigest digest;
    size_t at = 0;
    while (at < payload.size()) {
      // A call of up to ~5 leaves, in pieces of varied sizes.
      const size_t call = std::min<size_t>(
          payload.size() - at, 1 + random() % (trial % 2 ? 5 * kLeaf : 3000));
      std::vector<std::string_view> pieces;
      size_t in_call = 0;
      while (in_call < call) {
        const size_t kind = random() % 4;
        size_t piece = kind == 0   ? 1
                       : kind == 1 ? 1 + random() % 100
                                   : 1 + random() % (64 * 1024);
        piece = std::min(piece, call - in_call);
        pieces.emplace_back(payload.data() + at + in_call, piece);
        if (random() % 8 == 0) pieces.emplace_back();  // empty pieces too
        in_call += piece;
      }
      digest.Update(absl::MakeConstSpan(pieces));
      at += call;
    }
    ASSERT_EQ(digest.Finish(), expected) << "trial " << trial;
  }
}

TEST(TreeDigestTest, ParallelOneShotEqualsSequential) {
  // Above the 4 MiB threshold, with a short last leaf and a leaf count that
  // is not a multiple of the lanes or threads.
  const std::string payload = RandomBytes(5 * (1 << 20) + 12345, 3);
  const Sha256Digest expected = [&] {
    TreeDigest digest;
    digest.Update(payload.data(), payload.size());
    return digest.Finish();
  }();
  for (int threads : {1, 2, 3, 7, 64}) {
    EXPECT_EQ(TreeDigest::Of(payload.data(), payload.size(), threads), expected)
        << threads << " threads";
  }
}

TEST(TreeDigestTest, EveryLeafCounts) {
  std::string payload = RandomBytes(9 * kLeaf + 10, 5);
  const Sha256Digest original = TreeDigest::Of(payload.data(), payload.size());
  for (size_t at : {size_t{0}, kLeaf - 1, kLeaf, 4 * kLeaf + 63, 8 * kLeaf + 65,
                    payload.size() - 1}) {
    payload[at] ^= 0x01;
    EXPECT_NE(TreeDigest::Of(payload.data(), payload.size()), original)
        << "byte " << at;
    payload[at] ^= 0x01;
  }
  // Not the plain SHA-256 of the payload, and not a truncation-blind hash.
  EXPECT_NE(original, Sha256::Of(payload));
  EXPECT_NE(TreeDigest::Of(payload.data(), payload.size() - 1), original);
}

// On a CPU without SHA-NI every leaf goes through OpenSSL: the same
// digests (golden values and splittings), computed without the lanes.
TEST(TreeDigestTest, SameDigestsWithoutShaNi) {
  const std::string payload = RandomBytes(9 * kLeaf + 100, 9);
  const Sha256Digest with_lanes =
      TreeDigest::Of(payload.data(), payload.size());
  sha256_lanes::DisableForTesting(true);
  EXPECT_FALSE(sha256_lanes::Available());
  const std::string golden = Payload(4 * kLeaf + 5);
  EXPECT_EQ(TreeDigestHex(golden),
            "265e792033669d54394a1dcf9518f3180eaa2308713b2e81bb925d0641baceae");
  EXPECT_EQ(TreeDigest::Of(payload.data(), payload.size(), 2), with_lanes);
  TreeDigest pieces;
  const std::string_view all(payload);
  const std::string_view split[] = {all.substr(0, 100),
                                    all.substr(100, 5 * kLeaf),
                                    all.substr(100 + 5 * kLeaf)};
  pieces.Update(absl::MakeConstSpan(split));
  EXPECT_EQ(pieces.Finish(), with_lanes);
  sha256_lanes::DisableForTesting(false);
}

// The kernel itself against OpenSSL on four different messages of several
// blocks each (padding done here as SHA-256 specifies).
TEST(Sha256LanesTest, FourLanesMatchOpenSsl) {
  if (!sha256_lanes::Available()) {
    GTEST_SKIP() << "no SHA-NI on this CPU; TreeDigest uses OpenSSL alone";
  }
  for (size_t blocks : {size_t{1}, size_t{2}, size_t{17}}) {
    const size_t message_bytes = blocks * 64 - 9;  // padding fits one block
    std::string padded[sha256_lanes::kLanes];
    const uint8_t* starts[sha256_lanes::kLanes];
    for (int j = 0; j < sha256_lanes::kLanes; ++j) {
      padded[j] = RandomBytes(message_bytes, 100 + j);
      padded[j].push_back(static_cast<char>(0x80));
      const uint64_t bits = message_bytes * 8;
      for (int i = 7; i >= 0; --i) {
        padded[j].push_back(static_cast<char>(bits >> (8 * i)));
      }
      ASSERT_EQ(padded[j].size(), blocks * 64);
      starts[j] = reinterpret_cast<const uint8_t*>(padded[j].data());
    }
    sha256_lanes::State state;
    sha256_lanes::Init(&state);
    sha256_lanes::Compress(&state, starts, blocks);
    for (int j = 0; j < sha256_lanes::kLanes; ++j) {
      EXPECT_EQ(
          sha256_lanes::Digest(state, j),
          Sha256::Of(std::string_view(padded[j]).substr(0, message_bytes)))
          << blocks << " blocks, lane " << j;
    }
  }
}

}  // namespace
}  // namespace dsfl
