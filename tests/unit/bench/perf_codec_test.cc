// Tests of the performance changes in the codec and the aggregator: the
// blocked (vectorisable) finiteness check and fold give the same answers as
// element-by-element code, and a model's digest travels with it
// (HashedModel) into the stream header, computed once and never stale.
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "common/model_buffer_pool.h"
#include "common/model_stream.h"
#include "common/sha256.h"
#include "gtest/gtest.h"
#include "master/core/streaming_aggregator.h"

namespace dsfl {
namespace {

FlatModel Model(size_t n, float base) {
  FlatModel m;
  m.spec = ModelSpec({TensorSpec{"w", {static_cast<int64_t>(n)}}});
  m.values.resize(n);
  for (size_t i = 0; i < n; ++i) m.values[i] = base + static_cast<float>(i);
  return m;
}

TEST(FindNonFinite, FindsTheFirstBadValueAtEveryPositionAndAlignment) {
  for (size_t count : {0u, 1u, 15u, 16u, 17u, 33u, 100u}) {
    for (size_t shift : {0u, 1u, 3u}) {  // unaligned starts
      std::vector<char> bytes(count * 4 + shift);
      std::vector<float> values(count, 1.5f);
      std::memcpy(bytes.data() + shift, values.data(), count * 4);
      EXPECT_EQ(FindNonFinite(bytes.data() + shift, count), count);
      for (size_t bad = 0; bad < count; ++bad) {
        for (float v : {std::numeric_limits<float>::infinity(),
                        -std::numeric_limits<float>::infinity(),
                        std::numeric_limits<float>::quiet_NaN()}) {
          std::vector<float> copy = values;
          copy[bad] = v;
          if (bad + 1 < count) copy[count - 1] = v;  // a later one too
          std::memcpy(bytes.data() + shift, copy.data(), count * 4);
          EXPECT_EQ(FindNonFinite(bytes.data() + shift, count), bad)
              << "count " << count << " shift " << shift;
        }
      }
    }
  }
}

TEST(StreamingAggregatorFold, MatchesScalarWeightedMeanOnOddSizes) {
  const size_t n = 1000 + 7;  // not a multiple of the 16-float blocks
  FlatModel a = Model(n, 1.0f), b = Model(n, -3.0f), global = Model(n, 0.f);
  master::StreamingAggregator agg(a.spec, 4096);
  for (auto [model, weight] : {std::pair{&a, 2.0f}, std::pair{&b, 1.0f}}) {
    ChunkCursor cursor(*model, 4096);
    ChunkView chunk;
    while (cursor.Next(&chunk)) {
      agg.Fold(chunk.offset / 4, chunk.bytes.data(), chunk.bytes.size() / 4,
               weight);
    }
  }
  FlatModel mean = std::move(agg).Finish(global);
  for (size_t i = 0; i < n; ++i) {
    const float expected = (2.0f * a.values[i] + b.values[i]) / 3.0f;
    ASSERT_NEAR(mean.values[i], expected, 1e-4f * std::fabs(expected) + 1e-5f)
        << i;
  }
}

TEST(HashedModel, CarriesTheRealDigestIntoTheStreamHeader) {
  const FlatModel m = Model(5000, 0.25f);
  const HashedModel hashed(m);
  EXPECT_EQ(hashed.digest(), ModelDigest(m));
  EXPECT_EQ(hashed.digest_hex(), ModelDigestHex(m));
  const StreamHeader from_hashed = MakeStreamHeader(hashed, 4096);
  const StreamHeader direct = MakeStreamHeader(m, 4096);
  EXPECT_EQ(from_hashed.digest, direct.digest);
  EXPECT_EQ(from_hashed.total_bytes, direct.total_bytes);
  EXPECT_EQ(from_hashed.chunk_bytes, 4096u);
  EXPECT_EQ(from_hashed.spec, m.spec);
}

TEST(HashedModel, ReleaseGivesTheSameBufferBack) {
  HashedModel hashed(Model(1000, 1.0f));
  const float* buffer = hashed.model().values.data();
  FlatModel released = std::move(hashed).Release();
  EXPECT_EQ(released.values.data(), buffer);
}

TEST(ModelStreamReceiver, AVerifiedHeaderDigestIsTheDigestOfWhatTheSinkGot) {
  const FlatModel sent = Model(20000, -2.0f);
  const StreamHeader header = MakeStreamHeader(sent, 4096);
  auto receiver = ModelStreamReceiver::Start(header, nullptr);
  ASSERT_TRUE(receiver.ok()) << receiver.status();
  FlatModelSink sink(header.spec);
  ChunkCursor cursor(sent, 4096);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    ASSERT_TRUE(receiver->OnChunk(chunk.offset, chunk.bytes, &sink).ok());
  }
  ASSERT_TRUE(receiver->Finish().ok());
  EXPECT_EQ(receiver->header().digest, ModelDigest(sink.Release()));
}

TEST(ModelStreamReceiver, ADigestThatDoesNotMatchThePayloadIsRefused) {
  const FlatModel sent = Model(20000, -2.0f);
  StreamHeader header = MakeStreamHeader(sent, 4096);
  header.digest[0] ^= 1;  // a stale or wrong digest
  auto receiver = ModelStreamReceiver::Start(header, nullptr);
  ASSERT_TRUE(receiver.ok()) << receiver.status();
  FlatModelSink sink(header.spec);
  ChunkCursor cursor(sent, 4096);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    ASSERT_TRUE(receiver->OnChunk(chunk.offset, chunk.bytes, &sink).ok());
  }
  EXPECT_EQ(receiver->Finish().code(), absl::StatusCode::kDataLoss);
}

