// BenchFederation: a federation of real processes for the benchmarks: a
// dev CA with mutual-TLS certificates, N dsfl-slave processes on free
// 127.0.0.1 ports (each with a small CSV; the model is the "noop" model,
// which returns the global model unchanged, so only the framework's own
// cost shows), and a dsfl-master process running a noop job against them.
//
// While the master runs, Run() polls every 5 ms: its /proc VmHWM (peak
// RSS) and its --json output, time-stamping each round line (wall-clock
// seconds between consecutive rounds, which include the checkpoint write).
// After it exits, the reaped child's ru_maxrss (the kernel's final VmHWM)
// is read as well; the peak reported is the larger of the two.
//
// Everything lives in a fresh directory (removed unless keep_work_dir) and
// every process is stopped when the federation is destroyed. Errors name
// the process and its log. Thread-compatibility: one owner.
#ifndef DSFL_BENCH_FEDERATION_H_
#define DSFL_BENCH_FEDERATION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/model_stream.h"
#include "common/status.h"
#include "common/subprocess.h"

namespace dsfl::bench {

struct FederationOptions {
  int64_t params = 1000000;  // noop model size, float32 values
  int nodes = 2;
  int rounds = 6;
  uint32_t chunk_bytes = kDefaultChunkBytes;
  size_t max_parallel = 0;  // federation.max_parallel (0 = all)
  std::string wire_format = "float32";  // federation.wire_format
  std::string bin_dir;      // holds dsfl-master and dsfl-slave
  std::string work_parent = "/tmp";
  bool keep_work_dir = false;
};

struct RoundTiming {
  uint32_t round = 0;
  double seconds = 0.0;       // as the master reports it (training round)
  double wall_seconds = 0.0;  // since the previous round line (or start)
};

struct FederationResult {
  std::vector<RoundTiming> rounds;
  int64_t master_peak_rss = 0;  // bytes: max(polled VmHWM, ru_maxrss)
  int64_t master_polled_hwm = 0;
  int64_t master_maxrss = 0;
  int64_t slave_peak_rss = 0;  // bytes, the largest slave's VmHWM
  double job_seconds = 0.0;
  int exit_status = -1;
};

class BenchFederation {
 public:
  // Creates the PKI and data and starts the slaves (waits for their ports).
  static StatusOr<std::unique_ptr<BenchFederation>> Start(
      const FederationOptions& options);
  ~BenchFederation();

  // Runs dsfl-master once. FailedPrecondition (with the log's tail) when it
  // exits non-zero.
  StatusOr<FederationResult> Run();

  const std::string& dir() const { return dir_; }
  // host:port of slave i, its certificate name, and the master's TLS files.
  std::string SlaveAddress(int i) const;
  std::string SlaveName(int i) const;
  std::string MasterFile(const std::string& name) const {  // ca.pem, ...
    return Path("pki/" + name);
  }

 private:
  explicit BenchFederation(FederationOptions options)
      : options_(std::move(options)) {}
  Status Prepare();
  std::string Path(const std::string& relative) const;

  FederationOptions options_;
  std::string dir_;
  std::vector<std::unique_ptr<Subprocess>> slaves_;
  std::vector<int> ports_;
};

// Median of `values` (empty: 0).
double Median(std::vector<double> values);

}  // namespace dsfl::bench

#endif  // DSFL_BENCH_FEDERATION_H_
