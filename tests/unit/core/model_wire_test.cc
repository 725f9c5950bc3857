// proto/model_wire: the hand-made chunk envelope is exactly what protobuf
// reads as the same message, protobuf's own encoding of a chunk decodes the
// same way, and anything else is left to protobuf.
#include "proto/model_wire.h"

#include <string>
#include <vector>

#include "dsfl/v1/slave.pb.h"
#include "gtest/gtest.h"

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

TEST(ModelWire, DecodesProtobufsOwnEncodingOfAChunkInPlace) {
  v1::TrainRequest request;
  request.mutable_chunk()->set_offset(4096);
  request.mutable_chunk()->set_data("abcdefgh");
  const std::string bytes = request.SerializeAsString();
  uint64_t offset = 0;
  std::string_view data;
  ASSERT_TRUE(DecodeChunk(bytes, kRequestChunkField, &offset, &data));
  EXPECT_EQ(offset, 4096u);
  EXPECT_EQ(data, "abcdefgh");
  EXPECT_GE(data.data(), bytes.data());  // a view, not a copy
  EXPECT_LT(data.data(), bytes.data() + bytes.size());
}

TEST(ModelWire, LeavesEverythingElseToProtobuf) {
  uint64_t offset;
  std::string_view data;
  v1::TrainRequest header;
  header.mutable_header()->set_chunk_bytes(4096);
  EXPECT_FALSE(DecodeChunk(header.SerializeAsString(), kRequestChunkField,
                           &offset, &data));
  // A chunk under another field number, a chunk without data, a truncated
  // message, trailing bytes.
  const std::string chunk = Flatten(EncodeChunk(kRequestChunkField, 8, "xy"));
  EXPECT_FALSE(DecodeChunk(chunk, kTrainResponseChunkField, &offset, &data));
  v1::TrainRequest empty_chunk;
  empty_chunk.mutable_chunk()->set_offset(8);
  EXPECT_FALSE(DecodeChunk(empty_chunk.SerializeAsString(), kRequestChunkField,
                           &offset, &data));
  EXPECT_FALSE(DecodeChunk(chunk.substr(0, chunk.size() - 1),
                           kRequestChunkField, &offset, &data));
  EXPECT_FALSE(DecodeChunk(chunk + "z", kRequestChunkField, &offset, &data));
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

}  // namespace
}  // namespace dsfl::wire
