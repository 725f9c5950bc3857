#include "common/crypto/merkle.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/unit/crypto/vectors.h"

namespace dsfl::crypto {
namespace {

using testing::BytesToHex;
using testing::HexToBytes;
using testing::LoadVectors;

std::vector<std::string> HexList(const nlohmann::json& list) {
  std::vector<std::string> out;
  for (const auto& h : list) out.push_back(HexToBytes(h.get<std::string>()));
  return out;
}

std::vector<std::string> Bytes(const std::vector<MerkleHash>& hashes) {
  std::vector<std::string> out;
  for (const auto& h : hashes) out.push_back(HashBytes(h));
  return out;
}

MerkleTree EightLeafTree(const nlohmann::json& v) {
  MerkleTree tree;
  for (const auto& leaf : v["leaves_hex"]) {
    tree.AppendLeaf(HexToBytes(leaf.get<std::string>()));
  }
  return tree;
}

TEST(MerkleTest, HasherKats) {
  nlohmann::json v = LoadVectors("merkle_rfc6962_rfc9162.json");
  const auto& kats = v["hasher_kats"];
  EXPECT_EQ(ToHex(MerkleEmptyRoot()), kats[0]["hash"]);
  EXPECT_EQ(ToHex(MerkleLeafHash(HexToBytes(kats[1]["leaf_hex"]))),
            kats[1]["hash"]);
  EXPECT_EQ(ToHex(MerkleLeafHash(HexToBytes(kats[2]["leaf_hex"]))),
            kats[2]["hash"]);
  // The node KAT hashes raw child bytes that are not 32 bytes long.
  Sha256 h;
  const uint8_t one = 1;
  h.Update(&one, 1);
  h.Update(HexToBytes(kats[3]["left_hex"]));
  h.Update(HexToBytes(kats[3]["right_hex"]));
  EXPECT_EQ(ToHex(h.Finish()), kats[3]["hash"]);
}

TEST(MerkleTest, NodeHashesAndRootsForEverySize) {
  nlohmann::json v = LoadVectors("merkle_rfc6962_rfc9162.json");
  MerkleTree tree;
  EXPECT_EQ(ToHex(tree.Root()), v["root_hash_by_tree_size"]["0"]);
  for (size_t i = 0; i < v["leaves_hex"].size(); ++i) {
    tree.AppendLeaf(HexToBytes(v["leaves_hex"][i].get<std::string>()));
    EXPECT_EQ(ToHex(tree.leaf_hash(i)), v["node_hashes_by_level"][0][i]);
    EXPECT_EQ(ToHex(tree.Root()),
              v["root_hash_by_tree_size"][std::to_string(i + 1)])
        << "size " << i + 1;
  }
  for (uint64_t size = 0; size <= 8; ++size) {
    auto root = tree.RootAt(size);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(ToHex(*root), v["root_hash_by_tree_size"][std::to_string(size)]);
  }
  EXPECT_FALSE(tree.RootAt(9).ok());
}

TEST(MerkleTest, InclusionProofVectors) {
  nlohmann::json v = LoadVectors("merkle_rfc6962_rfc9162.json");
  MerkleTree tree = EightLeafTree(v);
  for (const auto& p : v["inclusion_proofs"]) {
    const uint64_t index = p["leaf_index"];
    const uint64_t size = p["tree_size"];
    SCOPED_TRACE(std::to_string(index) + "/" + std::to_string(size));
    auto proof = tree.InclusionProof(index, size);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_EQ(Bytes(*proof), HexList(p["audit_path"]));
    EXPECT_TRUE(VerifyInclusionProof(
                    index, size,
                    HashBytes(MerkleLeafHash(HexToBytes(p["leaf_hex"]))),
                    HexList(p["audit_path"]), HexToBytes(p["root_hash"]))
                    .ok());
  }
}

TEST(MerkleTest, ConsistencyProofVectors) {
  nlohmann::json v = LoadVectors("merkle_rfc6962_rfc9162.json");
  MerkleTree tree = EightLeafTree(v);
  ASSERT_EQ(v["consistency_proofs"].size(), 5u);
  for (const auto& p : v["consistency_proofs"]) {
    const uint64_t size1 = p["size1"];
    const uint64_t size2 = p["size2"];
    SCOPED_TRACE(std::to_string(size1) + "->" + std::to_string(size2));
    auto proof = tree.ConsistencyProof(size1, size2);
    ASSERT_TRUE(proof.ok()) << proof.status();
    EXPECT_EQ(Bytes(*proof), HexList(p["proof"]));
    EXPECT_TRUE(VerifyConsistencyProof(size1, size2, HexList(p["proof"]),
                                       HexToBytes(p["root1"]),
                                       HexToBytes(p["root2"]))
                    .ok());
  }
}

TEST(MerkleTest, TransparencyDevInclusionProbes) {
  nlohmann::json probes =
      LoadVectors("merkle_proof_probes_transparency_dev.json")["inclusion"];
  ASSERT_EQ(probes.size(), 98u);
  int accepted = 0;
  for (const auto& p : probes) {
    SCOPED_TRACE(p["file"].get<std::string>());
    Status status = VerifyInclusionProof(
        p["leaf_index"], p["tree_size"], HexToBytes(p["leaf_hash"]),
        HexList(p["proof"]), HexToBytes(p["root"]));
    EXPECT_EQ(!status.ok(), p["want_error"].get<bool>()) << status;
    if (status.ok()) ++accepted;
  }
  EXPECT_EQ(accepted, 6);
}

TEST(MerkleTest, TransparencyDevConsistencyProbes) {
  nlohmann::json probes =
      LoadVectors("merkle_proof_probes_transparency_dev.json")["consistency"];
  ASSERT_EQ(probes.size(), 98u);
  int accepted = 0;
  for (const auto& p : probes) {
    SCOPED_TRACE(p["file"].get<std::string>());
    Status status =
        VerifyConsistencyProof(p["size1"], p["size2"], HexList(p["proof"]),
                               HexToBytes(p["root1"]), HexToBytes(p["root2"]));
    EXPECT_EQ(!status.ok(), p["want_error"].get<bool>()) << status;
    if (status.ok()) ++accepted;
  }
  EXPECT_EQ(accepted, 6);
}

// Every proof the tree generates, for every size up to 40, verifies, and a
// flipped bit in any element is rejected.
TEST(MerkleTest, GeneratedProofsRoundTrip) {
  MerkleTree tree;
  for (int i = 0; i < 40; ++i) tree.AppendLeaf("leaf " + std::to_string(i));
  for (uint64_t size = 1; size <= 40; ++size) {
    const std::string root = HashBytes(*tree.RootAt(size));
    for (uint64_t index = 0; index < size; ++index) {
      auto proof = tree.InclusionProof(index, size);
      ASSERT_TRUE(proof.ok());
      std::vector<std::string> path = Bytes(*proof);
      const std::string leaf = HashBytes(tree.leaf_hash(index));
      ASSERT_TRUE(VerifyInclusionProof(index, size, leaf, path, root).ok())
          << index << "/" << size;
      for (size_t k = 0; k < path.size(); ++k) {
        std::vector<std::string> bad = path;
        bad[k][3] ^= 0x10;
        EXPECT_FALSE(VerifyInclusionProof(index, size, leaf, bad, root).ok());
      }
    }
    for (uint64_t size1 = 1; size1 <= size; ++size1) {
      const std::string root1 = HashBytes(*tree.RootAt(size1));
      auto proof = tree.ConsistencyProof(size1, size);
      ASSERT_TRUE(proof.ok());
      std::vector<std::string> path = Bytes(*proof);
      ASSERT_TRUE(VerifyConsistencyProof(size1, size, path, root1, root).ok())
          << size1 << "->" << size;
      for (size_t k = 0; k < path.size(); ++k) {
        std::vector<std::string> bad = path;
        bad[k][0] ^= 0x01;
        EXPECT_FALSE(
            VerifyConsistencyProof(size1, size, bad, root1, root).ok());
      }
    }
  }
}

}  // namespace
}  // namespace dsfl::crypto
