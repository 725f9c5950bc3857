// Helpers for the service's model streams: ModelUpload assembles a model
// from header + chunk messages with full validation; ModelDownload produces
// a model's header and chunk messages one at a time (so a large update is
// never materialised as protobuf messages all at once). The Raw variants
// carry chunks without protobuf copies (proto/model_wire.h).
// Thread-compatibility: one object per stream.
#ifndef DSFL_SLAVE_SERVICE_MODEL_PARTS_H_
#define DSFL_SLAVE_SERVICE_MODEL_PARTS_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "common/model_stream.h"
#include "dsfl/v1/slave.pb.h"
#include "proto/model_wire.h"

namespace dsfl::slave {

class ModelUpload {
 public:
  explicit ModelUpload(uint64_t max_bytes) { limits_.max_total_bytes = max_bytes; }
  Status OnHeader(const v1::ModelHeader& header);
  Status OnChunk(uint64_t offset, std::string_view data);
  // A chunk as the transport delivered it (copied once, into the model).
  Status OnChunk(const wire::ChunkPieces& chunk);
  // True once the header and every byte it announced were received (the
  // digest is checked by Finish()).
  bool complete() const {
    return receiver_ &&
           receiver_->received_bytes() == receiver_->header().total_bytes;
  }
  // The complete model, with the digest its stream was checked against.
  StatusOr<HashedModel> Finish();
  uint32_t chunk_bytes() const {
    return receiver_ ? receiver_->header().chunk_bytes : kDefaultChunkBytes;
  }
  WireFormat wire_format() const {
    return receiver_ ? receiver_->header().wire_format : WireFormat::kFloat32;
  }

 private:
  ReceiveLimits limits_;
  std::optional<ModelStreamReceiver> receiver_;
  std::optional<FlatModelSink> sink_;
};

class ModelDownload {
 public:
  ModelDownload(HashedModel model, uint32_t chunk_bytes,
                WireFormat format = WireFormat::kFloat32);
  // Hands the sent model's buffer to ModelBufferPool::Shared(): the next
  // received model reuses it.
  ~ModelDownload();
  ModelDownload(const ModelDownload&) = delete;
  ModelDownload& operator=(const ModelDownload&) = delete;
  // Fills `message` (TrainResponse or ModelMessage) with the next part;
  // false when every part was produced.
  template <typename Message>
  bool Next(Message* message) {
    message->Clear();
    if (!header_sent_) {
      header_sent_ = true;
      FillHeader(message->mutable_header());
      return true;
    }
    ChunkView chunk;
    if (!cursor_.Next(&chunk)) return false;
    message->mutable_chunk()->set_offset(chunk.offset);
    message->mutable_chunk()->set_data(chunk.bytes.data(), chunk.bytes.size());
    return true;
  }

  // The same as a raw message of type Message whose chunks (field
  // `chunk_field` of Message) alias the model's buffer: this download must
  // outlive the write.
  template <typename Message>
  bool NextRaw(uint32_t chunk_field, grpc::ByteBuffer* out) {
    if (!header_sent_) {
      header_sent_ = true;
      Message message;
      FillHeader(message.mutable_header());
      *out = wire::Serialize(message);
      return true;
    }
    ChunkView chunk;
    if (!cursor_.Next(&chunk)) return false;
    *out = wire::EncodeChunk(chunk_field, chunk.offset, chunk.bytes);
    return true;
  }

 private:
  void FillHeader(v1::ModelHeader* header) const;

  HashedModel model_;
  uint32_t chunk_bytes_;
  WireFormat format_;
  ChunkCursor cursor_;
  bool header_sent_ = false;
};

// Reads one raw request of type Request (TrainRequest, EvaluateRequest):
// a chunk in model_wire's shape goes straight to `upload`, uncopied
// (returns false, or the upload's error); any other message is parsed into
// *request for the caller (returns true). `chunk` and `scratch` are reused
// across messages.
template <typename Request>
StatusOr<bool> ConsumeChunkOrParse(const grpc::ByteBuffer& raw,
                                   wire::ChunkPieces* chunk,
                                   std::string* scratch, ModelUpload* upload,
                                   Request* request) {
  if (wire::DecodeChunkPieces(raw, wire::kRequestChunkField, chunk)) {
    DSFL_RETURN_IF_ERROR(upload->OnChunk(*chunk));
    return false;
  }
  grpc::Slice single;
  const std::string_view bytes = wire::Contiguous(raw, &single, scratch);
  if (!request->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed ", request->GetTypeName(), " message"));
  }
  return true;
}

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVICE_MODEL_PARTS_H_
