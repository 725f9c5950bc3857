#include "common/merkle_hash.h"

namespace dsfl {

Sha256Digest MerkleEmptyRoot() { return Sha256::Of(""); }

Sha256Digest MerkleLeafHash(std::string_view leaf_input) {
  Sha256 h;
  const uint8_t prefix = 0x00;
  h.Update(&prefix, 1);
  h.Update(leaf_input);
  return h.Finish();
}

Sha256Digest MerkleNodeHash(std::string_view left, std::string_view right) {
  Sha256 h;
  const uint8_t prefix = 0x01;
  h.Update(&prefix, 1);
  h.Update(left);
  h.Update(right);
  return h.Finish();
}

Sha256Digest MerkleNodeHash(const Sha256Digest& left,
                            const Sha256Digest& right) {
  auto bytes = [](const Sha256Digest& d) {
    return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
  };
  return MerkleNodeHash(bytes(left), bytes(right));
}

void MerkleFrontier::Append(const Sha256Digest& leaf_hash) {
  Sha256Digest h = leaf_hash;
  size_t level = 0;
  // Adding one to the count carries through its trailing ones: each carry
  // joins two equal perfect subtrees.
  while ((size_ >> level & 1) == 1) {
    h = MerkleNodeHash(levels_[level], h);
    ++level;
  }
  if (levels_.size() <= level) levels_.resize(level + 1);
  levels_[level] = h;
  ++size_;
}

Sha256Digest MerkleFrontier::Root() const {
  if (size_ == 0) return MerkleEmptyRoot();
  // RFC 9162's split at the largest power of two is exactly the subtrees
  // folded from the smallest up.
  bool have = false;
  Sha256Digest result{};
  for (size_t level = 0; level < levels_.size(); ++level) {
    if ((size_ >> level & 1) == 0) continue;
    result = have ? MerkleNodeHash(levels_[level], result) : levels_[level];
    have = true;
  }
  return result;
}

}  // namespace dsfl
