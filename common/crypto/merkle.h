// RFC 9162 (Certificate Transparency 2.0, §2.1) Merkle tree hashing, proof
// generation and proof verification over SHA-256, as used by the audit
// log's checkpoints.
//
//   MTH({})     = SHA-256("")
//   leaf hash   = SHA-256(0x00 || leaf input)
//   node hash   = SHA-256(0x01 || left || right)
// Leaf indices are 0-based. Proofs are generated per RFC 9162 §2.1.3.1
// (inclusion, PATH) and §2.1.4.1 (consistency, SUBPROOF) and verified with
// the exact algorithms of §2.1.3.2 and §2.1.4.2.
//
// Verifiers take hashes as byte strings (not fixed arrays) so that
// malformed input (wrong lengths, garbage) is rejected rather than
// unrepresentable; they return OK or InvalidArgument/DataLoss naming the
// reason, never crash. A consistency proof from an empty tree (size1 = 0)
// is rejected as meaningless (as transparency-dev/merkle does).
//
// MerkleTree keeps every leaf hash (32 bytes per leaf) and an incremental
// frontier, so Append and Root are O(log n) and proofs O(n).
// Thread-compatibility: functions are thread-safe; MerkleTree is one-owner.
#ifndef DSFL_COMMON_CRYPTO_MERKLE_H_
#define DSFL_COMMON_CRYPTO_MERKLE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/merkle_hash.h"
#include "common/sha256.h"
#include "common/status.h"

namespace dsfl::crypto {

using MerkleHash = Sha256Digest;

// The hashing itself (common/merkle_hash.h), shared with the model digest.
using ::dsfl::MerkleEmptyRoot;
using ::dsfl::MerkleLeafHash;
using ::dsfl::MerkleNodeHash;

// Verifies that `leaf_hash` is leaf `leaf_index` of the tree of `tree_size`
// leaves whose root is `root` (RFC 9162 §2.1.3.2).
Status VerifyInclusionProof(uint64_t leaf_index, uint64_t tree_size,
                            std::string_view leaf_hash,
                            const std::vector<std::string>& proof,
                            std::string_view root);

// Verifies that the tree of `size1` leaves with root `root1` is a prefix of
// the tree of `size2` leaves with root `root2` (RFC 9162 §2.1.4.2).
Status VerifyConsistencyProof(uint64_t size1, uint64_t size2,
                              const std::vector<std::string>& proof,
                              std::string_view root1, std::string_view root2);

// Byte-string view of a hash, for the verifiers.
inline std::string HashBytes(const MerkleHash& h) {
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

class MerkleTree {
 public:
  MerkleTree() = default;

  void AppendLeafHash(const MerkleHash& leaf_hash);
  void AppendLeaf(std::string_view leaf_input) {
    AppendLeafHash(MerkleLeafHash(leaf_input));
  }

  uint64_t size() const { return leaves_.size(); }
  const MerkleHash& leaf_hash(uint64_t index) const { return leaves_[index]; }

  // Root of the whole tree (O(log n)).
  MerkleHash Root() const;
  // Root of the first `tree_size` leaves; InvalidArgument if beyond size().
  StatusOr<MerkleHash> RootAt(uint64_t tree_size) const;

  // PATH(leaf_index, D[0:tree_size]); InvalidArgument for an index not
  // below tree_size or tree_size beyond size().
  StatusOr<std::vector<MerkleHash>> InclusionProof(uint64_t leaf_index,
                                                   uint64_t tree_size) const;
  // PROOF(size1, D[0:size2]); InvalidArgument unless 0 < size1 <= size2 <=
  // size().
  StatusOr<std::vector<MerkleHash>> ConsistencyProof(uint64_t size1,
                                                     uint64_t size2) const;

 private:
  MerkleHash SubtreeRoot(uint64_t begin, uint64_t end) const;
  void Path(uint64_t m, uint64_t begin, uint64_t end,
            std::vector<MerkleHash>* out) const;
  void SubProof(uint64_t m, uint64_t begin, uint64_t end, bool complete,
                std::vector<MerkleHash>* out) const;

  std::vector<MerkleHash> leaves_;
  MerkleFrontier frontier_;
};

}  // namespace dsfl::crypto

#endif  // DSFL_COMMON_CRYPTO_MERKLE_H_
