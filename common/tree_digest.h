// The digest of a model payload: the RFC 9162 (Certificate Transparency
// 2.0, §2.1.1) Merkle tree hash over SHA-256 of the payload cut into
// 64 KiB leaves, the last one shorter if the size is not a multiple:
//
//   leaf hash = SHA-256(0x00 || leaf bytes)
//   node hash = SHA-256(0x01 || left || right)
//   MTH(n leaves) = node hash of MTH(first k), MTH(the rest), k the largest
//                   power of two below n; MTH(1 leaf) = its leaf hash;
//                   MTH(empty payload) = SHA-256 of nothing.
//
// Why not SHA-256 of the payload: one SHA-256 stream is latency-bound at
// ~2 GB/s per core, and hashing was a fifth of a federation round's CPU
// (docs/performance.md). Leaves are independent, so four are hashed at once
// with SHA-NI (common/sha256_lanes.h) and a whole model on several cores,
// and the domain-separated tree is as collision- and second-preimage-
// resistant as SHA-256 itself. It is the same construction as the audit
// log's checkpoints (both hash with common/merkle_hash.h); `dsfl audit
// model-digest FILE` and the Python in docs/protocol.md recompute it
// independently.
//
// TreeDigest is incremental: the digest does not depend on how the payload
// is split into Update() calls or pieces (only the speed does: four whole
// leaves in one call take the fast path). Thread-compatibility: one object
// per thread; the static functions are thread-safe.
#ifndef DSFL_COMMON_TREE_DIGEST_H_
#define DSFL_COMMON_TREE_DIGEST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "common/merkle_hash.h"
#include "common/sha256.h"

namespace dsfl {

inline constexpr size_t kTreeDigestLeafBytes = 64 * 1024;
// How files and records that carry a TreeDigest name its algorithm.
inline constexpr char kTreeDigestAlgorithm[] = "rfc9162-sha256-64KiB";

class TreeDigest {
 public:
  TreeDigest();
  ~TreeDigest();
  TreeDigest(const TreeDigest&) = delete;
  TreeDigest& operator=(const TreeDigest&) = delete;

  // Appends bytes (their concatenation, for pieces) to the payload.
  void Update(const void* data, size_t size);
  void Update(absl::Span<const std::string_view> pieces);
  // The digest of everything appended. Call once; the object is spent.
  Sha256Digest Finish();

  // One-shot digest of a payload in memory, on up to `threads` threads
  // (the calling one included) when the payload is large enough to be
  // worth it; helper threads are joined before it returns.
  static Sha256Digest Of(const void* data, size_t size, int threads = 1);

 private:
  // Hashes whole leaves from the front of `pieces` (advancing it) while at
  // least four are there; the rest is left for the single-leaf path.
  void HashLeafGroups(std::vector<std::string_view>* pieces);

  std::unique_ptr<Sha256> leaf_;  // the open leaf, or null
  size_t leaf_filled_ = 0;        // bytes in the open leaf
  MerkleFrontier tree_;           // the leaves hashed so far
};

// Convenience for callers outside the hot path: lower-case hex of Of().
std::string TreeDigestHex(std::string_view payload);

}  // namespace dsfl

#endif  // DSFL_COMMON_TREE_DIGEST_H_
