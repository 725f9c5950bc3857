// dsfl-bench-digest: bytes/s of the model digest (common/tree_digest.h)
// against OpenSSL's SHA-256 of the same payload, in the same run. One line
// per variant, `ratio` = variant / sha256:
//   sha256       one SHA-256 stream over the payload (OpenSSL, SHA-NI)
//   tree         TreeDigest::Of on the calling thread (four leaves at once)
//   tree_threads TreeDigest::Of on --threads threads (the master's next
//                global model)
//   tree_chunks  TreeDigest::Update chunk by chunk, each 1 MiB chunk in
//                three pieces, as a receiver sees gRPC's slices
// Each variant runs --repeat times, interleaved; the best run counts.
//
// Usage: dsfl-bench-digest [--params 10000000] [--repeat 5] [--threads 2]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "bench/bench_output.h"
#include "common/sha256.h"
#include "common/tree_digest.h"

namespace dsfl::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Written by every timed run, so that no run can be optimised away.
volatile uint8_t g_sink = 0;

template <typename Fn>
double Seconds(Fn&& fn) {
  const auto start = Clock::now();
  g_sink = fn()[0];
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void Measure(int64_t params, int repeat, int threads) {
  std::vector<float> model(static_cast<size_t>(params));
  for (size_t i = 0; i < model.size(); ++i) {
    model[i] = static_cast<float>(i % 1000) * 0.001f;
  }
  const char* bytes = reinterpret_cast<const char*>(model.data());
  const size_t size = model.size() * sizeof(float);
  constexpr size_t kChunk = 1 << 20;

  auto sha256 = [&] {
    Sha256 hash;
    hash.Update(bytes, size);
    return hash.Finish();
  };
  auto tree = [&] { return TreeDigest::Of(bytes, size); };
  auto tree_threads = [&] { return TreeDigest::Of(bytes, size, threads); };
  auto tree_chunks = [&] {
    TreeDigest digest;
    for (size_t at = 0; at < size; at += kChunk) {
      const std::string_view chunk(bytes + at, std::min(kChunk, size - at));
      const size_t third = chunk.size() / 3;
      const std::string_view pieces[] = {chunk.substr(0, third),
                                         chunk.substr(third, third),
                                         chunk.substr(2 * third)};
      digest.Update(absl::MakeConstSpan(pieces));
    }
    return digest.Finish();
  };
  // The three ways of computing the model digest must agree.
  const Sha256Digest expected = tree();
  if (tree_threads() != expected || tree_chunks() != expected) {
    std::fprintf(stderr, "dsfl-bench-digest: model digests disagree\n");
    std::exit(1);
  }
  double best[4] = {1e300, 1e300, 1e300, 1e300};
  for (int r = 0; r < repeat; ++r) {
    best[0] = std::min(best[0], Seconds(sha256));
    best[1] = std::min(best[1], Seconds(tree));
    best[2] = std::min(best[2], Seconds(tree_threads));
    best[3] = std::min(best[3], Seconds(tree_chunks));
  }
  const char* names[] = {"sha256", "tree", "tree_threads", "tree_chunks"};
  const double sha256_rate = static_cast<double>(size) / best[0];
  for (int v = 0; v < 4; ++v) {
    const double rate = static_cast<double>(size) / best[v];
    nlohmann::json extra = {{"variant", names[v]}, {"repeat", repeat}};
    if (v == 2) extra["threads"] = threads;
    EmitBenchLine(
        {"digest", params, 1, rate, "bytes/s", rate / sha256_rate, extra});
  }
}

}  // namespace
}  // namespace dsfl::bench

int main(int argc, char** argv) {
  CLI::App app{"dsfl-bench-digest: model digest vs SHA-256"};
  std::vector<int64_t> params{10000000};
  int repeat = 5;
  int threads = 2;
  app.add_option("--params", params, "model sizes (float32 count)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  app.add_option("--repeat", repeat, "runs per variant (best counts)")
      ->check(CLI::PositiveNumber);
  app.add_option("--threads", threads, "threads of the tree_threads variant")
      ->check(CLI::Range(1, 16));
  CLI11_PARSE(app, argc, argv);
  for (int64_t p : params) dsfl::bench::Measure(p, repeat, threads);
  return 0;
}
