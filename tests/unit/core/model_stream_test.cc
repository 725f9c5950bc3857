#include "common/model_stream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsfl {
namespace {

using ::testing::HasSubstr;

FlatModel MakeModel(std::vector<TensorSpec> specs) {
  FlatModel model;
  model.spec = ModelSpec(std::move(specs));
  model.values.resize(model.spec.total_numel());
  for (size_t i = 0; i < model.values.size(); ++i) {
    model.values[i] = 0.5f * static_cast<float>(i) - 3.0f;
  }
  return model;
}

FlatModel SmallModel() {
  return MakeModel({{"layer.weight", {300, 20}, DType::kFloat32},
                    {"layer.bias", {300}, DType::kFloat32},
                    {"out", {7}, DType::kFloat32}});
}

// Streams `model` through a receiver; returns the receiver's final status.
Status RoundTrip(const FlatModel& model, uint32_t chunk_bytes,
                 FlatModel* out) {
  StreamHeader header = MakeStreamHeader(model, chunk_bytes);
  auto receiver = ModelStreamReceiver::Start(header, &model.spec);
  if (!receiver.ok()) return receiver.status();
  FlatModelSink sink(header.spec);
  ChunkCursor cursor(model, chunk_bytes);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    DSFL_RETURN_IF_ERROR(receiver->OnChunk(chunk.offset, chunk.bytes, &sink));
  }
  DSFL_RETURN_IF_ERROR(receiver->Finish());
  *out = sink.Release();
  return absl::OkStatus();
}

TEST(ModelStreamTest, RoundTripsBitForBitWithAnyGrid) {
  FlatModel model = SmallModel();
  for (uint32_t chunk : {4096u, 4100u, 65536u, 1u << 20}) {
    FlatModel out;
    ASSERT_TRUE(RoundTrip(model, chunk, &out).ok()) << chunk;
    EXPECT_EQ(out.spec, model.spec);
    EXPECT_EQ(0, std::memcmp(out.values.data(), model.values.data(),
                             model.values.size() * sizeof(float)));
  }
}

// Streams `model` in bfloat16; returns the receiver's final status and
// the wire bytes per chunk.
Status Bfloat16RoundTrip(const HashedModel& model, uint32_t chunk_bytes,
                         FlatModel* out, std::vector<size_t>* wire_sizes) {
  StreamHeader header =
      MakeStreamHeader(model, chunk_bytes, WireFormat::kBfloat16);
  auto receiver = ModelStreamReceiver::Start(header, &model.model().spec);
  if (!receiver.ok()) return receiver.status();
  FlatModelSink sink(header.spec);
  ChunkCursor cursor(model, chunk_bytes, WireFormat::kBfloat16);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    wire_sizes->push_back(chunk.bytes.size());
    DSFL_RETURN_IF_ERROR(receiver->OnChunk(chunk.offset, chunk.bytes, &sink));
  }
  DSFL_RETURN_IF_ERROR(receiver->Finish());
  *out = sink.Release();
  return absl::OkStatus();
}

