#include "proto/model_wire.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace dsfl::wire {
namespace {

constexpr uint32_t kWireVarint = 0;
constexpr uint32_t kWireLength = 2;
// ModelChunk's fields.
constexpr uint32_t kChunkOffsetField = 1;
constexpr uint32_t kChunkDataField = 2;

size_t PutVarint(uint64_t value, uint8_t* out) {
  size_t n = 0;
  while (value >= 0x80) {
    out[n++] = static_cast<uint8_t>(value) | 0x80;
    value >>= 7;
  }
  out[n++] = static_cast<uint8_t>(value);
  return n;
}

size_t VarintSize(uint64_t value) {
  size_t n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

// Reads varints from a contiguous buffer.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : bytes_(bytes) {}
  size_t position() const { return pos_; }
  bool Varint(uint64_t* value) {
    *value = 0;
    for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
      const uint8_t b = static_cast<uint8_t>(bytes_[pos_++]);
      *value |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace

grpc::ByteBuffer EncodeChunk(uint32_t field, uint64_t offset,
                             std::string_view bytes) {
  const uint64_t inner =
      1 + VarintSize(offset) + 1 + VarintSize(bytes.size()) + bytes.size();
  uint8_t prefix[32];
  size_t n = 0;
  n += PutVarint((field << 3) | kWireLength, prefix + n);
  n += PutVarint(inner, prefix + n);
  n += PutVarint((kChunkOffsetField << 3) | kWireVarint, prefix + n);
  n += PutVarint(offset, prefix + n);
  n += PutVarint((kChunkDataField << 3) | kWireLength, prefix + n);
  n += PutVarint(bytes.size(), prefix + n);
  grpc::Slice slices[2] = {
      grpc::Slice(prefix, n),  // copied (inline, no allocation)
      grpc::Slice(bytes.data(), bytes.size(), grpc::Slice::STATIC_SLICE)};
  return grpc::ByteBuffer(slices, 2);
}

grpc::ByteBuffer Serialize(const google::protobuf::MessageLite& message) {
  const std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

bool DecodeChunkPieces(const grpc::ByteBuffer& message, uint32_t field,
                       ChunkPieces* chunk) {
  chunk->pieces.clear();
  if (!message.Dump(&chunk->slices).ok()) return false;
  // The envelope is at most 3 tags and 3 varints: gather its bytes, which
  // may span slices, into `head`.
  char head[40];
  size_t head_size = 0;
  for (const grpc::Slice& slice : chunk->slices) {
    const size_t n = std::min(slice.size(), sizeof(head) - head_size);
    std::memcpy(head + head_size, slice.begin(), n);
    head_size += n;
    if (head_size == sizeof(head)) break;
  }
  const size_t total = message.Length();
  WireReader reader(std::string_view(head, head_size));
  uint64_t tag;
  uint64_t inner_size;
  if (!reader.Varint(&tag) || tag != ((field << 3) | kWireLength) ||
      !reader.Varint(&inner_size) || inner_size != total - reader.position()) {
    return false;
  }
  chunk->offset = 0;
  uint64_t data_size = 0;
  for (;;) {
    if (!reader.Varint(&tag)) return false;
    if (tag == ((kChunkOffsetField << 3) | kWireVarint)) {
      if (!reader.Varint(&chunk->offset)) return false;
    } else if (tag == ((kChunkDataField << 3) | kWireLength)) {
      if (!reader.Varint(&data_size)) return false;
      break;
    } else {
      return false;
    }
  }
  size_t skip = reader.position();
  if (data_size != total - skip) return false;  // data is not the last field
  for (const grpc::Slice& slice : chunk->slices) {
    const char* begin = reinterpret_cast<const char*>(slice.begin());
    size_t size = slice.size();
    if (skip >= size) {
      skip -= size;
      continue;
    }
    chunk->pieces.emplace_back(begin + skip, size - skip);
    skip = 0;
  }
  return true;
}

std::string_view Contiguous(const grpc::ByteBuffer& message,
                            grpc::Slice* single, std::string* buffer) {
  if (message.TrySingleSlice(single).ok()) {
    return std::string_view(reinterpret_cast<const char*>(single->begin()),
                            single->size());
  }
  std::vector<grpc::Slice> slices;
  (void)message.Dump(&slices);
  buffer->clear();
  for (const grpc::Slice& slice : slices) {
    buffer->append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return *buffer;
}

}  // namespace dsfl::wire