TEST(ModelBufferPool, ReusesAGivenBufferOfTheSameSize) {
  ModelBufferPool pool;
  std::vector<float> fresh = pool.Take(1 << 20);
  ASSERT_EQ(fresh.size(), size_t{1} << 20);
  for (float v : fresh) ASSERT_EQ(v, 0.0f);
  const float* buffer = fresh.data();
  pool.Give(std::move(fresh));
  EXPECT_EQ(pool.spares(), 1u);
  std::vector<float> again = pool.Take(1 << 20);
  EXPECT_EQ(again.data(), buffer);
  EXPECT_EQ(again.size(), size_t{1} << 20);
  EXPECT_EQ(pool.spares(), 0u);
}

TEST(ModelBufferPool, NeverPinsAHugeBufferForASmallModelOrUsesATooSmallOne) {
  ModelBufferPool pool;
  std::vector<float> big = pool.Take(4 << 20);
  const float* big_data = big.data();
  pool.Give(std::move(big));
  std::vector<float> small = pool.Take(1 << 20);  // a quarter: not reused
  EXPECT_NE(small.data(), big_data);
  std::vector<float> larger = pool.Take(5 << 20);  // too small: not reused
  EXPECT_NE(larger.data(), big_data);
  std::vector<float> half = pool.Take(2 << 20);  // half: reused
  EXPECT_EQ(half.data(), big_data);
}

TEST(ModelBufferPool, KeepsAFewLargeBuffersOnly) {
  ModelBufferPool pool;
  pool.Give(std::vector<float>(1000));  // below kMinSpareBytes: freed
  EXPECT_EQ(pool.spares(), 0u);
  for (size_t i = 0; i < ModelBufferPool::kMaxSpares + 2; ++i) {
    pool.Give(std::vector<float>(1 << 18));
  }
  EXPECT_EQ(pool.spares(), ModelBufferPool::kMaxSpares);
}

TEST(FlatModelSink, ReceivesIntoAPooledBuffer) {
  const size_t n = (1 << 18) + 123;  // a size no other test gives back
  std::vector<float> spare(n);
  const float* buffer = spare.data();
  ModelBufferPool::Shared().Give(std::move(spare));
  FlatModelSink sink(ModelSpec({TensorSpec{"w", {static_cast<int64_t>(n)}}}));
  EXPECT_EQ(sink.Release().values.data(), buffer);
}

}  // namespace
}  // namespace dsfl