TEST(ModelStreamTest, Bfloat16HalvesTheBytesAndArrivesExactlyAsRounded) {
  const HashedModel rounded(
      ForWire(SmallModel(), WireFormat::kBfloat16));  // 25228 float bytes
  FlatModel out;
  std::vector<size_t> sizes;
  ASSERT_TRUE(Bfloat16RoundTrip(rounded, 4096, &out, &sizes).ok());
  EXPECT_EQ(out.values, rounded.model().values);
  EXPECT_EQ(ModelDigest(out), rounded.digest());
  ASSERT_EQ(sizes.size(), 7u);  // the float32 grid: 6 full cells + 652 bytes
  EXPECT_EQ(sizes.front(), 2048u);
  EXPECT_EQ(sizes.back(), 326u);
  // Rounding changed the model (it is not exact in bfloat16)...
  EXPECT_NE(rounded.model().values, SmallModel().values);
  // ...and an unrounded model in bfloat16 is refused by its digest.
  const HashedModel unrounded(SmallModel());
  sizes.clear();
  Status refused = Bfloat16RoundTrip(unrounded, 4096, &out, &sizes);
  EXPECT_EQ(refused.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(refused.message(), HasSubstr("digest mismatch"));
}

TEST(ModelStreamTest, Bfloat16ChunksOfTheWrongSizeAreRefused) {
  const HashedModel rounded(ForWire(SmallModel(), WireFormat::kBfloat16));
  StreamHeader header = MakeStreamHeader(rounded, 4096, WireFormat::kBfloat16);
  auto receiver = ModelStreamReceiver::Start(header, nullptr);
  ASSERT_TRUE(receiver.ok());
  FlatModelSink sink(header.spec);
  // A float32-sized chunk in a bfloat16 stream.
  ChunkCursor float32(rounded.model(), 4096);
  ChunkView chunk;
  ASSERT_TRUE(float32.Next(&chunk));
  Status status = receiver->OnChunk(chunk.offset, chunk.bytes, &sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(),
              HasSubstr("bfloat16 chunk at byte offset 0 has 4096 bytes, "
                        "expected 2048"));
}

TEST(ModelStreamTest, CursorYieldsGridAlignedChunks) {
  FlatModel model = SmallModel();  // 6307 floats = 25228 bytes
  ChunkCursor cursor(model, 8192);
  EXPECT_EQ(cursor.chunk_count(), 4u);
  ChunkView chunk;
  std::vector<std::pair<uint64_t, size_t>> seen;
  while (cursor.Next(&chunk)) seen.emplace_back(chunk.offset, chunk.bytes.size());
  EXPECT_EQ(seen, (std::vector<std::pair<uint64_t, size_t>>{
                      {0, 8192}, {8192, 8192}, {16384, 8192}, {24576, 652}}));
}

TEST(ModelStreamTest, RejectsShapeMismatchNamingTheTensor) {
  FlatModel model = SmallModel();
  FlatModel other = MakeModel({{"layer.weight", {300, 21}, DType::kFloat32},
                               {"layer.bias", {300}, DType::kFloat32},
                               {"out", {7}, DType::kFloat32}});
  auto receiver =
      ModelStreamReceiver::Start(MakeStreamHeader(other), &model.spec);
  ASSERT_FALSE(receiver.ok());
  EXPECT_EQ(receiver.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(receiver.status().message(), HasSubstr("layer.weight"));
  EXPECT_THAT(receiver.status().message(), HasSubstr("[300,21]"));
}

TEST(ModelStreamTest, RejectsNaNAndInfNamingTensorAndElement) {
  for (float bad : {std::numeric_limits<float>::quiet_NaN(),
                    std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity()}) {
    FlatModel model = SmallModel();
    model.values[6000 + 5] = bad;  // layer.bias element 5
    FlatModel out;
    Status status = RoundTrip(model, 4096, &out);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(status.message(), HasSubstr("tensor 'layer.bias' element 5"));
  }
}

TEST(ModelStreamTest, RejectsWrongDigest) {
  FlatModel model = SmallModel();
  StreamHeader header = MakeStreamHeader(model, 4096);
  header.digest[0] ^= 1;
  auto receiver = ModelStreamReceiver::Start(header, nullptr);
  ASSERT_TRUE(receiver.ok());
  FlatModelSink sink(header.spec);
  ChunkCursor cursor(model, 4096);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    ASSERT_TRUE(receiver->OnChunk(chunk.offset, chunk.bytes, &sink).ok());
  }
  Status status = receiver->Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("digest mismatch"));
}

