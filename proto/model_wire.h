// The model streams on the wire without protobuf copies: both ends of the
// Train and Evaluate calls (the master's GrpcSlaveClient, the slave's
// SlaveService) run them as raw-bytes calls (grpc::ByteBuffer messages)
// carrying the same dsfl.v1 messages. Chunks are the hot path:
//  - sending: a chunk message is a ~12-byte protobuf envelope (field tag,
//    lengths, offset) followed by a slice that points straight into the
//    model's buffer, so the model bytes are read once, by TLS encryption:
//    no protobuf string, no serialisation copy, no allocation per chunk;
//  - receiving: DecodeChunkPieces() decodes the envelope by hand and hands
//    the caller the data as views into the message's slices: the master
//    checks, hashes and folds them where they are, the slave copies them
//    once, into the model. Contiguous() is for every other message: its
//    slices copied into a reused buffer.
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
#include <vector>

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

// A received chunk's data as the transport delivered it: `pieces`, in
// order, are views into `slices` (which keep the bytes alive); a value may
// straddle two pieces. Reused across messages (no allocation per chunk once
// the vectors have grown).
struct ChunkPieces {
  uint64_t offset = 0;
  std::vector<grpc::Slice> slices;
  std::vector<std::string_view> pieces;
};

// If `message` is exactly one `field` holding a ModelChunk whose data is its
// last field (EncodeChunk's shape, and protobuf's), fills *chunk without
// copying the data and returns true; false for anything else (parse it
// with protobuf).
bool DecodeChunkPieces(const grpc::ByteBuffer& message, uint32_t field,
                       ChunkPieces* chunk);

// The bytes of a received message: a view of its only slice (kept alive in
// *single), or a copy of its slices into `buffer`, whose capacity is reused
// across messages.
std::string_view Contiguous(const grpc::ByteBuffer& message,
                            grpc::Slice* single, std::string* buffer);

}  // namespace dsfl::wire

#endif  // DSFL_PROTO_MODEL_WIRE_H_
