#include "proto/model_wire.h"

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

// Reads protobuf wire format from a contiguous buffer.
class WireReader {
 public:
  explicit WireReader(std::string_view bytes) : bytes_(bytes) {}
  bool done() const { return pos_ == bytes_.size(); }
  bool Varint(uint64_t* value) {
    *value = 0;
    for (int shift = 0; shift < 64 && pos_ < bytes_.size(); shift += 7) {
      const uint8_t b = static_cast<uint8_t>(bytes_[pos_++]);
      *value |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool Bytes(std::string_view* out) {
    uint64_t size;
    if (!Varint(&size) || size > bytes_.size() - pos_) return false;
    *out = bytes_.substr(pos_, size);
    pos_ += size;
    return true;
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

bool DecodeChunk(std::string_view bytes, uint32_t field, uint64_t* offset,
                 std::string_view* data) {
  WireReader outer(bytes);
  uint64_t tag;
  std::string_view inner_bytes;
  if (!outer.Varint(&tag) || tag != ((field << 3) | kWireLength) ||
      !outer.Bytes(&inner_bytes) || !outer.done()) {
    return false;
  }
  WireReader inner(inner_bytes);
  *offset = 0;
  *data = std::string_view();
  bool has_data = false;
  while (!inner.done()) {
    if (!inner.Varint(&tag)) return false;
    if (tag == ((kChunkOffsetField << 3) | kWireVarint)) {
      if (!inner.Varint(offset)) return false;
    } else if (tag == ((kChunkDataField << 3) | kWireLength)) {
      if (!inner.Bytes(data)) return false;
      has_data = true;
    } else {
      return false;  // unknown field: let protobuf handle it
    }
  }
  return has_data;
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
