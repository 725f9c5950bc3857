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

// Lower-case hex SHA-256 of the model's raw little-endian float32 bytes: the
// digest that the wire header, checkpoints and logs use for a model.
std::string ModelDigestHex(const FlatModel& model);

}  // namespace dsfl

#endif  // DSFL_COMMON_FLAT_MODEL_H_
