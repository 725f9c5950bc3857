// Chunked streaming of FlatModels: the transport-independent half of the
// wire codec (docs/protocol.md).
//
// Sender: MakeStreamHeader() describes a payload (tensor specs, byte size,
// ModelDigest of the whole payload, chunk grid); ChunkCursor walks the payload
// in grid-aligned chunks as views (no copies).
//
// Receiver: ModelStreamReceiver checks the header (valid spec, size
// consistent with the spec, optional expected spec, size limit, chunk grid)
// and then each chunk *before* handing it on: offset and size must be the
// next grid cell, and every value must be finite. Valid chunks go to a
// ChunkSink with their float offset; Finish() checks that the payload is
// complete and its digest matches the header (so after an OK Finish(),
// header().digest is the verified digest of what the sink received). Sizes
// are 64-bit throughout: there is no 2 GiB or 4 GiB limit.
//
// Errors: InvalidArgument for header problems and shape mismatches (naming
// the tensor), DataLoss for bad offsets, sizes, non-finite values (naming
// the tensor and element) and digest mismatches, plus whatever the sink
// returns. After an error the receiver must not be used again.
// Thread-compatibility: one receiver per stream.
#ifndef DSFL_COMMON_MODEL_STREAM_H_
#define DSFL_COMMON_MODEL_STREAM_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "common/flat_model.h"
#include "common/sha256.h"
#include "common/status.h"
#include "common/tree_digest.h"

namespace dsfl {

inline constexpr uint32_t kDefaultChunkBytes = 1u << 20;  // 1 MiB

// How values travel: float32 (4 bytes each), or bfloat16 (2 bytes each,
// common/bfloat16.h; the model must be rounded to bfloat16 first). Sizes,
// offsets, the chunk grid and the digest always refer to the float32
// payload; a bfloat16 chunk carries half the grid cell's bytes.
enum class WireFormat { kFloat32 = 0, kBfloat16 = 1 };
// "float32" or "bfloat16".
const char* WireFormatName(WireFormat format);
// `model` as it must be before it travels in `format`: unchanged for
// float32, rounded to bfloat16 values otherwise (common/bfloat16.h).
FlatModel ForWire(FlatModel model, WireFormat format);

struct StreamHeader {
  ModelSpec spec;
  uint64_t total_bytes = 0;  // of the float32 payload
  Sha256Digest digest{};     // ModelDigest of the float32 payload
  uint32_t chunk_bytes = kDefaultChunkBytes;
  WireFormat wire_format = WireFormat::kFloat32;
};

// The header of `model`'s payload, with its known digest (no hashing).
StreamHeader MakeStreamHeader(const HashedModel& model,
                              uint32_t chunk_bytes = kDefaultChunkBytes,
                              WireFormat format = WireFormat::kFloat32);
// The same for a bare model: hashes its payload (ModelDigest).
StreamHeader MakeStreamHeader(const FlatModel& model,
                              uint32_t chunk_bytes = kDefaultChunkBytes);

struct ChunkView {
  uint64_t offset = 0;  // bytes
  std::string_view bytes;
};

// Walks a payload in chunks of the header's grid. The payload must outlive
// the cursor.
class ChunkCursor {
 public:
  ChunkCursor(const void* payload, uint64_t total_bytes, uint32_t chunk_bytes);
  explicit ChunkCursor(const FlatModel& model,
                       uint32_t chunk_bytes = kDefaultChunkBytes);
  // The chunks of `model` as they travel in `format`, with offsets in the
  // float32 payload either way: views into the model (float32), or each
  // chunk encoded into a buffer of the cursor's (bfloat16; the view is
  // valid until the next Next(), so a model sent to many receivers is never
  // held twice).
  ChunkCursor(const HashedModel& model, uint32_t chunk_bytes,
              WireFormat format);

  // Returns false when all chunks were returned.
  bool Next(ChunkView* chunk);
  uint64_t chunk_count() const;

 private:
  const char* payload_;
  uint64_t total_bytes_;
  uint32_t chunk_bytes_;
  uint64_t offset_ = 0;
  WireFormat format_ = WireFormat::kFloat32;
  std::string encoded_;  // the current chunk in bfloat16
};

// Receives validated chunk contents. `values` may be unaligned in memory;
// read it with memcpy (or use CopyFloats). `first_element` is the index of
// values[0] in the flat model.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  virtual Status Consume(uint64_t first_element, const char* values,
                         size_t count) = 0;
  // The same for a chunk that arrived in pieces (their concatenation is the
  // values; a float may straddle two pieces). The default calls Consume()
  // once per run of whole floats (ForEachFloatRun); a sink that needs a
  // chunk in one call overrides it.
  virtual Status ConsumePieces(uint64_t first_element,
                               absl::Span<const std::string_view> pieces);
};

