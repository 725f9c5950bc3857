// The slave's model copies and digests (docs/performance.md): SlaveCore::Train
// given ownership of the received model returns a noop update in the same
// buffer (no copy), and the round's audit record names the SHA-256 of what
// was received and sent: the receiver's verified digest, reused for a noop
// update, and a fresh digest for an update the trainer changed.
#include <string>
#include <utility>

#include "common/audit/audit_event.h"
#include "common/audit/audit_sink.h"
#include "common/flat_model.h"
#include "common/model_stream.h"
#include "connector-adapters/dataproxy/csv_data_source.h"
#include "gtest/gtest.h"
#include "slave/core/slave_core.h"

namespace dsfl {
namespace {

class CsvSource : public dataproxy::DataSource {
 public:
  StatusOr<dataproxy::Table> Read() override {
    std::string csv = "x,y\n";
    for (int i = 0; i < 40; ++i) {
      csv += std::to_string(i) + "," + std::to_string(i % 2) + "\n";
    }
    return dataproxy::ParseCsv(csv, "memory");
  }
  std::string Describe() const override { return "memory-csv"; }
};

master::TrainCall NoopCall(int64_t params) {
  master::TrainCall call;
  call.job.job_id = "job-1";
  call.job.round = 3;
  call.model.kind = master::ModelKind::kNoop;
  call.model.noop_parameters = params;
  call.data.task = master::Task::kBinary;
  call.data.roles.features = {"x"};
  call.data.roles.label = "y";
  call.data.standardization.mean = {20.0};
  call.data.standardization.stddev = {10.0};
  return call;
}

FlatModel Noop(int64_t params, float base) {
  FlatModel m;
  m.spec = ModelSpec({TensorSpec{"weights", {params}}});
  m.values.resize(static_cast<size_t>(params));
  for (size_t i = 0; i < m.values.size(); ++i) {
    m.values[i] = base + static_cast<float>(i % 1000);
  }
  return m;
}

// Receives `sent` through the stream receiver, as the slave service does
// (ModelUpload): the model with the digest its stream was verified against.
HashedModel Receive(const FlatModel& sent) {
  const StreamHeader header = MakeStreamHeader(sent, 1 << 16);
  auto receiver = ModelStreamReceiver::Start(header, nullptr);
  EXPECT_TRUE(receiver.ok());
  FlatModelSink sink(header.spec);
  ChunkCursor cursor(sent, 1 << 16);
  ChunkView chunk;
  while (cursor.Next(&chunk)) {
    EXPECT_TRUE(receiver->OnChunk(chunk.offset, chunk.bytes, &sink).ok());
  }
  EXPECT_TRUE(receiver->Finish().ok());
  return HashedModel(sink.Release(), receiver->header().digest);
}

TEST(SlaveCoreTrain, OwnedNoopModelIsReturnedWithoutACopyAndAuditedRight) {
  audit::MemoryAuditSink audit;
  slave::SlaveCore core({"h1", "h1"}, std::make_unique<CsvSource>(), {},
                        &audit);
  const int64_t params = 100000;
  const FlatModel sent = Noop(params, 0.5f);
  const std::string digest = ModelDigestHex(sent);
  HashedModel received = Receive(sent);
  const float* buffer = received.model().values.data();
  auto outcome = core.Train(NoopCall(params), std::move(received), nullptr, {});
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->update.model().values.data(), buffer);  // no copy
  EXPECT_EQ(outcome->update.model().values, sent.values);
  EXPECT_EQ(outcome->update.digest_hex(), digest);
  const auto rounds = audit.events(audit::events::kRoundParticipation);
  ASSERT_EQ(rounds.size(), 1u);
  EXPECT_EQ(rounds[0].details["model_received_digest"], digest);
  EXPECT_EQ(rounds[0].details["update_sent_digest"], digest);
  // The update's stream header carries the real digest.
  EXPECT_EQ(ToHex(MakeStreamHeader(outcome->update).digest), digest);
}

TEST(SlaveCoreTrain, BorrowedModelIsCopiedWithItsDigest) {
  audit::MemoryAuditSink audit;
  slave::SlaveCore core({"h1", "h1"}, std::make_unique<CsvSource>(), {},
                        &audit);
  const int64_t params = 50000;
  const HashedModel global = Receive(Noop(params, 1.0f));
  auto update = core.Train(NoopCall(params), global, nullptr, {});
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_NE(update->update.model().values.data(), global.model().values.data());
  EXPECT_EQ(update->update.digest_hex(), ModelDigestHex(global.model()));
  EXPECT_EQ(update->update.digest_hex(),
            ModelDigestHex(update->update.model()));
}

TEST(SlaveCoreTrain, AnUpdateTheTrainerChangedIsHashedAnew) {
  audit::MemoryAuditSink audit;
  slave::SlaveCore core({"h1", "h1"}, std::make_unique<CsvSource>(), {},
                        &audit);
  master::TrainCall call = NoopCall(1);
  call.model.kind = master::ModelKind::kLogistic;
  call.plan.local_epochs = 2;
  call.plan.batch_size = 8;
  call.plan.optimizer.learning_rate = 0.5;
  auto start = core.InitializeModel(call.job, call.model, call.data, 7);
  ASSERT_TRUE(start.ok()) << start.status();
  HashedModel received = Receive(*start);
  const std::string received_digest = received.digest_hex();
  auto update = core.Train(call, std::move(received), nullptr, {});
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_NE(update->update.model().values, start->values);  // it trained
  EXPECT_EQ(update->update.digest_hex(),
            ModelDigestHex(update->update.model()));
  const auto rounds = audit.events(audit::events::kRoundParticipation);
  ASSERT_EQ(rounds.size(), 1u);
  EXPECT_EQ(rounds[0].details["model_received_digest"], received_digest);
  EXPECT_EQ(rounds[0].details["update_sent_digest"],
            update->update.digest_hex());
  EXPECT_NE(rounds[0].details["update_sent_digest"], received_digest);
}

}  // namespace
}  // namespace dsfl
