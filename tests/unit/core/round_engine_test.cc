#include "master/core/round_engine.h"

#include <atomic>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/core/fedavg.h"

namespace dsfl::master {
namespace {

using ::testing::HasSubstr;

const ModelSpec kSpec({{"w", {5000}, DType::kFloat32}});
constexpr uint32_t kChunk = 4096;

enum class Behaviour { kAddOne, kFail, kHang, kNaN, kBreakAfterOneChunk };

// A scripted slave: returns global + 1 with `examples`, or misbehaves.
class FakeSlave : public SlaveClient {
 public:
  FakeSlave(Behaviour behaviour, int64_t examples)
      : behaviour_(behaviour), examples_(examples) {}

  StatusOr<NodeInfo> GetInfo(const CallOptions&) override { return NodeInfo{}; }
  StatusOr<ColumnMoments> ComputeMoments(const JobContext&, const DataSpec&,
                                         const CallOptions&) override {
    return ColumnMoments{};
  }
  StatusOr<FlatModel> InitializeModel(const JobContext&,
                                      const ModelDefinition&, const DataSpec&,
                                      uint64_t, const CallOptions&) override {
    return absl::UnimplementedError("");
  }
  Status Train(const TrainCall& call, const HashedModel& global,
               UpdateSink* sink, const CallOptions& options) override {
    seen_seed = call.plan.seed;
    if (behaviour_ == Behaviour::kFail) {
      return absl::FailedPreconditionError("disclosure limit");
    }
    if (behaviour_ == Behaviour::kHang) {
      // Blocks until the engine's watchdog cancels the call.
      std::mutex mu;
      std::condition_variable cv;
      bool cancelled = false;
      uint64_t id = options.cancel->Register([&] {
        std::lock_guard<std::mutex> lock(mu);
        cancelled = true;
        cv.notify_all();
      });
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return cancelled; });
      }
      options.cancel->Unregister(id);
      return absl::CancelledError("cancelled");
    }
    FlatModel update = global.model();
    for (float& v : update.values) v += 1.0f;
    if (behaviour_ == Behaviour::kNaN) update.values[4500] = std::nanf("");
    sink->OnProgress(1, 0.5);
    DSFL_RETURN_IF_ERROR(sink->OnResult({examples_, 1.0, 0.5, 0.1}));
    DSFL_RETURN_IF_ERROR(sink->OnHeader(MakeStreamHeader(update, kChunk)));
    ChunkCursor cursor(update, kChunk);
    ChunkView chunk;
    while (cursor.Next(&chunk)) {
      DSFL_RETURN_IF_ERROR(sink->OnChunk(chunk.offset, chunk.bytes));
      if (behaviour_ == Behaviour::kBreakAfterOneChunk) {
        return absl::UnavailableError("connection reset");
      }
    }
    return sink->OnEnd();
  }
  StatusOr<EvalSummary> Evaluate(const EvaluateCall&, const HashedModel&,
                                 const CallOptions&) override {
    if (behaviour_ == Behaviour::kFail) return absl::UnavailableError("down");
    return EvalSummary{examples_, 1.0, 0.7, std::nullopt};
  }

  std::atomic<uint64_t> seen_seed{0};

 private:
  Behaviour behaviour_;
  int64_t examples_;
};

HashedModel Zeros() {
  FlatModel m;
  m.spec = kSpec;
  m.values.assign(kSpec.total_numel(), 0.0f);
  return HashedModel(std::move(m));
}

struct Fixture {
  explicit Fixture(std::vector<Behaviour> behaviours) {
    for (size_t i = 0; i < behaviours.size(); ++i) {
      slaves.push_back(std::make_unique<FakeSlave>(behaviours[i], 10 * (i + 1)));
      nodes.push_back(Node{std::string(1, static_cast<char>('a' + i)),
                           slaves.back().get()});
    }
  }
  std::vector<std::unique_ptr<FakeSlave>> slaves;
  std::vector<Node> nodes;
};

RoundOptions Options(uint32_t min_clients, absl::Duration timeout) {
  RoundOptions o;
  o.min_clients = min_clients;
  o.timeout = timeout;
  o.chunk_bytes = kChunk;
  return o;
}

TEST(RoundEngineTest, AllNodesCompleteAndUpdatesAreAveraged) {
  Fixture f({Behaviour::kAddOne, Behaviour::kAddOne, Behaviour::kAddOne});
  FedAvg fedavg({1.0, 1, 5});
  RoundEngine engine(&fedavg, Options(3, absl::Seconds(30)), &SystemClock(),
                     nullptr);
  auto result = engine.RunTraining(1, TrainCall{}, Zeros(), f.nodes, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->completed, 3u);
  for (float v : result->global.model().values) EXPECT_FLOAT_EQ(v, 1.0f);
  EXPECT_NE(f.slaves[0]->seen_seed, f.slaves[1]->seen_seed);
}