TEST(ModelStreamTest, RejectsOutOfOrderShortAndMissingChunks) {
  FlatModel model = SmallModel();
  StreamHeader header = MakeStreamHeader(model, 4096);
  const char* bytes = reinterpret_cast<const char*>(model.values.data());
  {
    auto r = ModelStreamReceiver::Start(header, nullptr);
    FlatModelSink sink(header.spec);
    Status s = r->OnChunk(4096, std::string_view(bytes + 4096, 4096), &sink);
    EXPECT_THAT(s.message(), HasSubstr("expected 0"));
  }
  {
    auto r = ModelStreamReceiver::Start(header, nullptr);
    FlatModelSink sink(header.spec);
    Status s = r->OnChunk(0, std::string_view(bytes, 100), &sink);
    EXPECT_THAT(s.message(), HasSubstr("has 100 bytes, expected 4096"));
  }
  {
    auto r = ModelStreamReceiver::Start(header, nullptr);
    FlatModelSink sink(header.spec);
    ASSERT_TRUE(r->OnChunk(0, std::string_view(bytes, 4096), &sink).ok());
    Status s = r->Finish();
    EXPECT_THAT(s.message(), HasSubstr("ended after 4096 of 25228 bytes"));
  }
}

TEST(ModelStreamTest, RejectsInconsistentHeaders) {
  FlatModel model = SmallModel();
  StreamHeader header = MakeStreamHeader(model, 4096);
  header.total_bytes += 4;
  EXPECT_THAT(ModelStreamReceiver::Start(header, nullptr).status().message(),
              HasSubstr("announces"));
  header = MakeStreamHeader(model, 4098);
  EXPECT_THAT(ModelStreamReceiver::Start(header, nullptr).status().message(),
              HasSubstr("multiple of 4"));
  header = MakeStreamHeader(model, 4096);
  ReceiveLimits limits;
  limits.max_total_bytes = 1000;
  EXPECT_THAT(
      ModelStreamReceiver::Start(header, nullptr, limits).status().message(),
      HasSubstr("exceeds the limit"));
  FlatModel duplicate = MakeModel({{"a", {2}, DType::kFloat32},
                                   {"a", {3}, DType::kFloat32}});
  EXPECT_THAT(ModelStreamReceiver::Start(MakeStreamHeader(duplicate), nullptr)
                  .status()
                  .message(),
              HasSubstr("'a' appears twice"));
}

// Counts what arrives without storing it.
class CountingSink : public ChunkSink {
 public:
  Status Consume(uint64_t first_element, const char*, size_t count) override {
    last_element = first_element + count;
    return absl::OkStatus();
  }
  uint64_t last_element = 0;
};

// Splits `bytes` into pieces of 1, 3, 1001, 1, 3, 1001, ... bytes: values
// straddle piece boundaries at every possible split point.
std::vector<std::string_view> Pieces(std::string_view bytes) {
  static constexpr size_t kSizes[] = {1, 3, 1001};
  std::vector<std::string_view> pieces;
  for (size_t at = 0, i = 0; at < bytes.size(); ++i) {
    const size_t n = std::min(kSizes[i % 3], bytes.size() - at);
    pieces.push_back(bytes.substr(at, n));
    at += n;
  }
  return pieces;
}

// A sink without its own storage: receives joined chunks through Consume().
class CopyingSink : public ChunkSink {
 public:
  explicit CopyingSink(size_t values) : values_(values) {}
  Status Consume(uint64_t first_element, const char* values,
                 size_t count) override {
    std::memcpy(values_.data() + first_element, values, count * sizeof(float));
    return absl::OkStatus();
  }
  std::vector<float> values_;
};

// Streams `model` (in `format`) through a receiver in pieces.
Status RoundTripInPieces(const HashedModel& model, WireFormat format,
                         ChunkSink* sink) {
  StreamHeader header = MakeStreamHeader(model, 4096, format);
  auto receiver = ModelStreamReceiver::Start(header, &model.model().spec);
  if (!receiver.ok()) return receiver.status();
  ChunkCursor cursor(model, 4096, format);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    DSFL_RETURN_IF_ERROR(
        receiver->OnChunk(chunk.offset, Pieces(chunk.bytes), sink));
  }
  return receiver->Finish();
}

