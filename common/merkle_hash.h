// RFC 9162 (Certificate Transparency 2.0, §2.1.1) Merkle tree hashing over
// SHA-256: the one definition shared by the model digest
// (common/tree_digest.h) and the audit log's checkpoints and proofs
// (common/crypto/merkle.h).
//
//   MTH({})     = SHA-256("")
//   leaf hash   = SHA-256(0x00 || leaf input)
//   node hash   = SHA-256(0x01 || left || right)
//
// MerkleFrontier builds the root of a growing list of leaf hashes in
// O(log n) memory: it keeps one perfect subtree root per set bit of the
// leaf count. Thread-compatibility: functions are thread-safe;
// MerkleFrontier is one-owner.
#ifndef DSFL_COMMON_MERKLE_HASH_H_
#define DSFL_COMMON_MERKLE_HASH_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/sha256.h"

namespace dsfl {

Sha256Digest MerkleEmptyRoot();
Sha256Digest MerkleLeafHash(std::string_view leaf_input);
Sha256Digest MerkleNodeHash(const Sha256Digest& left,
                            const Sha256Digest& right);
// The same over byte strings (the proof verifiers' untrusted input); the
// caller checks that they are 32 bytes.
Sha256Digest MerkleNodeHash(std::string_view left, std::string_view right);

class MerkleFrontier {
 public:
  void Append(const Sha256Digest& leaf_hash);
  uint64_t size() const { return size_; }
  // MTH of the leaves appended so far (MerkleEmptyRoot() for none).
  Sha256Digest Root() const;

 private:
  uint64_t size_ = 0;
  // levels_[i] is the root of a complete subtree of 2^i leaves, present
  // when bit i of size_ is set.
  std::vector<Sha256Digest> levels_;
};

}  // namespace dsfl

#endif  // DSFL_COMMON_MERKLE_HASH_H_
