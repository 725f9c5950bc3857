// Tests of the performance changes in the codec and the aggregator: the
// blocked (vectorisable) finiteness check and fold give the same answers as
// element-by-element code, and the stream header cache never returns a
// stale digest when a new model reuses a buffer.
#include <cmath>
#include <cstring>
#include <limits>
#include <string_view>
#include <thread>
#include <vector>

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

TEST(FastFingerprint, ChangesWithAnyByteAndWithLength) {
  std::vector<char> bytes(1000, 'x');
  const uint64_t base = FastFingerprint(bytes.data(), bytes.size());
  EXPECT_EQ(base, FastFingerprint(bytes.data(), bytes.size()));
  EXPECT_NE(base, FastFingerprint(bytes.data(), bytes.size() - 1));
  for (size_t i : {0u, 31u, 32u, 500u, 999u}) {
    bytes[i] = 'y';
    EXPECT_NE(base, FastFingerprint(bytes.data(), bytes.size())) << i;
    bytes[i] = 'x';
  }
}

TEST(StreamHeaderCache, SameModelGivesTheSameHeaderAsMakeStreamHeader) {
  StreamHeaderCache cache;
  FlatModel m = Model(5000, 0.25f);
  const StreamHeader direct = MakeStreamHeader(m, 4096);
  for (int i = 0; i < 3; ++i) {
    const StreamHeader cached = cache.Get(m, 4096);
    EXPECT_EQ(cached.sha256, direct.sha256);
    EXPECT_EQ(cached.total_bytes, direct.total_bytes);
    EXPECT_EQ(cached.chunk_bytes, direct.chunk_bytes);
    EXPECT_EQ(cached.spec, direct.spec);
  }
  EXPECT_EQ(cache.Get(m, 8192).chunk_bytes, 8192u);  // chunk size is a key
}

TEST(StreamHeaderCache, NewContentInTheSameBufferGetsAFreshDigest) {
  StreamHeaderCache cache;
  FlatModel m = Model(5000, 0.25f);
  const Sha256Digest before = cache.Get(m, 4096).sha256;
  const float* buffer = m.values.data();
  m.values[1234] += 1.0f;  // same address, same size, new content
  ASSERT_EQ(m.values.data(), buffer);
  const Sha256Digest after = cache.Get(m, 4096).sha256;
  EXPECT_NE(before, after);
  EXPECT_EQ(after, MakeStreamHeader(m, 4096).sha256);
}

TEST(StreamHeaderCache, ConcurrentCallersAllGetTheRightDigest) {
  StreamHeaderCache cache;
  FlatModel m = Model(200000, 1.0f);
  const Sha256Digest expected = MakeStreamHeader(m, 1 << 20).sha256;
  std::vector<std::thread> threads;
  std::vector<Sha256Digest> got(8);
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] { got[t] = cache.Get(m, 1 << 20).sha256; });
  }
  for (auto& t : threads) t.join();
  for (const auto& d : got) EXPECT_EQ(d, expected);
}

TEST(ModelDigestCache, GivesTheSha256AndServesRepeatsFromTheCache) {
  ModelDigestCache cache;
  FlatModel m = Model(5000, 0.5f);
  const size_t bytes = m.values.size() * sizeof(float);
  const Sha256Digest direct = Sha256::Of(
      std::string_view(reinterpret_cast<const char*>(m.values.data()), bytes));
  EXPECT_FALSE(cache.Find(m.values.data(), bytes).has_value());
  EXPECT_EQ(cache.Get(m.values.data(), bytes), direct);
  ASSERT_TRUE(cache.Find(m.values.data(), bytes).has_value());
  // A remembered digest is what later lookups return (not recomputed):
  Sha256Digest marker{};
  marker[0] = 7;
  cache.Remember(m.values.data(), bytes, marker);
  EXPECT_EQ(cache.Get(m.values.data(), bytes), marker);
  // ... until the buffer's content changes.
  m.values[4321] += 1.0f;
  EXPECT_FALSE(cache.Find(m.values.data(), bytes).has_value());
  EXPECT_NE(cache.Get(m.values.data(), bytes), marker);
  EXPECT_EQ(cache.Get(m.values.data(), bytes), MakeStreamHeader(m).sha256);
  EXPECT_FALSE(cache.Find(m.values.data(), bytes - 4).has_value());
}

TEST(ModelDigestCache, AReceivedModelIsRememberedWithItsVerifiedDigest) {
  FlatModel sent = Model(300000, 2.0f);  // > 1 chunk
  const StreamHeader header = MakeStreamHeader(sent, 1 << 16);
  auto receiver = ModelStreamReceiver::Start(header, nullptr);
  ASSERT_TRUE(receiver.ok()) << receiver.status();
  FlatModelSink sink(header.spec);
  ChunkCursor cursor(sent, 1 << 16);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    ASSERT_TRUE(receiver->OnChunk(chunk.offset, chunk.bytes, &sink).ok());
  }
  ASSERT_TRUE(receiver->Finish().ok());
  FlatModel received = sink.Release();
  const auto found = ModelDigestCache::Shared().Find(
      received.values.data(), received.values.size() * sizeof(float));
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(*found, header.sha256);
}

TEST(ModelDigestCache, AFailedStreamRemembersNothing) {
  FlatModel sent = Model(3000, 3.0f);
  StreamHeader header = MakeStreamHeader(sent, 4096);
  header.sha256[0] ^= 1;  // the payload will not match
  auto receiver = ModelStreamReceiver::Start(header, nullptr);
  ASSERT_TRUE(receiver.ok());
  FlatModelSink sink(header.spec);
  ChunkCursor cursor(sent, 4096);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    ASSERT_TRUE(receiver->OnChunk(chunk.offset, chunk.bytes, &sink).ok());
  }
  EXPECT_EQ(receiver->Finish().code(), absl::StatusCode::kDataLoss);
  FlatModel received = sink.Release();
  const auto found = ModelDigestCache::Shared().Find(
      received.values.data(), received.values.size() * sizeof(float));
  EXPECT_TRUE(!found.has_value() || *found != header.sha256);
}

TEST(FastFingerprint, TheKeyChangesTheFingerprint) {
  const std::vector<char> bytes(1000, 'x');
  const uint64_t a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 3, 5};
  EXPECT_EQ(FastFingerprint(bytes.data(), bytes.size()),
            FastFingerprint(bytes.data(), bytes.size(), a));
  EXPECT_NE(FastFingerprint(bytes.data(), bytes.size(), a),
            FastFingerprint(bytes.data(), bytes.size(), b));
}

}  // namespace
}  // namespace dsfl