TEST(ModelStreamTest, ChunksInPiecesArriveBitForBitInEverySink) {
  const HashedModel model(SmallModel());
  FlatModelSink in_place(model.model().spec);  // copied into its storage
  ASSERT_TRUE(RoundTripInPieces(model, WireFormat::kFloat32, &in_place).ok());
  EXPECT_EQ(in_place.Release().values, model.model().values);

  CopyingSink joined(model.model().values.size());  // joined, then consumed
  ASSERT_TRUE(RoundTripInPieces(model, WireFormat::kFloat32, &joined).ok());
  EXPECT_EQ(joined.values_, model.model().values);

  const HashedModel rounded(ForWire(SmallModel(), WireFormat::kBfloat16));
  FlatModelSink widened(rounded.model().spec);
  ASSERT_TRUE(RoundTripInPieces(rounded, WireFormat::kBfloat16, &widened).ok());
  EXPECT_EQ(widened.Release().values, rounded.model().values);
}

TEST(ModelStreamTest, ChunksInPiecesAreCheckedLikeWholeChunks) {
  FlatModel bad = SmallModel();
  bad.values[6000 + 5] = std::numeric_limits<float>::quiet_NaN();
  const HashedModel nan_model(std::move(bad));
  FlatModelSink in_place(nan_model.model().spec);
  Status status = RoundTripInPieces(nan_model, WireFormat::kFloat32, &in_place);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(status.message(), HasSubstr("tensor 'layer.bias' element 5"));

  // A misplaced or short chunk is refused before it is checked or counted.
  const FlatModel model = SmallModel();
  StreamHeader header = MakeStreamHeader(model, 4096);
  auto receiver = ModelStreamReceiver::Start(header, &model.spec);
  ASSERT_TRUE(receiver.ok());
  FlatModelSink sink(model.spec);
  const std::string_view first(
      reinterpret_cast<const char*>(model.values.data()), 4096);
  EXPECT_EQ(receiver->OnChunk(4096, Pieces(first), &sink).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(receiver->OnChunk(0, Pieces(first.substr(0, 4092)), &sink).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(receiver->received_bytes(), 0u);
}

// A payload larger than 2 GiB and 4 GiB boundaries of 32-bit sizes streams
// through the real receiver (digest included) with O(chunk) memory: the
// same zero chunk is fed at every offset.
TEST(ModelStreamTest, StreamsAPayloadBeyondFourGiB) {
  constexpr uint32_t kChunk = 4u << 20;
  const uint64_t elements = (uint64_t{4} << 30) / 4 + 12345;  // > 4 GiB
  StreamHeader header;
  header.spec = ModelSpec({{"huge", {static_cast<int64_t>(elements)},
                            DType::kFloat32}});
  header.total_bytes = elements * 4;
  header.chunk_bytes = kChunk;
  const std::string zeros(kChunk, '\0');
  TreeDigest expected;
  for (uint64_t off = 0; off < header.total_bytes; off += kChunk) {
    expected.Update(zeros.data(), std::min<uint64_t>(kChunk,
                                                     header.total_bytes - off));
  }
  header.digest = expected.Finish();
  auto receiver = ModelStreamReceiver::Start(header, nullptr);
  ASSERT_TRUE(receiver.ok()) << receiver.status();
  CountingSink sink;
  for (uint64_t off = 0; off < header.total_bytes; off += kChunk) {
    size_t size = std::min<uint64_t>(kChunk, header.total_bytes - off);
    ASSERT_TRUE(
        receiver->OnChunk(off, std::string_view(zeros.data(), size), &sink)
            .ok());
  }
  EXPECT_TRUE(receiver->Finish().ok());
  EXPECT_EQ(sink.last_element, elements);
  EXPECT_GT(receiver->received_bytes(), uint64_t{1} << 32);
}

TEST(FindNonFiniteTest, FindsFirstBadValueAtAnyPosition) {
  std::vector<float> v(5000, 1.0f);
  EXPECT_EQ(FindNonFinite(reinterpret_cast<const char*>(v.data()), v.size()),
            v.size());
  for (size_t pos : {size_t{0}, size_t{1023}, size_t{1024}, size_t{4999}}) {
    std::vector<float> w = v;
    w[pos] = std::nanf("");
    EXPECT_EQ(FindNonFinite(reinterpret_cast<const char*>(w.data()), w.size()),
              pos);
  }
}

}  // namespace
}  // namespace dsfl
