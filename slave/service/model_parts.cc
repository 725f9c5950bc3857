#include "slave/service/model_parts.h"

#include "common/model_buffer_pool.h"
#include "proto/convert.h"

namespace dsfl::slave {

Status ModelUpload::OnHeader(const v1::ModelHeader& header) {
  if (receiver_) return absl::InvalidArgumentError("second model header");
  DSFL_ASSIGN_OR_RETURN(StreamHeader parsed, wire::FromProto(header));
  DSFL_ASSIGN_OR_RETURN(
      ModelStreamReceiver receiver,
      ModelStreamReceiver::Start(std::move(parsed), nullptr, limits_));
  receiver_.emplace(std::move(receiver));
  sink_.emplace(receiver_->header().spec);
  return absl::OkStatus();
}

Status ModelUpload::OnChunk(uint64_t offset, std::string_view data) {
  if (!receiver_) {
    return absl::InvalidArgumentError("model chunk before the model header");
  }
  return receiver_->OnChunk(offset, data, &*sink_);
}

Status ModelUpload::OnChunk(const wire::ChunkPieces& chunk) {
  if (!receiver_) {
    return absl::InvalidArgumentError("model chunk before the model header");
  }
  return receiver_->OnChunk(chunk.offset, chunk.pieces, &*sink_);
}

StatusOr<HashedModel> ModelUpload::Finish() {
  if (!receiver_) return absl::InvalidArgumentError("no model was sent");
  DSFL_RETURN_IF_ERROR(receiver_->Finish());
  return HashedModel(sink_->Release(), receiver_->header().digest);
}

ModelDownload::ModelDownload(HashedModel model, uint32_t chunk_bytes,
                             WireFormat format)
    : model_(std::move(model)),
      chunk_bytes_(chunk_bytes),
      format_(format),
      cursor_(model_, chunk_bytes, format) {}

ModelDownload::~ModelDownload() {
  ModelBufferPool::Shared().Give(std::move(model_).Release().values);
}

void ModelDownload::FillHeader(v1::ModelHeader* header) const {
  wire::ToProto(MakeStreamHeader(model_, chunk_bytes_, format_), header);
}

}  // namespace dsfl::slave
