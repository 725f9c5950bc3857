#include "common/model_stream.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/bfloat16.h"
#include "common/model_buffer_pool.h"

namespace dsfl {

namespace {

StreamHeader HeaderOf(const FlatModel& model, const Sha256Digest& digest,
                      uint32_t chunk_bytes, WireFormat format) {
  StreamHeader header;
  header.spec = model.spec;
  header.total_bytes = model.values.size() * sizeof(float);
  header.digest = digest;
  header.chunk_bytes = chunk_bytes;
  header.wire_format = format;
  return header;
}

}  // namespace

const char* WireFormatName(WireFormat format) {
  return format == WireFormat::kBfloat16 ? "bfloat16" : "float32";
}

FlatModel ForWire(FlatModel model, WireFormat format) {
  if (format == WireFormat::kBfloat16) RoundToBfloat16(&model.values);
  return model;
}

StreamHeader MakeStreamHeader(const HashedModel& model, uint32_t chunk_bytes,
                              WireFormat format) {
  return HeaderOf(model.model(), model.digest(), chunk_bytes, format);
}

StreamHeader MakeStreamHeader(const FlatModel& model, uint32_t chunk_bytes) {
  return HeaderOf(model, ModelDigest(model), chunk_bytes, WireFormat::kFloat32);
}

ChunkCursor::ChunkCursor(const void* payload, uint64_t total_bytes,
                         uint32_t chunk_bytes)
    : payload_(static_cast<const char*>(payload)),
      total_bytes_(total_bytes),
      chunk_bytes_(chunk_bytes) {}

ChunkCursor::ChunkCursor(const FlatModel& model, uint32_t chunk_bytes)
    : ChunkCursor(model.values.data(), model.values.size() * sizeof(float),
                  chunk_bytes) {}

ChunkCursor::ChunkCursor(const HashedModel& model, uint32_t chunk_bytes,
                         WireFormat format)
    : ChunkCursor(model.model(), chunk_bytes) {
  format_ = format;
}

bool ChunkCursor::Next(ChunkView* chunk) {
  if (offset_ >= total_bytes_) return false;
  uint64_t size = std::min<uint64_t>(chunk_bytes_, total_bytes_ - offset_);
  chunk->offset = offset_;
  chunk->bytes = std::string_view(payload_ + offset_, size);
  if (format_ == WireFormat::kBfloat16) {
    const size_t count = size / sizeof(float);
    encoded_.resize(count * 2);
    // Only the HashedModel constructor sets kBfloat16: the payload is the
    // model's float buffer, aligned.
    EncodeBfloat16(reinterpret_cast<const float*>(payload_ + offset_), count,
                   encoded_.data());
    chunk->bytes = std::string_view(encoded_.data(), encoded_.size());
  }
  offset_ += size;
  return true;
}

uint64_t ChunkCursor::chunk_count() const {
  return (total_bytes_ + chunk_bytes_ - 1) / chunk_bytes_;
}

void AdviseHugePages(void* data, size_t bytes) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  const uintptr_t begin =
      (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end =
      (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) {
    (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
}

FlatModelSink::FlatModelSink(const ModelSpec& spec) {
  model_.spec = spec;
  model_.values = ModelBufferPool::Shared().Take(spec.total_numel());
}

Status FlatModelSink::Consume(uint64_t first_element, const char* values,
                              size_t count) {
  std::memcpy(model_.values.data() + first_element, values,
              count * sizeof(float));
  return absl::OkStatus();
}

Status ChunkSink::ConsumePieces(uint64_t first_element,
                                absl::Span<const std::string_view> pieces) {
  return ForEachFloatRun(pieces, [&](const char* values, size_t count) {
    DSFL_RETURN_IF_ERROR(Consume(first_element, values, count));
    first_element += count;
    return absl::OkStatus();
  });
}

namespace {

constexpr uint32_t kExponentBits = 0x7f800000u;

// Non-zero iff one of the 16 floats at `p` is NaN or Inf. The fixed trip
// count lets GCC vectorise this at -O2 (its "very cheap" cost model only
// vectorises loops whose count is a known multiple of the vector width).
inline uint32_t AnyNonFinite16(const char* p) {
  uint32_t bits[16];
  std::memcpy(bits, p, sizeof(bits));
  uint32_t any = 0;
  for (int i = 0; i < 16; ++i) {
    any |= static_cast<uint32_t>((bits[i] & kExponentBits) == kExponentBits);
  }
  return any;
}

inline bool IsNonFinite(const char* p) {
  uint32_t bits;
  std::memcpy(&bits, p, sizeof(bits));
  return (bits & kExponentBits) == kExponentBits;
}

}  // namespace

size_t FindNonFinite(const char* values, size_t count) {
  // A float is non-finite exactly when its exponent bits are all ones.
  // Blocks of 16 are tested branch-free; only a block that contains a
  // non-finite value is searched element by element.
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
    if (AnyNonFinite16(values + i * sizeof(float)) != 0) {
      for (size_t j = i; j < i + 16; ++j) {
        if (IsNonFinite(values + j * sizeof(float))) return j;
      }
    }
  }
  for (; i < count; ++i) {
    if (IsNonFinite(values + i * sizeof(float))) return i;
  }
  return count;
}

ModelStreamReceiver::ModelStreamReceiver(StreamHeader header)
    : header_(std::move(header)), hash_(std::make_unique<TreeDigest>()) {
  uint64_t start = 0;
  for (const TensorSpec& t : header_.spec.tensors()) {
    tensor_starts_.push_back(start);
    start += t.numel();
  }
}

StatusOr<ModelStreamReceiver> ModelStreamReceiver::Start(
    StreamHeader header, const ModelSpec* expected,
    const ReceiveLimits& limits) {
  DSFL_RETURN_IF_ERROR(header.spec.Validate());
  if (expected != nullptr) {
    DSFL_RETURN_IF_ERROR(expected->CheckSameAs(header.spec));
  }
  if (header.total_bytes != header.spec.byte_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("model header announces ", header.total_bytes,
                     " bytes but its tensors hold ", header.spec.byte_size()));
  }
  if (header.total_bytes > limits.max_total_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("model of ", header.total_bytes,
                     " bytes exceeds the limit of ", limits.max_total_bytes));
  }
  if (header.chunk_bytes % sizeof(float) != 0 ||
      header.chunk_bytes < limits.min_chunk_bytes ||
      header.chunk_bytes > limits.max_chunk_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "chunk size ", header.chunk_bytes, " must be a multiple of 4 in [",
        limits.min_chunk_bytes, ", ", limits.max_chunk_bytes, "]"));
  }
  return ModelStreamReceiver(std::move(header));
}

