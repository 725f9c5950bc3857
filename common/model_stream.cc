#include "common/model_stream.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <random>

#include "absl/strings/str_cat.h"

namespace dsfl {

StreamHeader MakeStreamHeader(const FlatModel& model, uint32_t chunk_bytes) {
  StreamHeader header;
  header.spec = model.spec;
  header.total_bytes = model.values.size() * sizeof(float);
  header.sha256 =
      ModelDigestCache::Shared().Get(model.values.data(), header.total_bytes);
  header.chunk_bytes = chunk_bytes;
  return header;
}

uint64_t FastFingerprint(const void* data, size_t size) {
  static constexpr uint64_t kUnkeyed[4] = {1, 2, 3, 4};
  return FastFingerprint(data, size, kUnkeyed);
}

uint64_t FastFingerprint(const void* data, size_t size, const uint64_t key[4]) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  const char* p = static_cast<const char*>(data);
  uint64_t lane[4] = {key[0], key[1], key[2], key[3]};
  size_t i = 0;
  for (; i + 32 <= size; i += 32) {
    uint64_t w[4];
    std::memcpy(w, p + i, sizeof(w));
    for (int k = 0; k < 4; ++k) {
      lane[k] = (lane[k] ^ w[k]) * kMul;
      lane[k] ^= lane[k] >> 29;
    }
  }
  uint64_t h = size * kMul;
  for (; i < size; ++i) h = (h ^ static_cast<unsigned char>(p[i])) * kMul;
  for (uint64_t l : lane) {
    h = (h ^ l) * kMul;
    h ^= h >> 31;
  }
  return h;
}

ModelDigestCache::ModelDigestCache() {
  std::random_device random;
  for (uint64_t& k : key_) {
    k = (uint64_t{random()} << 32) ^ random();
  }
}

ModelDigestCache& ModelDigestCache::Shared() {
  static ModelDigestCache* const cache = new ModelDigestCache();
  return *cache;
}

uint64_t ModelDigestCache::Fingerprint(const void* data, size_t bytes) const {
  return FastFingerprint(data, bytes, key_);
}

std::optional<Sha256Digest> ModelDigestCache::Find(const void* data,
                                                   size_t bytes) {
  return Find(data, bytes, Fingerprint(data, bytes));
}

std::optional<Sha256Digest> ModelDigestCache::Find(const void* data,
                                                   size_t bytes,
                                                   uint64_t fingerprint) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const Entry& e : entries_) {
    if (e.data == data && e.bytes == bytes && e.fingerprint == fingerprint) {
      return e.digest;
    }
  }
  return std::nullopt;
}

Sha256Digest ModelDigestCache::Get(const void* data, size_t bytes) {
  const uint64_t fingerprint = Fingerprint(data, bytes);
  if (auto cached = Find(data, bytes, fingerprint)) return *cached;
  Sha256 hash;
  hash.Update(data, bytes);
  const Sha256Digest digest = hash.Finish();
  Insert(Entry{data, bytes, fingerprint, digest});
  return digest;
}

void ModelDigestCache::Remember(const void* data, size_t bytes,
                                const Sha256Digest& digest) {
  Insert(Entry{data, bytes, Fingerprint(data, bytes), digest});
}

void ModelDigestCache::Insert(const Entry& entry) {
  const void* data = entry.data;
  const size_t bytes = entry.bytes;
  std::lock_guard<std::mutex> lock(mu_);
  // An older entry for the same buffer is stale now.
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [&](const Entry& e) {
                                  return e.data == data && e.bytes == bytes;
                                }),
                 entries_.end());
  entries_.push_front(entry);
  while (entries_.size() > kEntries) entries_.pop_back();
}

StreamHeaderCache& StreamHeaderCache::Shared() {
  static StreamHeaderCache* const cache = new StreamHeaderCache();
  return *cache;
}

