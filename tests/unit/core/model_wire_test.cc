// proto/model_wire: the hand-made chunk envelope is exactly what protobuf
// reads as the same message, chunks decode into views of their slices
// wherever the slices are cut (protobuf's own encoding too), and anything
// else is left to protobuf.
#include "proto/model_wire.h"

#include <string>
#include <vector>

#include "common/tree_digest.h"
#include "dsfl/v1/slave.pb.h"
#include "gtest/gtest.h"
#include "proto/convert.h"

namespace dsfl::wire {
namespace {

std::string Flatten(const grpc::ByteBuffer& buffer) {
  grpc::Slice single;
  std::string scratch;
  return std::string(Contiguous(buffer, &single, &scratch));
}

TEST(ModelWire, EncodedChunksParseAsTheSameProtobufMessages) {
  std::string data(3000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  for (uint64_t offset : {uint64_t{0}, uint64_t{127}, uint64_t{1} << 40}) {
    const std::string train =
        Flatten(EncodeChunk(kTrainResponseChunkField, offset, data));
    v1::TrainResponse response;
    ASSERT_TRUE(response.ParseFromString(train));
    ASSERT_TRUE(response.has_chunk());
    EXPECT_EQ(response.chunk().offset(), offset);
    EXPECT_EQ(response.chunk().data(), data);

    const std::string request =
        Flatten(EncodeChunk(kRequestChunkField, offset, data));
    v1::EvaluateRequest evaluate;
    ASSERT_TRUE(evaluate.ParseFromString(request));
    EXPECT_EQ(evaluate.chunk().offset(), offset);
    EXPECT_EQ(evaluate.chunk().data(), data);
  }
}

// `bytes` as a message of slices cut at `cuts` (byte positions).
grpc::ByteBuffer Sliced(const std::string& bytes, std::vector<size_t> cuts) {
  std::vector<grpc::Slice> slices;
  size_t at = 0;
  cuts.push_back(bytes.size());
  for (size_t cut : cuts) {
    slices.emplace_back(bytes.data() + at, cut - at);
    at = cut;
  }
  return grpc::ByteBuffer(slices.data(), slices.size());
}

std::string Joined(const ChunkPieces& chunk) {
  std::string out;
  for (std::string_view piece : chunk.pieces) out.append(piece);
  return out;
}

TEST(ModelWire, DecodesChunkPiecesWithoutCopyingTheData) {
  std::string data(3000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  ChunkPieces chunk;  // reused, as receivers do
  for (uint64_t offset : {uint64_t{0}, uint64_t{4096}, uint64_t{1} << 40}) {
    const std::string bytes =
        Flatten(EncodeChunk(kTrainResponseChunkField, offset, data));
    // Cut inside the envelope, at its end, and through the data.
    for (std::vector<size_t> cuts : {std::vector<size_t>{},
                                     {1},
                                     {3, 5, 9},
                                     {13},
                                     {14, 1000, 1001},
                                     {2, 2999}}) {
      const grpc::ByteBuffer message = Sliced(bytes, cuts);
      ASSERT_TRUE(DecodeChunkPieces(message, kTrainResponseChunkField, &chunk))
          << offset << " " << cuts.size();
      EXPECT_EQ(chunk.offset, offset);
      EXPECT_EQ(Joined(chunk), data);
      for (std::string_view piece : chunk.pieces) {  // views into the slices
        bool inside = false;
        for (const grpc::Slice& slice : chunk.slices) {
          const char* begin = reinterpret_cast<const char*>(slice.begin());
          inside |= piece.data() >= begin &&
                    piece.data() + piece.size() <= begin + slice.size();
        }
        EXPECT_TRUE(inside);
      }
    }
  }
  // Protobuf's own encoding (offset 0 is left out) decodes the same way.
  v1::TrainRequest request;
  request.mutable_chunk()->set_data(data);
  ASSERT_TRUE(DecodeChunkPieces(Sliced(request.SerializeAsString(), {7}),
                                kRequestChunkField, &chunk));
  EXPECT_EQ(chunk.offset, 0u);
  EXPECT_EQ(Joined(chunk), data);
}

TEST(ModelWire, LeavesEverythingElseToProtobufInPiecesToo) {
  ChunkPieces chunk;
  v1::TrainRequest header;
  header.mutable_header()->set_chunk_bytes(4096);
  EXPECT_FALSE(DecodeChunkPieces(Sliced(header.SerializeAsString(), {}),
                                 kRequestChunkField, &chunk));
  const std::string bytes = Flatten(EncodeChunk(kRequestChunkField, 8, "xy"));
  EXPECT_FALSE(
      DecodeChunkPieces(Sliced(bytes, {}), kTrainResponseChunkField, &chunk));
  v1::TrainRequest empty_chunk;
  empty_chunk.mutable_chunk()->set_offset(8);
  EXPECT_FALSE(DecodeChunkPieces(Sliced(empty_chunk.SerializeAsString(), {}),
                                 kRequestChunkField, &chunk));
  EXPECT_FALSE(DecodeChunkPieces(Sliced(bytes.substr(0, bytes.size() - 1), {}),
                                 kRequestChunkField, &chunk));
  EXPECT_FALSE(
      DecodeChunkPieces(Sliced(bytes + "z", {2}), kRequestChunkField, &chunk));
  // Data before the offset: valid protobuf, but the data is not the tail.
  const std::string data_first = std::string("\x1a\x06") +  // field 3, 6 bytes
                                 "\x12\x02xy" +             // data = "xy"
                                 "\x08\x08";                // offset = 8
  v1::TrainRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(data_first));
  EXPECT_EQ(parsed.chunk().offset(), 8u);
  EXPECT_FALSE(
      DecodeChunkPieces(Sliced(data_first, {}), kRequestChunkField, &chunk));
}

TEST(ModelWire, ContiguousJoinsSlicesIntoTheReusedBuffer) {
  // Longer than gRPC's inline slices (which a buffer would merge).
  const std::string a(100, 'a'), b(200, 'b');
  grpc::Slice slices[2] = {grpc::Slice(a), grpc::Slice(b)};
  const grpc::ByteBuffer two(slices, 2);
  grpc::Slice single;
  std::string scratch;
  EXPECT_EQ(Contiguous(two, &single, &scratch), a + b);
  EXPECT_EQ(scratch, a + b);
  const grpc::ByteBuffer one(&slices[0], 1);
  scratch.clear();
  EXPECT_EQ(Contiguous(one, &single, &scratch), a);
  EXPECT_TRUE(scratch.empty());  // a view of the single slice
}

// The model header names its digest's algorithm; a header without it (a
// peer from before the tree digest) or with another is refused up front,
// naming it, before any model bytes move.
TEST(ModelHeaderWire, CarriesAndChecksTheDigestAlgorithm) {
  FlatModel model{ModelSpec({{"w", {3, 2}, DType::kFloat32}}),
                  {1, 2, 3, 4, 5, 6}};
  const StreamHeader header = MakeStreamHeader(model);
  v1::ModelHeader proto;
  ToProto(header, &proto);
  EXPECT_EQ(proto.digest_algorithm(), kTreeDigestAlgorithm);
  auto back = FromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->digest, header.digest);
  EXPECT_EQ(back->total_bytes, header.total_bytes);

  proto.clear_digest_algorithm();
  auto old = FromProto(proto);
  EXPECT_EQ(old.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(old.status().message().find("plain SHA-256"), std::string::npos)
      << old.status();
  proto.set_digest_algorithm("blake3");
  auto other = FromProto(proto);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("'blake3'"), std::string::npos)
      << other.status();
}

}  // namespace
}  // namespace dsfl::wire
