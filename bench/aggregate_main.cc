// dsfl-bench-aggregate: floats/s of folding N updates of P float32 values
// into the master's StreamingAggregator, chunk by chunk as they arrive off
// the wire, against a plain one-thread axpy (y += a*x) over the same
// buffers in the same run. ratio = aggregate / axpy.
//
// Each update is folded in wire-sized chunks from a source buffer (updates
// cycle over a few source buffers so that large P x N fits in memory; every
// variant reads the same buffers in the same order). Each variant runs
// --repeat times, interleaved, and the best run counts (least disturbed by
// other processes). A third line, `aggregate_validated`, is the whole
// receive path per chunk: offset/size checks, finiteness, digest (ModelDigest)
// and fold.
//
// Usage: dsfl-bench-aggregate [--params 1000000,10000000] [--nodes 2,8]
//                             [--repeat 3] [--chunk-bytes 1048576]
#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/axpy.h"
#include "bench/bench_output.h"
#include "common/model_stream.h"
#include "common/tree_digest.h"
#include "master/core/streaming_aggregator.h"

namespace dsfl::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Buffers {
  int64_t params = 0;
  uint32_t chunk_bytes = 0;
  std::vector<std::vector<float>> sources;
};

Buffers MakeBuffers(int64_t params, int64_t nodes, uint32_t chunk_bytes) {
  Buffers b;
  b.params = params;
  b.chunk_bytes = chunk_bytes;
  // At most ~1 GiB of sources, at least one and at most `nodes`.
  const int64_t cap = std::max<int64_t>(1, (int64_t{1} << 28) / params);
  const int64_t count = std::min<int64_t>(nodes, std::min<int64_t>(cap, 4));
  for (int64_t s = 0; s < count; ++s) {
    std::vector<float> v(static_cast<size_t>(params));
    for (int64_t i = 0; i < params; ++i) {
      v[static_cast<size_t>(i)] =
          static_cast<float>((i * 7 + s) % 1000) * 1e-3f;
    }
    b.sources.push_back(std::move(v));
  }
  return b;
}

ModelSpec SpecFor(int64_t params) {
  return ModelSpec({TensorSpec{"weights", {params}}});
}

// Folds every update through `fold(update, first_element, values, count)`.
template <typename Fold>
double Run(const Buffers& b, int64_t nodes, Fold fold) {
  const uint64_t per_chunk = b.chunk_bytes / sizeof(float);
  const auto start = Clock::now();
  for (int64_t u = 0; u < nodes; ++u) {
    const float* src =
        b.sources[static_cast<size_t>(u) % b.sources.size()].data();
    for (uint64_t first = 0; first < static_cast<uint64_t>(b.params);
         first += per_chunk) {
      const size_t count = static_cast<size_t>(std::min<uint64_t>(
          per_chunk, static_cast<uint64_t>(b.params) - first));
      fold(u, first, src + first, count);
    }
  }
  return Seconds(start, Clock::now());
}

