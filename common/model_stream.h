// Chunked streaming of FlatModels: the transport-independent half of the
// wire codec (docs/protocol.md).
//
// Sender: MakeStreamHeader() describes a payload (tensor specs, byte size,
// SHA-256 of the whole payload, via ModelDigestCache, chunk grid); ChunkCursor
// walks the payload in grid-aligned chunks as views (no copies).
//
// Receiver: ModelStreamReceiver checks the header (valid spec, size
// consistent with the spec, optional expected spec, size limit, chunk grid)
// and then each chunk *before* handing it on: offset and size must be the
// next grid cell, and every value must be finite. Valid chunks go to a
// ChunkSink with their float offset; Finish() checks that the payload is
// complete and its digest matches the header. Sizes are 64-bit throughout:
// there is no 2 GiB or 4 GiB limit.
//
// Errors: InvalidArgument for header problems and shape mismatches (naming
// the tensor), DataLoss for bad offsets, sizes, non-finite values (naming
// the tensor and element) and digest mismatches, plus whatever the sink
// returns. After an error the receiver must not be used again.
// Thread-compatibility: one receiver per stream.
#ifndef DSFL_COMMON_MODEL_STREAM_H_
#define DSFL_COMMON_MODEL_STREAM_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "common/flat_model.h"
#include "common/sha256.h"
#include "common/status.h"

namespace dsfl {

inline constexpr uint32_t kDefaultChunkBytes = 1u << 20;  // 1 MiB

struct StreamHeader {
  ModelSpec spec;
  uint64_t total_bytes = 0;
  Sha256Digest sha256{};
  uint32_t chunk_bytes = kDefaultChunkBytes;
};

StreamHeader MakeStreamHeader(const FlatModel& model,
                              uint32_t chunk_bytes = kDefaultChunkBytes);

// MakeStreamHeader for a model that is sent to many receivers, e.g. the
// master's global model, sent to every slave in a round: the SHA-256 over
// the payload (the expensive part, ~2 GB/s) is computed once, not once per
// receiver. An entry is found by the model's buffer address, size, spec and
// chunk size, and is used only when a 64-bit fingerprint over the whole
// payload (FastFingerprint, ~10x faster than SHA-256) still matches, so a
// new model that reuses a freed model's buffer never gets a stale digest.
// (Were a fingerprint ever to collide, the receiver's digest check would
// refuse the stream: a failed call, never a wrong model.) Concurrent
// callers for the same model wait for the one computing it.
// Thread-safe.
class StreamHeaderCache {
 public:
  StreamHeader Get(const FlatModel& model, uint32_t chunk_bytes);

  // The process-wide cache (keeps the last few models).
  static StreamHeaderCache& Shared();

 private:
  struct Entry {
    const float* data = nullptr;
    size_t size = 0;
    uint64_t fingerprint = 0;
    uint32_t chunk_bytes = 0;
    bool ready = false;
    StreamHeader header;
  };
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Entry> entries_;  // newest first, at most kEntries
  static constexpr size_t kEntries = 4;
};

// SHA-256 digests of model payloads recently received or hashed in this
// process, so that one payload is hashed once, not once per use (a slave
// used to hash a received model to verify it, again for its audit record,
// then its update for the audit record and again for the update's stream
// header: 4 x 21 ms per 40 MB model and round). An entry is found by the
// buffer's address and size and used only when a keyed 64-bit fingerprint
// of the whole payload (FastFingerprint with a per-process random key that
// never leaves the process, ~10x faster than SHA-256) still matches, so a
// new payload in a reused buffer never gets a stale digest, and a peer
// cannot craft a collision without knowing the key. Keeps the last few
// entries. Thread-safe.
class ModelDigestCache {
 public:
  ModelDigestCache();

