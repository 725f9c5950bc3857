// The model streams on the wire without protobuf copies: both ends of the
// Train and Evaluate calls (the master's GrpcSlaveClient, the slave's
// SlaveService) run them as raw-bytes calls (grpc::ByteBuffer messages)
// carrying the same dsfl.v1 messages. Chunks are the hot path:
//  - sending: a chunk message is a ~12-byte protobuf envelope (field tag,
//    lengths, offset) followed by a slice that points straight into the
//    model's buffer, so the model bytes are read once, by TLS encryption:
//    no protobuf string, no serialisation copy, no allocation per chunk;
//  - receiving: the message's slices are copied once into a caller's buffer
//    that is reused for every chunk (no allocation per chunk), the envelope
//    is decoded by hand and the caller gets a view of the data.
// Everything else (config, header, result, progress) goes through protobuf.
// A message that is not in the simple shape EncodeChunk produces is left to
// protobuf (correct for any valid encoding, just slower).
//
// Thread-compatibility: free functions over caller-owned values.
#ifndef DSFL_PROTO_MODEL_WIRE_H_
#define DSFL_PROTO_MODEL_WIRE_H_

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "google/protobuf/message_lite.h"

namespace dsfl::wire {

// Field numbers of `chunk` in the oneofs of the model-carrying messages.
inline constexpr uint32_t kRequestChunkField =
    3;  // TrainRequest, EvaluateRequest
inline constexpr uint32_t kTrainResponseChunkField = 4;  // TrainResponse

// A message holding only `field` = ModelChunk{offset, data = bytes}, whose
// data slice aliases `bytes`: the bytes must outlive the write (and gRPC's
// use of the message).
grpc::ByteBuffer EncodeChunk(uint32_t field, uint64_t offset,
                             std::string_view bytes);

// `message` serialised into a one-slice buffer.
grpc::ByteBuffer Serialize(const google::protobuf::MessageLite& message);

// If `bytes` is exactly one `field` holding a ModelChunk with offset and
// data, sets *offset and *data (a view into `bytes`) and returns true.
bool DecodeChunk(std::string_view bytes, uint32_t field, uint64_t* offset,
                 std::string_view* data);

// The bytes of a received message: a view of its only slice (kept alive in
// *single), or a copy of its slices into `buffer`, whose capacity is reused
// across messages.
std::string_view Contiguous(const grpc::ByteBuffer& message,
                            grpc::Slice* single, std::string* buffer);

}  // namespace dsfl::wire

#endif  // DSFL_PROTO_MODEL_WIRE_H_
