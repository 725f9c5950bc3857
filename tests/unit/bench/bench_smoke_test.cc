// Runs each bench/ program the way `scripts/bench.sh --quick` does (tiny
// models, real processes) and checks that every line of its output is a
// valid benchmark record with the expected names. No speed is checked.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_output.h"
#include "common/subprocess.h"
#include "gtest/gtest.h"

namespace dsfl::bench {
namespace {

std::string Bin(const std::string& name) {
  return std::string(std::getenv("DSFL_BINARY_DIR")) + "/bin/" + name;
}

// Runs `argv`, returns its output lines (stdout and stderr together).
std::vector<std::string> RunProgram(const std::vector<std::string>& argv,
                                    int* status) {
  char pattern[] = "/tmp/dsfl_bench_smoke_XXXXXX";
  const int fd = ::mkstemp(pattern);
  EXPECT_GE(fd, 0);
  ::close(fd);
  auto process = Subprocess::Spawn(argv, pattern);
  EXPECT_TRUE(process.ok()) << process.status();
  *status = process.ok() ? (*process)->Wait() : -1;
  std::ifstream in(pattern);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  std::remove(pattern);
  return lines;
}

// Checks every JSON line and returns the bench names seen.
std::multiset<std::string> Records(const std::vector<std::string>& lines) {
  std::multiset<std::string> names;
  for (const std::string& line : lines) {
    if (line.empty() || line.front() != '{') continue;  // log lines
    auto record = ParseBenchLine(line);
    EXPECT_TRUE(record.ok()) << record.status();
    if (record.ok()) names.insert(record->bench);
  }
  return names;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::ostringstream out;
  for (const auto& l : lines) out << l << "\n";
  return out.str();
}

TEST(BenchOutput, FormatThenParseKeepsEveryField) {
  BenchRecord r{"aggregate",      1000, 8, 2.5e9, "floats/s", 0.9,
                {{"axpy", 2.7e9}}};
  auto parsed = ParseBenchLine(FormatBenchLine(r));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->bench, "aggregate");
  EXPECT_EQ(parsed->params, 1000);
  EXPECT_EQ(parsed->nodes, 8);
  EXPECT_DOUBLE_EQ(parsed->value, 2.5e9);
  EXPECT_EQ(parsed->unit, "floats/s");
  ASSERT_TRUE(parsed->ratio.has_value());
  EXPECT_DOUBLE_EQ(*parsed->ratio, 0.9);
  EXPECT_DOUBLE_EQ(parsed->extra["axpy"].get<double>(), 2.7e9);
}

TEST(BenchOutput, RejectsMalformedLines) {
  for (
      const char* bad : {
          "not json",
          "[1, 2]",
          R"({"params": 1, "nodes": 1, "value": 1, "unit": "s"})",
          R"({"bench": "x", "params": -1, "nodes": 1, "value": 1, "unit": "s"})",
          R"({"bench": "x", "params": 1.5, "nodes": 1, "value": 1, "unit": "s"})",
          R"({"bench": "x", "params": 1, "nodes": 1, "value": "1", "unit": "s"})",
          R"({"bench": "x", "params": 1, "nodes": 1, "value": 1})",
          R"({"bench": "x", "params": 1, "nodes": 1, "value": 1, "unit": "s", "ratio": "a"})",
      }) {
    EXPECT_FALSE(ParseBenchLine(bad).ok()) << bad;
  }
}

void ExpectEveryRecordHasARatio(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    auto r = ParseBenchLine(line);
    if (r.ok()) {
      EXPECT_TRUE(r->ratio.has_value()) << line;
    }
  }
}

TEST(BenchSmoke, AggregatePrintsRecordsWithRatios) {
  int status = 0;
  auto lines = RunProgram({Bin("dsfl-bench-aggregate"), "--params", "10000",
                           "--nodes", "2", "--repeat", "1"},
                          &status);
  ASSERT_EQ(status, 0) << Joined(lines);
  EXPECT_EQ(Records(lines).count("aggregate"), 1u) << Joined(lines);
  ExpectEveryRecordHasARatio(lines);
}