TEST(RoundEngineTest, FailedNodeIsDroppedAndRoundSucceedsWithMinClients) {
  Fixture f({Behaviour::kAddOne, Behaviour::kFail, Behaviour::kAddOne});
  FedAvg fedavg({});
  RoundEngine engine(&fedavg, Options(2, absl::Seconds(30)), &SystemClock(),
                     nullptr);
  auto result = engine.RunTraining(1, TrainCall{}, Zeros(), f.nodes, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->completed, 2u);
  EXPECT_THAT(result->nodes[1].status.message(), HasSubstr("disclosure"));
  for (float v : result->global.model().values) EXPECT_FLOAT_EQ(v, 1.0f);
}

TEST(RoundEngineTest, HangingNodeIsCancelledAtTheDeadline) {
  Fixture f({Behaviour::kAddOne, Behaviour::kHang, Behaviour::kAddOne});
  FedAvg fedavg({});
  RoundEngine engine(&fedavg, Options(2, absl::Milliseconds(200)),
                     &SystemClock(), nullptr);
  auto result = engine.RunTraining(1, TrainCall{}, Zeros(), f.nodes, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->completed, 2u);
  EXPECT_EQ(result->nodes[1].status.code(), absl::StatusCode::kCancelled);
}

TEST(RoundEngineTest, TooFewCompletionsFailTheRoundWithEveryReason) {
  Fixture f({Behaviour::kAddOne, Behaviour::kFail, Behaviour::kNaN});
  FedAvg fedavg({});
  RoundEngine engine(&fedavg, Options(2, absl::Seconds(30)), &SystemClock(),
                     nullptr);
  auto result = engine.RunTraining(4, TrainCall{}, Zeros(), f.nodes, nullptr);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(result.status().message(), HasSubstr("round 4: 1 of 3"));
  EXPECT_THAT(result.status().message(), HasSubstr("b: FAILED_PRECONDITION"));
  EXPECT_THAT(result.status().message(), HasSubstr("non-finite"));
}

TEST(RoundEngineTest, BrokenStreamContributesOnlyItsDeliveredChunk) {
  Fixture f({Behaviour::kAddOne, Behaviour::kBreakAfterOneChunk});
  FedAvg fedavg({});
  RoundEngine engine(&fedavg, Options(1, absl::Seconds(30)), &SystemClock(),
                     nullptr);
  auto result = engine.RunTraining(1, TrainCall{}, Zeros(), f.nodes, nullptr);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->completed, 1u);
  // Both contributed +1 where they delivered: the mean is 1 everywhere.
  for (float v : result->global.model().values) EXPECT_FLOAT_EQ(v, 1.0f);
}

TEST(RoundEngineTest, JobCancellationStopsTheRound) {
  Fixture f({Behaviour::kHang, Behaviour::kHang});
  FedAvg fedavg({});
  RoundEngine engine(&fedavg, Options(1, absl::Hours(1)), &SystemClock(),
                     nullptr);
  CancellationToken job;
  std::thread canceller([&] { job.Cancel(); });
  auto result = engine.RunTraining(1, TrainCall{}, Zeros(), f.nodes, &job);
  canceller.join();
  EXPECT_EQ(result.status().code(), absl::StatusCode::kCancelled);
}

TEST(RoundEngineTest, EvaluationAggregatesAnsweringNodes) {
  Fixture f({Behaviour::kAddOne, Behaviour::kFail, Behaviour::kAddOne});
  FedAvg fedavg({});
  RoundEngine engine(&fedavg, Options(1, absl::Seconds(30)), &SystemClock(),
                     nullptr);
  auto result = engine.RunEvaluation(EvaluateCall{}, Zeros(), f.nodes, nullptr);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->completed, 2u);
  EXPECT_EQ(result->aggregate.num_examples, 40);
  EXPECT_DOUBLE_EQ(*result->aggregate.c_index, 0.7);
}

TEST(CancellationTokenTest, CallbacksRunOnceAndLateRegistrationRunsAtOnce) {
  CancellationToken token;
  int calls = 0;
  token.Register([&] { ++calls; });
  uint64_t removed = token.Register([&] { calls += 100; });
  token.Unregister(removed);
  token.Cancel();
  token.Cancel();
  EXPECT_EQ(calls, 1);
  token.Register([&] { ++calls; });
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(token.cancelled());
}

}  // namespace
}  // namespace dsfl::master