std::string ModelStreamReceiver::DescribeElement(uint64_t element) const {
  auto it =
      std::upper_bound(tensor_starts_.begin(), tensor_starts_.end(), element);
  size_t index = static_cast<size_t>(it - tensor_starts_.begin()) - 1;
  return absl::StrCat("tensor '", header_.spec.tensors()[index].name,
                      "' element ", element - tensor_starts_[index]);
}

Status ModelStreamReceiver::CheckPlacement(uint64_t offset, size_t size,
                                           uint64_t* float_bytes) const {
  if (offset != next_offset_) {
    return absl::DataLossError(absl::StrCat("chunk at byte offset ", offset,
                                            ", expected ", next_offset_));
  }
  *float_bytes = std::min<uint64_t>(header_.chunk_bytes,
                                    header_.total_bytes - next_offset_);
  if (header_.wire_format == WireFormat::kBfloat16) {
    if (size * 2 != *float_bytes) {
      return absl::DataLossError(
          absl::StrCat("bfloat16 chunk at byte offset ", offset, " has ", size,
                       " bytes, expected ", *float_bytes / 2));
    }
  } else if (size != *float_bytes) {
    return absl::DataLossError(absl::StrCat("chunk at byte offset ", offset,
                                            " has ", size, " bytes, expected ",
                                            *float_bytes));
  }
  return absl::OkStatus();
}

Status ModelStreamReceiver::OnChunk(uint64_t offset, std::string_view bytes,
                                    ChunkSink* sink) {
  uint64_t float_bytes;
  DSFL_RETURN_IF_ERROR(CheckPlacement(offset, bytes.size(), &float_bytes));
  if (header_.wire_format == WireFormat::kBfloat16) {
    // Widened exactly into a reused buffer; from here on it is float32.
    widened_.resize(float_bytes / sizeof(float));
    DecodeBfloat16(bytes.data(), widened_.size(), widened_.data());
    bytes = std::string_view(reinterpret_cast<const char*>(widened_.data()),
                             float_bytes);
  }
  DSFL_RETURN_IF_ERROR(Accept(offset, absl::MakeConstSpan(&bytes, 1)));
  return sink->Consume(offset / sizeof(float), bytes.data(),
                       bytes.size() / sizeof(float));
}

Status ModelStreamReceiver::OnChunk(uint64_t offset,
                                    absl::Span<const std::string_view> pieces,
                                    ChunkSink* sink) {
  if (pieces.size() == 1) return OnChunk(offset, pieces[0], sink);
  if (header_.wire_format == WireFormat::kBfloat16) {
    joined_.clear();
    for (std::string_view piece : pieces) joined_.append(piece);
    return OnChunk(offset, joined_, sink);
  }
  size_t size = 0;
  for (std::string_view piece : pieces) size += piece.size();
  uint64_t float_bytes;
  DSFL_RETURN_IF_ERROR(CheckPlacement(offset, size, &float_bytes));
  DSFL_RETURN_IF_ERROR(Accept(offset, pieces));
  return sink->ConsumePieces(offset / sizeof(float), pieces);
}

Status ModelStreamReceiver::Accept(uint64_t offset,
                                   absl::Span<const std::string_view> pieces) {
  uint64_t element = offset / sizeof(float);
  DSFL_RETURN_IF_ERROR(ForEachFloatRun(pieces, [&](const char* values,
                                                   size_t count) {
    const size_t bad = FindNonFinite(values, count);
    if (bad != count) {
      return absl::DataLossError(absl::StrCat(
          "non-finite value (NaN or Inf) in ", DescribeElement(element + bad)));
    }
    element += count;
    return absl::OkStatus();
  }));
  // The whole chunk in one call: its leaves are hashed four at a time.
  hash_->Update(pieces);
  for (std::string_view piece : pieces) next_offset_ += piece.size();
  return absl::OkStatus();
}

Status ModelStreamReceiver::Finish() {
  if (next_offset_ != header_.total_bytes) {
    return absl::DataLossError(absl::StrCat("model stream ended after ",
                                            next_offset_, " of ",
                                            header_.total_bytes, " bytes"));
  }
  Sha256Digest digest = hash_->Finish();
  if (digest != header_.digest) {
    return absl::DataLossError(absl::StrCat("model digest mismatch: received ",
                                            ToHex(digest), ", header says ",
                                            ToHex(header_.digest)));
  }
  return absl::OkStatus();
}

}  // namespace dsfl
