#include "bench/federation.h"

#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "bench/proc_stats.h"
#include "common/model_file.h"
#include "common/tls/dev_ca.h"
#include "nlohmann/json.hpp"

namespace dsfl::bench {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

std::string NameOf(int i) { return absl::StrCat("slave-", i); }

Status WriteCsv(const std::string& path) {
  // 100 rows, one feature and a binary label: enough for min_rows with the
  // default held-out fraction; the noop model never looks at the values.
  std::string csv = "x,y\n";
  for (int i = 0; i < 100; ++i) absl::StrAppend(&csv, i, ",", i % 2, "\n");
  return WriteFileAtomically(path, csv);
}

std::string Tail(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

}  // namespace

double Median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::string BenchFederation::Path(const std::string& relative) const {
  return dir_ + "/" + relative;
}

std::string BenchFederation::SlaveAddress(int i) const {
  return absl::StrCat("127.0.0.1:", ports_.at(static_cast<size_t>(i)));
}

std::string BenchFederation::SlaveName(int i) const { return NameOf(i); }

StatusOr<std::unique_ptr<BenchFederation>> BenchFederation::Start(
    const FederationOptions& options) {
  std::unique_ptr<BenchFederation> f(new BenchFederation(options));
  DSFL_RETURN_IF_ERROR(f->Prepare());
  return f;
}

Status BenchFederation::Prepare() {
  std::string pattern = options_.work_parent + "/dsfl_bench_XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", pattern, " failed"));
  }
  dir_ = pattern;
  fs::create_directories(Path("pki"));
  DSFL_ASSIGN_OR_RETURN(auto ca,
                        tls::DevCertificateAuthority::Create("bench CA"));
  DSFL_RETURN_IF_ERROR(
      WriteFileAtomically(Path("pki/ca.pem"), ca.certificate_pem()));
  auto issue = [&](const std::string& name) -> Status {
    tls::CertificateRequest request;
    request.common_name = name;
    request.dns_names = {name, "localhost"};
    request.ip_addresses = {"127.0.0.1"};
    DSFL_ASSIGN_OR_RETURN(tls::PemKeyCert pair, ca.Issue(request));
    DSFL_RETURN_IF_ERROR(WriteFileAtomically(Path("pki/" + name + ".pem"),
                                             pair.certificate_pem));
    return WriteFileAtomically(Path("pki/" + name + ".key"),
                               pair.private_key_pem, 0600);
  };
  DSFL_RETURN_IF_ERROR(issue("master"));
  DSFL_RETURN_IF_ERROR(WriteCsv(Path("data.csv")));
  for (int i = 0; i < options_.nodes; ++i) {
    const std::string name = NameOf(i);
    DSFL_RETURN_IF_ERROR(issue(name));
    fs::create_directories(Path(name));
    nlohmann::json config = {
        {"node_id", name},
        {"listen", "127.0.0.1:0"},
        {"port_file", Path(name + "/port")},
        {"tls",
         {{"ca", Path("pki/ca.pem")},
          {"cert", Path("pki/" + name + ".pem")},
          {"key", Path("pki/" + name + ".key")}}},
        {"data_source", {{"type", "csv"}, {"path", Path("data.csv")}}},
        {"limits", {{"min_rows", 10}}}};
    DSFL_RETURN_IF_ERROR(
        WriteFileAtomically(Path(name + "/slave.json"), config.dump(2)));
    DSFL_ASSIGN_OR_RETURN(
        auto process,
        Subprocess::Spawn({options_.bin_dir + "/dsfl-slave", "--config",
                           Path(name + "/slave.json")},
                          Path(name + "/slave.log")));
    slaves_.push_back(std::move(process));
  }
  for (int i = 0; i < options_.nodes; ++i) {
    const std::string name = NameOf(i);
    auto port = WaitForFile(Path(name + "/port"), absl::Seconds(120),
                            slaves_[static_cast<size_t>(i)].get());
    if (!port.ok()) {
      return Status(port.status().code(),
                    absl::StrCat(name, ": ", port.status().message(), "\n",
                                 Tail(Path(name + "/slave.log"), 2000)));
    }
    ports_.push_back(std::stoi(*port));
  }
  return absl::OkStatus();
}