// Calls fn(values, count) -> Status for the concatenation of `pieces` as
// consecutive runs of whole float32s, in order: a float that straddles two
// pieces is assembled and passed as a run of one. Stops at the first error.
// The pieces' total size must be a multiple of 4.
template <typename Fn>
Status ForEachFloatRun(absl::Span<const std::string_view> pieces, Fn&& fn) {
  char straddling[sizeof(float)];
  size_t carried = 0;  // bytes of `straddling` filled
  for (std::string_view piece : pieces) {
    if (carried > 0) {
      const size_t n = std::min(sizeof(float) - carried, piece.size());
      std::memcpy(straddling + carried, piece.data(), n);
      carried += n;
      piece.remove_prefix(n);
      if (carried < sizeof(float)) continue;
      DSFL_RETURN_IF_ERROR(fn(static_cast<const char*>(straddling), 1));
      carried = 0;
    }
    const size_t whole = piece.size() / sizeof(float);
    if (whole > 0) DSFL_RETURN_IF_ERROR(fn(piece.data(), whole));
    carried = piece.size() - whole * sizeof(float);
    std::memcpy(straddling, piece.data() + whole * sizeof(float), carried);
  }
  return absl::OkStatus();
}

// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes)
// with transparent huge pages (madvise MADV_HUGEPAGE; a no-op when THP is
// off or the range holds no whole huge page). For model-sized buffers that
// are filled right after allocation: 512x fewer page faults (measured:
// page faults were ~15% of a slave's CPU receiving a 200 MB model).
void AdviseHugePages(void* data, size_t bytes);

// Copies chunks into a FlatModel preallocated from the header's spec (its
// buffer from ModelBufferPool::Shared(): reused, or advised for huge pages).
class FlatModelSink : public ChunkSink {
 public:
  explicit FlatModelSink(const ModelSpec& spec);
  Status Consume(uint64_t first_element, const char* values,
                 size_t count) override;
  FlatModel Release() { return std::move(model_); }

 private:
  FlatModel model_;
};

struct ReceiveLimits {
  uint64_t max_total_bytes = UINT64_MAX;
  uint32_t min_chunk_bytes = 4096;
  uint32_t max_chunk_bytes = 4u << 20;
};

class ModelStreamReceiver {
 public:
  // `expected` may be null (accept any valid spec).
  static StatusOr<ModelStreamReceiver> Start(StreamHeader header,
                                             const ModelSpec* expected,
                                             const ReceiveLimits& limits = {});

  Status OnChunk(uint64_t offset, std::string_view bytes, ChunkSink* sink);
  // The same for a chunk that arrived in pieces (their concatenation is the
  // chunk), checked and hashed where they are and handed to
  // sink->ConsumePieces(): no copy. (bfloat16 pieces are joined first.)
  Status OnChunk(uint64_t offset, absl::Span<const std::string_view> pieces,
                 ChunkSink* sink);
  Status Finish();

  const StreamHeader& header() const { return header_; }
  uint64_t received_bytes() const { return next_offset_; }

  ModelStreamReceiver(ModelStreamReceiver&&) = default;
  ModelStreamReceiver& operator=(ModelStreamReceiver&&) = default;

 private:
  explicit ModelStreamReceiver(StreamHeader header);
  // Checks that a chunk of `size` bytes on the wire may come at `offset`;
  // sets *float_bytes to its size as float32s.
  Status CheckPlacement(uint64_t offset, size_t size,
                        uint64_t* float_bytes) const;
  // Checks the values of the float32 chunk `pieces` at `offset` and hashes
  // it (the sink is the caller's).
  Status Accept(uint64_t offset, absl::Span<const std::string_view> pieces);
  // Names the tensor holding flat element `element` (for error messages).
  std::string DescribeElement(uint64_t element) const;

  StreamHeader header_;
  std::unique_ptr<TreeDigest> hash_;
  uint64_t next_offset_ = 0;
  std::vector<uint64_t> tensor_starts_;  // element offsets per tensor
  std::vector<float> widened_;  // the current bfloat16 chunk as float32
  std::string joined_;          // the current chunk's pieces, when joined
};

// Index of the first non-finite float among `count` (possibly unaligned)
// values, or `count` when all are finite.
size_t FindNonFinite(const char* values, size_t count);

}  // namespace dsfl

#endif  // DSFL_COMMON_MODEL_STREAM_H_
