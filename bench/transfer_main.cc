// dsfl-bench-transfer: model bytes per second over mutual TLS between this
// process (the master's real GrpcSlaveClient, the same code dsfl-master
// runs) and one real dsfl-slave process on 127.0.0.1 running the noop
// model.
//
// Each Train call is timed at three points: start, the slave's result
// message (the whole model reached the slave, passed its checks and the
// noop "training"), and the end of the update stream (every chunk checked,
// SHA-256 verified and folded into a StreamingAggregator, as a round does).
// Prints, per model size, the median over --repeat calls (after one
// warm-up call) of:
//   transfer direction=master_to_slave: model bytes / (result - start)
//   transfer direction=slave_to_master: model bytes / (end - result)
//   transfer direction=round_trip:      2 x model bytes / (end - start)
//
// With --wire-format bfloat16 the model travels as bfloat16 (half the bytes
// on the wire); "model bytes" are still its float32 size.
//
// Usage: dsfl-bench-transfer [--params 10000000,50000000] [--repeat 5]
//        [--wire-format float32|bfloat16]
#include <chrono>
#include <iostream>
#include <optional>

#include "CLI/CLI.hpp"
#include "bench/bench_output.h"
#include "bench/federation.h"
#include "common/tls/grpc_process.h"
#include "common/tls/tls_policy.h"
#include "master/core/streaming_aggregator.h"
#include "master/transport/grpc_slave_client.h"

namespace dsfl::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The master's receive path for one update: validate and fold.
class TimingSink : public master::UpdateSink {
 public:
  TimingSink(const ModelSpec& spec, master::StreamingAggregator* aggregator)
      : spec_(spec), aggregator_(aggregator) {}
  void OnProgress(int64_t, double) override {}
  Status OnResult(const master::TrainSummary&) override {
    result_at = Clock::now();
    return absl::OkStatus();
  }
  Status OnHeader(StreamHeader header) override {
    DSFL_ASSIGN_OR_RETURN(
        ModelStreamReceiver r,
        ModelStreamReceiver::Start(std::move(header), &spec_));
    receiver_.emplace(std::move(r));
    node_.emplace(aggregator_, 1.0f);
    return absl::OkStatus();
  }
  Status OnChunk(uint64_t offset,
                 absl::Span<const std::string_view> pieces) override {
    return receiver_->OnChunk(offset, pieces, &*node_);
  }
  Status OnEnd() override {
    DSFL_RETURN_IF_ERROR(receiver_->Finish());
    end_at = Clock::now();
    return absl::OkStatus();
  }

  Clock::time_point result_at, end_at;

 private:
  const ModelSpec& spec_;
  master::StreamingAggregator* aggregator_;
  std::optional<ModelStreamReceiver> receiver_;
  std::optional<master::StreamingAggregator::NodeSink> node_;
};

Status Measure(BenchFederation* federation, int64_t params, int repeat,
               uint32_t chunk_bytes, WireFormat format) {
  master::SlaveEndpoint endpoint{federation->SlaveName(0),
                                 federation->SlaveAddress(0),
                                 federation->SlaveName(0)};
  master::TlsPaths tls{federation->MasterFile("ca.pem"),
                       federation->MasterFile("master.pem"),
                       federation->MasterFile("master.key")};
  DSFL_ASSIGN_OR_RETURN(
      auto client, master::ConnectSlave(endpoint, tls, false, chunk_bytes));
  master::TrainCall call;
  call.job.job_id = "bench-transfer";
  call.model.kind = master::ModelKind::kNoop;
  call.model.noop_parameters = params;
  call.data.task = master::Task::kBinary;
  call.data.roles.features = {"x"};
  call.data.roles.label = "y";
  call.data.held_out_fraction = 0.2;
  call.data.standardization.mean = {0.0};  // the master's job, done here
  call.data.standardization.stddev = {1.0};
  call.wire_format = format;
  FlatModel flat;
  flat.spec = ModelSpec({TensorSpec{"weights", {params}}});
  flat.values.assign(static_cast<size_t>(params), 0.5f);
  const HashedModel global(ForWire(std::move(flat), format));

  std::vector<double> down, up, both;
  for (int r = 0; r <= repeat; ++r) {
    master::StreamingAggregator aggregator(global.model().spec, chunk_bytes);
    TimingSink sink(global.model().spec, &aggregator);
    call.job.round = static_cast<uint32_t>(r + 1);
    const auto start = Clock::now();
    DSFL_RETURN_IF_ERROR(client->Train(call, global, &sink, {}));
    if (r == 0) continue;  // warm-up: connection, TLS handshake, data cache
    auto secs = [](Clock::time_point a, Clock::time_point b) {
      return std::chrono::duration<double>(b - a).count();
    };
    const double bytes = static_cast<double>(params) * 4.0;
    down.push_back(bytes / secs(start, sink.result_at));
    up.push_back(bytes / secs(sink.result_at, sink.end_at));
    both.push_back(2.0 * bytes / secs(start, sink.end_at));
  }
  nlohmann::json extra = {{"chunk_bytes", chunk_bytes},
                          {"repeat", repeat},
                          {"wire_format", WireFormatName(format)}};
  for (auto [direction, values] :
       {std::pair{"master_to_slave", &down}, std::pair{"slave_to_master", &up},
        std::pair{"round_trip", &both}}) {
    extra["direction"] = direction;
    EmitBenchLine({"transfer", params, 1, Median(*values), "bytes/s",
                   std::nullopt, extra});
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace dsfl::bench

int main(int argc, char** argv) {
  dsfl::bench::KeepRunningWithoutStdout();  // it runs slaves
  CLI::App app{"dsfl-bench-transfer: model bytes/s over mutual TLS"};
  std::vector<int64_t> params{10000000, 50000000};
  int repeat = 5;
  dsfl::bench::FederationOptions options;
  options.bin_dir = dsfl::ExecutableDir();
  options.nodes = 1;
  app.add_option("--params", params, "model sizes (float32s)")->delimiter(',');
  app.add_option("--repeat", repeat, "timed calls per size (median)");
  app.add_option("--chunk-bytes", options.chunk_bytes, "wire chunk size");
  app.add_option("--bin-dir", options.bin_dir, "where dsfl-slave is");
  app.add_option("--work-parent", options.work_parent, "parent of work dir");
  app.add_option("--wire-format", options.wire_format, "float32 or bfloat16")
      ->check(CLI::IsMember({"float32", "bfloat16"}));
  CLI11_PARSE(app, argc, argv);
  const dsfl::WireFormat format = options.wire_format == "bfloat16"
                                      ? dsfl::WireFormat::kBfloat16
                                      : dsfl::WireFormat::kFloat32;
  dsfl::tls::PrepareProcessForGrpc();  // as the master does
  if (auto s = dsfl::tls::RequireTls13ProcessWide(); !s.ok()) {
    std::cerr << "dsfl-bench-transfer: " << s << "\n";
    return 1;
  }
  auto federation = dsfl::bench::BenchFederation::Start(options);
  if (!federation.ok()) {
    std::cerr << "dsfl-bench-transfer: " << federation.status() << "\n";
    return 1;
  }
  for (int64_t p : params) {
    auto s = dsfl::bench::Measure(federation->get(), p, repeat,
                                  options.chunk_bytes, format);
    if (!s.ok()) {
      std::cerr << "dsfl-bench-transfer: " << s << "\n";
      return 1;
    }
  }
  return dsfl::bench::StdoutFailed() ? 1 : 0;
}