BenchFederation::~BenchFederation() {
  for (auto& slave : slaves_) {
    if (slave != nullptr) (void)slave->Signal(SIGTERM);
  }
  for (auto& slave : slaves_) {
    if (slave != nullptr) slave->Stop(absl::Seconds(10));
  }
  slaves_.clear();
  if (!options_.keep_work_dir && !dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
}

StatusOr<FederationResult> BenchFederation::Run() {
  nlohmann::json slaves = nlohmann::json::array();
  for (int i = 0; i < options_.nodes; ++i) {
    slaves.push_back(
        {{"id", NameOf(i)},
         {"endpoint",
          absl::StrCat("127.0.0.1:", ports_[static_cast<size_t>(i)])},
         {"tls_name", NameOf(i)}});
  }
  nlohmann::json job = {
      {"job_id", "bench-noop"},
      {"model", {{"type", "noop"}, {"parameters", options_.params}}},
      {"data", {{"features", {"x"}}, {"label", "y"}}},
      {"training", {{"rounds", options_.rounds}}},
      {"federation",
       {{"min_clients", options_.nodes},
        {"round_timeout_seconds", 3600},
        {"evaluate_every", 0},
        {"max_parallel", options_.max_parallel},
        {"chunk_bytes", options_.chunk_bytes},
        {"wire_format", options_.wire_format},
        {"seed", 1}}},
      {"slaves", slaves},
      {"tls",
       {{"ca", Path("pki/ca.pem")},
        {"cert", Path("pki/master.pem")},
        {"key", Path("pki/master.key")}}},
      {"output_dir", Path("master-out")}};
  DSFL_RETURN_IF_ERROR(WriteFileAtomically(Path("job.json"), job.dump(2)));
  const std::string log = Path("master.log");
  std::error_code ignored;
  fs::remove(log, ignored);

  FederationResult result;
  const auto start = Clock::now();
  DSFL_ASSIGN_OR_RETURN(auto master,
                        Subprocess::Spawn({options_.bin_dir + "/dsfl-master",
                                           "--json", "--job", Path("job.json")},
                                          log));
  std::ifstream out;
  std::streamoff read_to = 0;
  std::string pending;
  auto last_round = start;
  auto read_lines = [&] {
    if (!out.is_open()) out.open(log, std::ios::binary);
    if (!out.is_open()) return;
    out.clear();
    out.seekg(read_to);
    char buffer[4096];
    while (out.read(buffer, sizeof(buffer)) || out.gcount() > 0) {
      pending.append(buffer, static_cast<size_t>(out.gcount()));
      read_to += out.gcount();
    }
    size_t newline;
    while ((newline = pending.find('\n')) != std::string::npos) {
      const std::string line = pending.substr(0, newline);
      pending.erase(0, newline + 1);
      if (line.empty() || line.front() != '{') continue;
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || j.value("event", "") != "round") continue;
      const auto now = Clock::now();
      RoundTiming t;
      t.round = j.value("round", 0u);
      t.seconds = j.value("seconds", 0.0);
      t.wall_seconds = std::chrono::duration<double>(now - last_round).count();
      last_round = now;
      result.rounds.push_back(t);
    }
  };
  while (master->running()) {
    auto hwm = ReadProcStatusBytes(master->pid(), "VmHWM");
    if (hwm.ok()) {
      result.master_polled_hwm = std::max(result.master_polled_hwm, *hwm);
    }
    read_lines();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.exit_status = master->Wait();
  result.job_seconds =
      std::chrono::duration<double>(Clock::now() - start).count();
  read_lines();
  result.master_maxrss = ReapedChildrenMaxRssBytes();
  result.master_peak_rss =
      std::max(result.master_polled_hwm, result.master_maxrss);
  for (auto& slave : slaves_) {
    auto hwm = ReadProcStatusBytes(slave->pid(), "VmHWM");
    if (hwm.ok()) result.slave_peak_rss = std::max(result.slave_peak_rss, *hwm);
  }
  if (result.exit_status != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("dsfl-master exited with status ", result.exit_status,
                     "; log ", log, ":\n", Tail(log, 4000)));
  }
  return result;
}

}  // namespace dsfl::bench