void Measure(int64_t params, int64_t nodes, int repeat, uint32_t chunk_bytes) {
  Buffers b = MakeBuffers(params, nodes, chunk_bytes);
  const ModelSpec spec = SpecFor(params);
  FlatModel global{spec, std::vector<float>(static_cast<size_t>(params), 0.f)};
  std::vector<Sha256Digest> digests;
  for (const auto& s : b.sources) {
    digests.push_back(TreeDigest::Of(s.data(), s.size() * sizeof(float)));
  }
  double best_axpy = 1e300, best_agg = 1e300, best_validated = 1e300;
  for (int r = 0; r < repeat; ++r) {
    {
      // The baseline: the same chunks, same order, into a zeroed buffer.
      std::vector<float> acc(static_cast<size_t>(params), 0.f);
      best_axpy = std::min(best_axpy, Run(b, nodes,
                                          [&](int64_t u, uint64_t first,
                                              const float* x, size_t count) {
                                            Axpy(acc.data() + first, x, count,
                                                 1.0f + static_cast<float>(u));
                                          }));
    }
    {
      master::StreamingAggregator agg(spec, chunk_bytes);
      std::vector<std::unique_ptr<master::StreamingAggregator::NodeSink>> sinks;
      for (int64_t u = 0; u < nodes; ++u) {
        sinks.push_back(std::make_unique<master::StreamingAggregator::NodeSink>(
            &agg, 1.0f + static_cast<float>(u)));
      }
      best_agg = std::min(
          best_agg,
          Run(b, nodes,
              [&](int64_t u, uint64_t first, const float* x, size_t count) {
                (void)sinks[static_cast<size_t>(u)]->Consume(
                    first, reinterpret_cast<const char*>(x), count);
              }));
      FlatModel mean = std::move(agg).Finish(global);
      if (mean.values.size() != static_cast<size_t>(params)) std::abort();
    }
    {
      master::StreamingAggregator agg(spec, chunk_bytes);
      std::vector<ModelStreamReceiver> receivers;
      std::vector<std::unique_ptr<master::StreamingAggregator::NodeSink>> sinks;
      for (int64_t u = 0; u < nodes; ++u) {
        StreamHeader h;
        h.spec = spec;
        h.total_bytes = static_cast<uint64_t>(params) * sizeof(float);
        h.digest = digests[static_cast<size_t>(u) % digests.size()];
        h.chunk_bytes = chunk_bytes;
        receivers.push_back(*ModelStreamReceiver::Start(h, &spec));
        sinks.push_back(std::make_unique<master::StreamingAggregator::NodeSink>(
            &agg, 1.0f + static_cast<float>(u)));
      }
      Status status;
      best_validated = std::min(
          best_validated,
          Run(b, nodes,
              [&](int64_t u, uint64_t first, const float* x, size_t count) {
                Status s = receivers[static_cast<size_t>(u)].OnChunk(
                    first * sizeof(float),
                    std::string_view(reinterpret_cast<const char*>(x),
                                     count * sizeof(float)),
                    sinks[static_cast<size_t>(u)].get());
                if (!s.ok()) status = s;
              }));
      for (auto& r : receivers) {
        Status s = r.Finish();
        if (!s.ok()) status = s;
      }
      if (!status.ok()) {
        std::cerr << "validated fold failed: " << status << "\n";
        std::abort();
      }
    }
  }
  const double floats =
      static_cast<double>(params) * static_cast<double>(nodes);
  const double axpy = floats / best_axpy;
  const double agg = floats / best_agg;
  const double validated = floats / best_validated;
  nlohmann::json extra = {
      {"axpy", axpy}, {"chunk_bytes", chunk_bytes}, {"repeat", repeat}};
  EmitBenchLine(
      {"aggregate", params, nodes, agg, "floats/s", agg / axpy, extra});
  EmitBenchLine({"aggregate_validated", params, nodes, validated, "floats/s",
                 validated / axpy, extra});
}

}  // namespace
}  // namespace dsfl::bench

int main(int argc, char** argv) {
  CLI::App app{"dsfl-bench-aggregate: streaming FedAvg fold vs axpy"};
  std::vector<int64_t> params{1000000, 10000000, 50000000};
  std::vector<int64_t> nodes{2, 8, 32};
  int repeat = 3;
  uint32_t chunk_bytes = dsfl::kDefaultChunkBytes;
  app.add_option("--params", params, "model sizes (float32 count)")
      ->delimiter(',');
  app.add_option("--nodes", nodes, "updates folded")->delimiter(',');
  app.add_option("--repeat", repeat, "runs per variant (best counts)");
  app.add_option("--chunk-bytes", chunk_bytes, "wire chunk size");
  CLI11_PARSE(app, argc, argv);
  for (int64_t p : params) {
    for (int64_t n : nodes) {
      dsfl::bench::Measure(p, n, repeat, chunk_bytes);
    }
  }
  return 0;
}
