#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "common/model_buffer_pool.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/core/fedavg.h"
#include "master/core/streaming_aggregator.h"

namespace dsfl::master {
namespace {

FlatModel Constant(const ModelSpec& spec, float value) {
  FlatModel m;
  m.spec = spec;
  m.values.assign(spec.total_numel(), value);
  return m;
}

void FoldAll(StreamingAggregator* aggregator, const FlatModel& update,
             float weight, uint32_t chunk_bytes) {
  ChunkCursor cursor(update, chunk_bytes);
  ChunkView chunk;
  StreamingAggregator::NodeSink sink(aggregator, weight);
  while (cursor.Next(&chunk)) {
    ASSERT_TRUE(sink.Consume(chunk.offset / 4, chunk.bytes.data(),
                             chunk.bytes.size() / 4)
                    .ok());
  }
}

const ModelSpec kSpec({{"w", {3000}, DType::kFloat32},
                       {"b", {10}, DType::kFloat32}});

TEST(StreamingAggregatorTest, WeightedMeanByExampleCount) {
  StreamingAggregator aggregator(kSpec, 4096);
  FoldAll(&aggregator, Constant(kSpec, 1.0f), 10, 4096);
  FoldAll(&aggregator, Constant(kSpec, 4.0f), 30, 4096);
  FlatModel mean = std::move(aggregator).Finish(Constant(kSpec, 0.0f));
  for (float v : mean.values) EXPECT_FLOAT_EQ(v, (10 * 1.0f + 30 * 4.0f) / 40);
}

// The accumulator is a pooled buffer with old contents: they must never
// leak into the mean, neither where updates were folded nor where none was.
TEST(StreamingAggregatorTest, OldContentsOfAReusedBufferNeverShow) {
  const ModelSpec big({{"w", {1 << 19}, DType::kFloat32}});  // 2 MiB
  std::vector<float> dirty(big.total_numel(), 1e30f);
  const float* buffer = dirty.data();
  ModelBufferPool::Shared().Give(std::move(dirty));
  StreamingAggregator aggregator(big, 1 << 20);  // 2 regions of 1 MiB
  // Two updates into region 0 only (a slave that broke after one chunk).
  FlatModel two = Constant(big, 2.0f), four = Constant(big, 4.0f);
  for (auto [update, weight] :
       {std::pair{&two, 1.0f}, std::pair{&four, 3.0f}}) {
    StreamingAggregator::NodeSink sink(&aggregator, weight);
    ASSERT_TRUE(
        sink.Consume(0, reinterpret_cast<const char*>(update->values.data()),
                     1 << 18)
            .ok());
  }
  FlatModel mean = std::move(aggregator).Finish(Constant(big, -1.0f));
  EXPECT_EQ(mean.values.data(), buffer);  // the pooled buffer was used
  for (size_t i = 0; i < mean.values.size(); ++i) {
    ASSERT_FLOAT_EQ(mean.values[i], i < (1u << 18) ? 3.5f : -1.0f) << i;
  }
}

TEST(StreamingAggregatorTest, MatchesDirectFormulaOnRandomUpdates) {
  std::vector<FlatModel> updates;
  std::vector<float> weights = {76, 75, 77};
  for (int k = 0; k < 3; ++k) {
    FlatModel u = Constant(kSpec, 0);
    for (size_t i = 0; i < u.values.size(); ++i) {
      u.values[i] = std::sin(static_cast<float>(i * (k + 1)));
    }
    updates.push_back(u);
  }
  StreamingAggregator aggregator(kSpec, 4096);
  for (int k = 0; k < 3; ++k) FoldAll(&aggregator, updates[k], weights[k], 4096);
  FlatModel mean = std::move(aggregator).Finish(Constant(kSpec, 0));
  for (size_t i = 0; i < mean.values.size(); ++i) {
    double expected = 0;
    for (int k = 0; k < 3; ++k) expected += weights[k] * updates[k].values[i];
    expected /= 228.0;
    EXPECT_NEAR(mean.values[i], expected, 1e-6) << i;
  }
}

// Chunks in pieces (floats split between pieces at every byte position)
// fold bit for bit like whole chunks: the region's first fold writes, later
// ones add, and each region counts its weight once per chunk.
TEST(StreamingAggregatorTest, ChunksInPiecesFoldLikeWholeChunks) {
  std::vector<FlatModel> updates;
  for (int k = 0; k < 3; ++k) {
    FlatModel u = Constant(kSpec, 0);
    for (size_t i = 0; i < u.values.size(); ++i) {
      u.values[i] = std::cos(static_cast<float>(i * (k + 2)));
    }
    updates.push_back(u);
  }
  const std::vector<float> weights = {3, 1, 2};
  StreamingAggregator whole(kSpec, 4096);
  StreamingAggregator in_pieces(kSpec, 4096);
  for (int k = 0; k < 3; ++k) {
    FoldAll(&whole, updates[k], weights[k], 4096);
    StreamingAggregator::NodeSink sink(&in_pieces, weights[k]);
    ChunkCursor cursor(updates[k], 4096);
    ChunkView chunk;
    while (cursor.Next(&chunk)) {
      std::vector<std::string_view> pieces;
      for (size_t at = 0, i = 0; at < chunk.bytes.size(); ++i) {
        const size_t n = std::min<size_t>(1 + (i * 5) % 11,  // 1..11 bytes
                                          chunk.bytes.size() - at);
        pieces.push_back(chunk.bytes.substr(at, n));
        at += n;
      }
      ASSERT_TRUE(sink.ConsumePieces(chunk.offset / 4, pieces).ok());
    }
  }
  EXPECT_EQ(in_pieces.RegionWeight(0), 6.0);
  EXPECT_EQ(in_pieces.RegionWeight(3000), 6.0);
  const FlatModel expected = std::move(whole).Finish(Constant(kSpec, 0));
  const FlatModel got = std::move(in_pieces).Finish(Constant(kSpec, 0));
  EXPECT_EQ(got.values, expected.values);
}

TEST(StreamingAggregatorTest, PartialStreamCountsOnlyDeliveredRegions) {
  StreamingAggregator aggregator(kSpec, 4096);  // 1024 floats per region
  FoldAll(&aggregator, Constant(kSpec, 2.0f), 1, 4096);
  // A second node delivers only its first chunk (elements 0..1023).
  FlatModel partial = Constant(kSpec, 8.0f);
  StreamingAggregator::NodeSink sink(&aggregator, 3);
  ASSERT_TRUE(sink.Consume(0, reinterpret_cast<const char*>(
                                  partial.values.data()), 1024)
                  .ok());
  EXPECT_EQ(aggregator.RegionWeight(0), 4.0);
  EXPECT_EQ(aggregator.RegionWeight(1024), 1.0);
  FlatModel mean = std::move(aggregator).Finish(Constant(kSpec, 0));
  EXPECT_FLOAT_EQ(mean.values[0], (2.0f + 3 * 8.0f) / 4);
  EXPECT_FLOAT_EQ(mean.values[1023], (2.0f + 3 * 8.0f) / 4);
  EXPECT_FLOAT_EQ(mean.values[1024], 2.0f);
}

TEST(StreamingAggregatorTest, RegionsWithoutContributionKeepGlobal) {
  StreamingAggregator aggregator(kSpec, 4096);
  FlatModel global = Constant(kSpec, 7.0f);
  FlatModel mean = std::move(aggregator).Finish(global);
  EXPECT_EQ(mean.values, global.values);
}

TEST(FedAvgTest, SelectsAllByDefaultAndASeededSubsetOtherwise) {
  std::vector<std::string> nodes = {"a", "b", "c", "d"};
  FedAvg all({1.0, 1, 7});
  EXPECT_EQ(all.SelectForTraining(1, nodes), nodes);
  FedAvg half({0.5, 1, 7});
  auto first = half.SelectForTraining(3, nodes);
  EXPECT_EQ(first.size(), 2u);
  EXPECT_EQ(first, FedAvg({0.5, 1, 7}).SelectForTraining(3, nodes));
  EXPECT_TRUE(std::is_sorted(first.begin(), first.end()));
}

TEST(FedAvgTest, PerNodeSeedsDifferAndAreReproducible) {
  FedAvg fedavg({1.0, 1, 42});
  TrainingPlan base;
  auto a1 = fedavg.PlanFor(1, "a", base).seed;
  EXPECT_NE(a1, fedavg.PlanFor(1, "b", base).seed);
  EXPECT_NE(a1, fedavg.PlanFor(2, "a", base).seed);
  EXPECT_EQ(a1, FedAvg({1.0, 1, 42}).PlanFor(1, "a", base).seed);
}

TEST(FedAvgTest, EvaluationIsWeightedByExamples) {
  FedAvg fedavg({});
  EvalSummary a{10, 1.0, 0.6, std::nullopt};
  EvalSummary b{30, 2.0, 0.8, std::nullopt};
  EvalSummary total = fedavg.AggregateEvaluation({a, b});
  EXPECT_EQ(total.num_examples, 40);
  EXPECT_DOUBLE_EQ(total.loss, 1.75);
  EXPECT_DOUBLE_EQ(*total.c_index, 0.75);
  EXPECT_FALSE(total.auc.has_value());
}

}  // namespace
}  // namespace dsfl::master
