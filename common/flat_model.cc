#include "common/flat_model.h"

#include <algorithm>
#include <limits>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/sha256.h"
#include "common/tree_digest.h"

namespace dsfl {
namespace {

std::string ShapeString(const std::vector<int64_t>& shape) {
  return absl::StrCat("[", absl::StrJoin(shape, ","), "]");
}

}  // namespace

uint64_t TensorSpec::numel() const {
  uint64_t n = 1;
  for (int64_t d : shape) n *= static_cast<uint64_t>(d);
  return n;
}

bool TensorSpec::operator==(const TensorSpec& other) const {
  return name == other.name && shape == other.shape && dtype == other.dtype;
}

ModelSpec::ModelSpec(std::vector<TensorSpec> tensors)
    : tensors_(std::move(tensors)) {}

uint64_t ModelSpec::total_numel() const {
  uint64_t n = 0;
  for (const TensorSpec& t : tensors_) n += t.numel();
  return n;
}

Status ModelSpec::Validate() const {
  if (tensors_.empty()) {
    return absl::InvalidArgumentError("model has no tensors");
  }
  std::set<std::string> names;
  // Bytes must fit in uint64 including the float32 factor.
  constexpr uint64_t kMaxElements =
      std::numeric_limits<uint64_t>::max() / sizeof(float);
  uint64_t total = 0;
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const TensorSpec& t = tensors_[i];
    if (t.name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor #", i, " has an empty name"));
    }
    if (!names.insert(t.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor name '", t.name, "' appears twice"));
    }
    if (t.dtype != DType::kFloat32) {
      return absl::InvalidArgumentError(absl::StrCat(
          "tensor '", t.name, "' has an unsupported dtype (only float32)"));
    }
    uint64_t n = 1;
    for (int64_t d : t.shape) {
      if (d < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("tensor '", t.name, "' has a negative dimension in ",
                         ShapeString(t.shape)));
      }
      if (d != 0 && n > kMaxElements / static_cast<uint64_t>(d)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tensor '", t.name, "' shape ", ShapeString(t.shape),
            " overflows 64-bit sizes"));
      }
      n *= static_cast<uint64_t>(d);
    }
    if (total > kMaxElements - n) {
      return absl::InvalidArgumentError("model size overflows 64-bit sizes");
    }
    total += n;
  }
  return absl::OkStatus();
}

Status ModelSpec::CheckSameAs(const ModelSpec& other) const {
  if (tensors_.size() != other.tensors_.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("model has ", other.tensors_.size(),
                     " tensors, expected ", tensors_.size()));
  }
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const TensorSpec& want = tensors_[i];
    const TensorSpec& got = other.tensors_[i];
    if (want.name != got.name) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor #", i, " is named '", got.name,
                       "', expected '", want.name, "'"));
    }
    if (want.shape != got.shape) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor '", want.name, "' has shape ",
                       ShapeString(got.shape), ", expected ",
                       ShapeString(want.shape)));
    }
    if (want.dtype != got.dtype) {
      return absl::InvalidArgumentError(
          absl::StrCat("tensor '", want.name, "' has the wrong dtype"));
    }
  }
  return absl::OkStatus();
}

Sha256Digest ModelDigest(const FlatModel& model) {
  // At most four threads, so that one digest does not take over a big
  // machine that is doing other work.
  const int threads =
      static_cast<int>(std::min(4u, std::thread::hardware_concurrency()));
  return TreeDigest::Of(model.values.data(),
                        model.values.size() * sizeof(float), threads);
}

std::string ModelDigestHex(const FlatModel& model) {
  return ToHex(ModelDigest(model));
}

HashedModel::HashedModel() : HashedModel(FlatModel()) {}

HashedModel::HashedModel(FlatModel model)
    : model_(std::move(model)), digest_(ModelDigest(model_)) {}

HashedModel::HashedModel(FlatModel model, const Sha256Digest& digest)
    : model_(std::move(model)), digest_(digest) {}

}  // namespace dsfl
