// A model as the federation sees it: an ordered list of named float32 tensors
// stored back to back in one contiguous buffer.
//
// The flat layout is what travels on the wire (chunked) and what the master
// aggregates: tensor i occupies values[offset(i), offset(i) + numel(i)).
// The master never needs libtorch; slaves map tensors to torch parameters by
// name and order.
//
// Thread-compatibility: plain values; no internal synchronisation.
#ifndef DSFL_COMMON_FLAT_MODEL_H_
#define DSFL_COMMON_FLAT_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"

namespace dsfl {

// Only float32 travels today; the enum leaves room for fp16/bf16 on the wire.
enum class DType { kFloat32 = 1 };

struct TensorSpec {
  std::string name;
  std::vector<int64_t> shape;
  DType dtype = DType::kFloat32;

  // Number of elements (1 for a scalar with an empty shape).
  uint64_t numel() const;
  bool operator==(const TensorSpec& other) const;
};

// Ordered tensor specs. Validate() rejects empty or duplicate names, negative
// dimensions and sizes that overflow 64 bits.
class ModelSpec {
 public:
  ModelSpec() = default;
  explicit ModelSpec(std::vector<TensorSpec> tensors);

  const std::vector<TensorSpec>& tensors() const { return tensors_; }
  uint64_t total_numel() const;
  uint64_t byte_size() const { return total_numel() * sizeof(float); }

  Status Validate() const;
  // Returns OK when `other` has the same names, shapes and dtypes in the same
  // order; otherwise an error naming the first differing tensor.
  Status CheckSameAs(const ModelSpec& other) const;

  bool operator==(const ModelSpec& other) const {
    return tensors_ == other.tensors_;
  }

 private:
  std::vector<TensorSpec> tensors_;
};

struct FlatModel {
  ModelSpec spec;
  std::vector<float> values;  // size == spec.total_numel()
};

// The TreeDigest (common/tree_digest.h: RFC 9162 Merkle tree hash over
// SHA-256 of 64 KiB leaves) of the model's raw little-endian float32 bytes:
// the digest that the wire header, checkpoints and logs use for a model.
// Large models are hashed on up to four threads (joined before it returns).
Sha256Digest ModelDigest(const FlatModel& model);
// The same in lower-case hex.
std::string ModelDigestHex(const FlatModel& model);

// A model and its ModelDigest, computed (or verified) once by whoever made
// the model and passed along with it, so that a model that is sent to many
// peers, audited and checkpointed is hashed once: the master's global model
// once per round (not once per slave), a slave's received model by the
// stream check that verified it, a noop update not at all (it is the
// received model). The model cannot be changed through this class, so the
// digest cannot go stale. Thread-compatibility: a plain value.
class HashedModel {
 public:
  // An empty model (and the digest of no bytes).
  HashedModel();
  // Hashes `model` (ModelDigest).
  explicit HashedModel(FlatModel model);
  // Takes `digest` as the ModelDigest of `model`: the caller has computed or
  // verified it over exactly these bytes (e.g. ModelStreamReceiver::Finish).
  HashedModel(FlatModel model, const Sha256Digest& digest);
  // Move-only, so that a model-sized copy is always spelled out.
  HashedModel(HashedModel&&) = default;
  HashedModel& operator=(HashedModel&&) = default;
  HashedModel(const HashedModel&) = delete;
  HashedModel& operator=(const HashedModel&) = delete;

  const FlatModel& model() const { return model_; }
  const Sha256Digest& digest() const { return digest_; }
  std::string digest_hex() const { return ToHex(digest_); }
  // Gives up the model, e.g. to train from it without a copy.
  FlatModel Release() && { return std::move(model_); }

 private:
  FlatModel model_;
  Sha256Digest digest_;
};

}  // namespace dsfl

#endif  // DSFL_COMMON_FLAT_MODEL_H_
