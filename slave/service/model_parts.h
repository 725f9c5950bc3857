// Helpers for the service's model streams: ModelUpload assembles a model
// from header + chunk messages with full validation; ModelDownload produces
// a model's header and chunk messages one at a time (so a large update is
// never materialised as protobuf messages all at once).
// Thread-compatibility: one object per stream.
#ifndef DSFL_SLAVE_SERVICE_MODEL_PARTS_H_
#define DSFL_SLAVE_SERVICE_MODEL_PARTS_H_

#include <optional>

#include "common/model_stream.h"
#include "dsfl/v1/slave.pb.h"

namespace dsfl::slave {

class ModelUpload {
 public:
  explicit ModelUpload(uint64_t max_bytes) { limits_.max_total_bytes = max_bytes; }
  Status OnHeader(const v1::ModelHeader& header);
  Status OnChunk(const v1::ModelChunk& chunk);
  // The complete model, with the digest its stream was checked against.
  StatusOr<HashedModel> Finish();
  uint32_t chunk_bytes() const {
    return receiver_ ? receiver_->header().chunk_bytes : kDefaultChunkBytes;
  }

 private:
  ReceiveLimits limits_;
  std::optional<ModelStreamReceiver> receiver_;
  std::optional<FlatModelSink> sink_;
};

class ModelDownload {
 public:
  ModelDownload(HashedModel model, uint32_t chunk_bytes);
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

 private:
  void FillHeader(v1::ModelHeader* header) const;

  HashedModel model_;
  uint32_t chunk_bytes_;
  ChunkCursor cursor_;
  bool header_sent_ = false;
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_SERVICE_MODEL_PARTS_H_