  // The SHA-256 of `bytes` bytes at `data`: cached, or computed and
  // remembered.
  Sha256Digest Get(const void* data, size_t bytes);
  // The cached digest of the payload at `data`, if any (never computes it).
  std::optional<Sha256Digest> Find(const void* data, size_t bytes);
  // Records that `digest` is the SHA-256 of the payload at `data` (the
  // caller has just computed or verified it over exactly these bytes).
  void Remember(const void* data, size_t bytes, const Sha256Digest& digest);

  // The process-wide cache (MakeStreamHeader, FlatModelSink, the slave).
  static ModelDigestCache& Shared();

 private:
  struct Entry {
    const void* data = nullptr;
    size_t bytes = 0;
    uint64_t fingerprint = 0;
    Sha256Digest digest{};
  };
  uint64_t Fingerprint(const void* data, size_t bytes) const;
  std::optional<Sha256Digest> Find(const void* data, size_t bytes,
                                   uint64_t fingerprint);
  void Insert(const Entry& entry);

  uint64_t key_[4];
  std::mutex mu_;
  std::deque<Entry> entries_;  // newest first, at most kEntries
  static constexpr size_t kEntries = 8;
};

// A fast non-cryptographic 64-bit fingerprint of `size` bytes (multiply-
// xorshift over 64-bit words, four independent lanes). Not collision
// resistant against an adversary; used only to validate caches.
uint64_t FastFingerprint(const void* data, size_t size);
// The same with the four lanes seeded from `key` (ModelDigestCache).
uint64_t FastFingerprint(const void* data, size_t size, const uint64_t key[4]);

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

  // Returns false when all chunks were returned.
  bool Next(ChunkView* chunk);
  uint64_t chunk_count() const;

 private:
  const char* payload_;
  uint64_t total_bytes_;
  uint32_t chunk_bytes_;
  uint64_t offset_ = 0;
};

// Receives validated chunk contents. `values` may be unaligned in memory;
// read it with memcpy (or use CopyFloats). `first_element` is the index of
// values[0] in the flat model.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  virtual Status Consume(uint64_t first_element, const char* values,
                         size_t count) = 0;
  // Called by ModelStreamReceiver::Finish once every chunk was consumed and
  // the payload's SHA-256 matched the header (`digest`). Default: nothing.
  virtual void OnVerified(const Sha256Digest& digest) { (void)digest; }
};

// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes)
// with transparent huge pages (madvise MADV_HUGEPAGE; a no-op when THP is
// off or the range holds no whole huge page). For model-sized buffers that
// are filled right after allocation: 512x fewer page faults (measured:
// page faults were ~15% of a slave's CPU receiving a 200 MB model).
void AdviseHugePages(void* data, size_t bytes);

// Copies chunks into a FlatModel preallocated from the header's spec (its
// buffer advised for huge pages).
class FlatModelSink : public ChunkSink {
 public:
  explicit FlatModelSink(const ModelSpec& spec);
  Status Consume(uint64_t first_element, const char* values,
                 size_t count) override;
  // Remembers the verified digest for the model's buffer in
  // ModelDigestCache::Shared() (the buffer keeps its address in Release()).
  void OnVerified(const Sha256Digest& digest) override;
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
  Status Finish();

  const StreamHeader& header() const { return header_; }
  uint64_t received_bytes() const { return next_offset_; }

  ModelStreamReceiver(ModelStreamReceiver&&) = default;
  ModelStreamReceiver& operator=(ModelStreamReceiver&&) = default;

 private:
  explicit ModelStreamReceiver(StreamHeader header);
  // Names the tensor holding flat element `element` (for error messages).
  std::string DescribeElement(uint64_t element) const;

  StreamHeader header_;
  std::unique_ptr<Sha256> hash_;
  uint64_t next_offset_ = 0;
  ChunkSink* sink_ = nullptr;  // the last chunk's sink; told by Finish()
  std::vector<uint64_t> tensor_starts_;  // element offsets per tensor
};

// Index of the first non-finite float among `count` (possibly unaligned)
// values, or `count` when all are finite.
size_t FindNonFinite(const char* values, size_t count);

}  // namespace dsfl

#endif  // DSFL_COMMON_MODEL_STREAM_H_