StreamHeader StreamHeaderCache::Get(const FlatModel& model,
                                    uint32_t chunk_bytes) {
  const float* data = model.values.data();
  const size_t size = model.values.size();
  const uint64_t fingerprint = FastFingerprint(data, size * sizeof(float));
  auto matches = [&](const Entry& e) {
    return e.data == data && e.size == size && e.fingerprint == fingerprint &&
           e.chunk_bytes == chunk_bytes && e.header.spec == model.spec;
  };
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    auto it = std::find_if(entries_.begin(), entries_.end(), matches);
    if (it == entries_.end()) break;
    if (it->ready) return it->header;
    ready_.wait(lock);  // another caller is computing this one
  }
  entries_.push_front(Entry{data, size, fingerprint, chunk_bytes, false, {}});
  entries_.front().header.spec = model.spec;
  while (entries_.size() > kEntries) entries_.pop_back();
  lock.unlock();
  StreamHeader header = MakeStreamHeader(model, chunk_bytes);
  lock.lock();
  for (Entry& e : entries_) {
    if (matches(e) && !e.ready) {
      e.header = header;
      e.ready = true;
    }
  }
  ready_.notify_all();
  return header;
}

ChunkCursor::ChunkCursor(const void* payload, uint64_t total_bytes,
                         uint32_t chunk_bytes)
    : payload_(static_cast<const char*>(payload)),
      total_bytes_(total_bytes),
      chunk_bytes_(chunk_bytes) {}

ChunkCursor::ChunkCursor(const FlatModel& model, uint32_t chunk_bytes)
    : ChunkCursor(model.values.data(), model.values.size() * sizeof(float),
                  chunk_bytes) {}

bool ChunkCursor::Next(ChunkView* chunk) {
  if (offset_ >= total_bytes_) return false;
  uint64_t size = std::min<uint64_t>(chunk_bytes_, total_bytes_ - offset_);
  chunk->offset = offset_;
  chunk->bytes = std::string_view(payload_ + offset_, size);
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
  const size_t n = spec.total_numel();
  model_.values.reserve(n);  // allocates without touching the pages
  AdviseHugePages(model_.values.data(), n * sizeof(float));
  model_.values.resize(n);
}

Status FlatModelSink::Consume(uint64_t first_element, const char* values,
                              size_t count) {
  std::memcpy(model_.values.data() + first_element, values,
              count * sizeof(float));
  return absl::OkStatus();
}

void FlatModelSink::OnVerified(const Sha256Digest& digest) {
  ModelDigestCache::Shared().Remember(
      model_.values.data(), model_.values.size() * sizeof(float), digest);
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
    : header_(std::move(header)), hash_(std::make_unique<Sha256>()) {
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

Status ModelStreamReceiver::OnChunk(uint64_t offset, std::string_view bytes,
                                    ChunkSink* sink) {
  if (offset != next_offset_) {
    return absl::DataLossError(absl::StrCat("chunk at byte offset ", offset,
                                            ", expected ", next_offset_));
  }
  uint64_t expected_size = std::min<uint64_t>(
      header_.chunk_bytes, header_.total_bytes - next_offset_);
  if (bytes.size() != expected_size) {
    return absl::DataLossError(
        absl::StrCat("chunk at byte offset ", offset, " has ", bytes.size(),
                     " bytes, expected ", expected_size));
  }
  size_t count = bytes.size() / sizeof(float);
  size_t bad = FindNonFinite(bytes.data(), count);
  uint64_t first_element = offset / sizeof(float);
  if (bad != count) {
    return absl::DataLossError(
        absl::StrCat("non-finite value (NaN or Inf) in ",
                     DescribeElement(first_element + bad)));
  }
  hash_->Update(bytes.data(), bytes.size());
  next_offset_ += bytes.size();
  sink_ = sink;
  return sink->Consume(first_element, bytes.data(), count);
}

Status ModelStreamReceiver::Finish() {
  if (next_offset_ != header_.total_bytes) {
    return absl::DataLossError(absl::StrCat("model stream ended after ",
                                            next_offset_, " of ",
                                            header_.total_bytes, " bytes"));
  }
  Sha256Digest digest = hash_->Finish();
  if (digest != header_.sha256) {
    return absl::DataLossError(
        absl::StrCat("model digest mismatch: received sha256 ", ToHex(digest),
                     ", header says ", ToHex(header_.sha256)));
  }
  if (sink_ != nullptr) sink_->OnVerified(digest);
  return absl::OkStatus();
}

}  // namespace dsfl