TEST(BenchSmoke, DigestPrintsFourVariantsWithRatios) {
  int status = 0;
  auto lines = RunProgram(
      {Bin("dsfl-bench-digest"), "--params", "300000", "--repeat", "1"},
      &status);
  ASSERT_EQ(status, 0) << Joined(lines);
  EXPECT_EQ(Records(lines).count("digest"), 4u) << Joined(lines);
  ExpectEveryRecordHasARatio(lines);
}

TEST(BenchSmoke, FederationRunsRealProcessesAndPrintsRssAndRounds) {
  int status = 0;
  auto lines = RunProgram({Bin("dsfl-bench-federation"), "--params", "10000",
                           "--nodes", "2", "--rounds", "3"},
                          &status);
  ASSERT_EQ(status, 0) << Joined(lines);
  auto names = Records(lines);
  EXPECT_EQ(names.count("master_rss"), 1u) << Joined(lines);
  EXPECT_EQ(names.count("round_seconds"), 1u) << Joined(lines);
}

TEST(BenchSmoke, TransferPrintsThreeDirections) {
  int status = 0;
  auto lines = RunProgram(
      {Bin("dsfl-bench-transfer"), "--params", "10000", "--repeat", "1"},
      &status);
  ASSERT_EQ(status, 0) << Joined(lines);
  EXPECT_EQ(Records(lines).count("transfer"), 3u) << Joined(lines);
}

// Pids of this process's children (after PR_SET_CHILD_SUBREAPER: also the
// orphans of its descendants).
std::vector<pid_t> Children() {
  std::vector<pid_t> pids;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so parse after ')'.
    std::istringstream rest(line.substr(line.rfind(')') + 1));
    std::string state;
    pid_t ppid = 0;
    if (rest >> state >> ppid && ppid == ::getpid()) {
      pids.push_back(std::stoi(name));
    }
  }
  return pids;
}

// `dsfl-bench-transfer | head -1`: the reader goes away while the benchmark
// still runs its slave. The benchmark must stop its slave and exit with an
// error, not die of SIGPIPE and leave the slave running.
TEST(BenchSmoke, AClosedStdoutStopsTheSlavesInsteadOfOrphaningThem) {
  ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);  // orphans come to us
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  ::close(out[0]);  // nobody reads: every write to stdout fails
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null",
                                   O_WRONLY, 0);
  const std::string program = Bin("dsfl-bench-transfer");
  std::vector<std::string> args = {program, "--params", "100000", "--repeat",
                                   "1"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ASSERT_EQ(::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(),
                          environ),
            0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  if (WIFEXITED(status)) {
    EXPECT_NE(WEXITSTATUS(status), 0);  // its output was lost
  }
  const std::vector<pid_t> orphans = Children();
  EXPECT_TRUE(orphans.empty()) << orphans.size() << " orphaned slave(s)";
  for (pid_t orphan : orphans) {
    ::kill(orphan, SIGKILL);
    ::waitpid(orphan, nullptr, 0);
  }
}

TEST(BenchSmoke, TrainPrintsBothModels) {
  int status = 0;
  auto lines = RunProgram(
      {Bin("dsfl-bench-train"), "--rows", "500", "--epochs", "1"}, &status);
  ASSERT_EQ(status, 0) << Joined(lines);
  EXPECT_EQ(Records(lines).count("train"), 2u) << Joined(lines);
}

TEST(BenchSmoke, CheckToolRejectsABadLine) {
  char pattern[] = "/tmp/dsfl_bench_check_XXXXXX";
  const int fd = ::mkstemp(pattern);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(pattern) << "{\"bench\": \"x\"}\n";
  int status = 0;
  auto lines = RunProgram(
      {"/bin/sh", "-c", Bin("dsfl-bench-check") + " < " + std::string(pattern)},
      &status);
  std::remove(pattern);
  EXPECT_NE(status, 0) << Joined(lines);
}

}  // namespace
}  // namespace dsfl::bench
