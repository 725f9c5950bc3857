#include "common/crypto/merkle.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace dsfl::crypto {
namespace {

// Largest power of two strictly smaller than n (n >= 2).
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

Status Fail(const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("Merkle proof: ", why));
}

Status CheckHashSizes(const std::vector<std::string>& proof) {
  for (size_t i = 0; i < proof.size(); ++i) {
    if (proof[i].size() != 32) {
      return Fail(absl::StrCat("proof element ", i, " has ", proof[i].size(),
                               " bytes, expected 32"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Status VerifyInclusionProof(uint64_t leaf_index, uint64_t tree_size,
                            std::string_view leaf_hash,
                            const std::vector<std::string>& proof,
                            std::string_view root) {
  // §2.1.3.2 step 1.
  if (leaf_index >= tree_size) {
    return Fail(absl::StrCat("leaf index ", leaf_index,
                             " is not below tree size ", tree_size));
  }
  if (leaf_hash.size() != 32) {
    return Fail(absl::StrCat("leaf hash has ", leaf_hash.size(),
                             " bytes, expected 32"));
  }
  DSFL_RETURN_IF_ERROR(CheckHashSizes(proof));
  // Steps 2-4.
  uint64_t fn = leaf_index;
  uint64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  for (const std::string& p : proof) {
    if (sn == 0) return Fail("proof is longer than the tree is deep");
    if ((fn & 1) == 1 || fn == sn) {
      r = HashBytes(MerkleNodeHash(p, r));
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashBytes(MerkleNodeHash(r, p));
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  if (sn != 0) return Fail("proof is shorter than the tree is deep");
  if (r != root) return Fail("computed root does not match the expected root");
  return absl::OkStatus();
}

Status VerifyConsistencyProof(uint64_t size1, uint64_t size2,
                              const std::vector<std::string>& proof,
                              std::string_view root1, std::string_view root2) {
  if (size2 < size1) {
    return Fail(absl::StrCat("size1 ", size1, " exceeds size2 ", size2));
  }
  if (size1 == 0) {
    return Fail("a consistency proof from the empty tree proves nothing");
  }
  if (size1 == size2) {
    if (!proof.empty())
      return Fail("sizes are equal but the proof is not empty");
    if (root1 != root2) return Fail("sizes are equal but the roots differ");
    return absl::OkStatus();
  }
  // §2.1.4.2 step 1.
  if (proof.empty()) return Fail("empty consistency proof");
  DSFL_RETURN_IF_ERROR(CheckHashSizes(proof));
  if (root1.size() != 32 || root2.size() != 32) {
    return Fail("roots must be 32 bytes");
  }
  // Step 2: if size1 is a power of two, prepend root1.
  std::vector<std::string> path;
  if ((size1 & (size1 - 1)) == 0) path.emplace_back(root1);
  path.insert(path.end(), proof.begin(), proof.end());
  // Steps 3-4.
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // Step 5.
  std::string fr = path[0];
  std::string sr = path[0];
  // Step 6.
  for (size_t i = 1; i < path.size(); ++i) {
    const std::string& c = path[i];
    if (sn == 0) return Fail("proof is longer than needed");
    if ((fn & 1) == 1 || fn == sn) {
      fr = HashBytes(MerkleNodeHash(c, fr));
      sr = HashBytes(MerkleNodeHash(c, sr));
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashBytes(MerkleNodeHash(sr, c));
    }
    fn >>= 1;
    sn >>= 1;
  }
  // Step 7.
  if (sn != 0) return Fail("proof is shorter than needed");
  if (fr != root1) return Fail("computed first root does not match root1");
  if (sr != root2) return Fail("computed second root does not match root2");
  return absl::OkStatus();
}

void MerkleTree::AppendLeafHash(const MerkleHash& leaf_hash) {
  leaves_.push_back(leaf_hash);
  frontier_.Append(leaf_hash);
}

MerkleHash MerkleTree::Root() const { return frontier_.Root(); }

StatusOr<MerkleHash> MerkleTree::RootAt(uint64_t tree_size) const {
  if (tree_size > size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "tree size ", tree_size, " exceeds the ", size(), " leaves held"));
  }
  if (tree_size == size()) return Root();
  if (tree_size == 0) return MerkleEmptyRoot();
  return SubtreeRoot(0, tree_size);
}

MerkleHash MerkleTree::SubtreeRoot(uint64_t begin, uint64_t end) const {
  const uint64_t n = end - begin;
  if (n == 1) return leaves_[begin];
  const uint64_t k = SplitPoint(n);
  return MerkleNodeHash(SubtreeRoot(begin, begin + k),
                        SubtreeRoot(begin + k, end));
}

void MerkleTree::Path(uint64_t m, uint64_t begin, uint64_t end,
                      std::vector<MerkleHash>* out) const {
  const uint64_t n = end - begin;
  if (n <= 1) return;
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    Path(m, begin, begin + k, out);
    out->push_back(SubtreeRoot(begin + k, end));
  } else {
    Path(m - k, begin + k, end, out);
    out->push_back(SubtreeRoot(begin, begin + k));
  }
}

void MerkleTree::SubProof(uint64_t m, uint64_t begin, uint64_t end,
                          bool complete, std::vector<MerkleHash>* out) const {
  const uint64_t n = end - begin;
  if (m == n) {
    if (!complete) out->push_back(SubtreeRoot(begin, end));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(m, begin, begin + k, complete, out);
    out->push_back(SubtreeRoot(begin + k, end));
  } else {
    SubProof(m - k, begin + k, end, false, out);
    out->push_back(SubtreeRoot(begin, begin + k));
  }
}

StatusOr<std::vector<MerkleHash>> MerkleTree::InclusionProof(
    uint64_t leaf_index, uint64_t tree_size) const {
  if (tree_size > size() || leaf_index >= tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "no inclusion proof for leaf ", leaf_index, " in a tree of size ",
        tree_size, " (", size(), " leaves held)"));
  }
  std::vector<MerkleHash> out;
  Path(leaf_index, 0, tree_size, &out);
  return out;
}

StatusOr<std::vector<MerkleHash>> MerkleTree::ConsistencyProof(
    uint64_t size1, uint64_t size2) const {
  if (size1 == 0 || size1 > size2 || size2 > size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no consistency proof from size ", size1, " to size ",
                     size2, " (", size(), " leaves held)"));
  }
  std::vector<MerkleHash> out;
  if (size1 < size2) SubProof(size1, 0, size2, true, &out);
  return out;
}

}  // namespace dsfl::crypto
