// The dsfl-dataproxy binary: serves over HTTPS, writes its port file, and
// exits 0 on SIGTERM. Readiness is its stdout line, read through a pipe (no
// polling, no sleeps).
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "connector-adapters/dataproxy/csv_data_source.h"
#include "connector-adapters/dataproxy/http_data_proxy_source.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/dataproxy/test_util.h"

extern char** environ;

namespace dsfl::dataproxy {
namespace {

using ::testing::HasSubstr;
using testing::LungCsvPath;
using testing::TablesEqual;
using testing::TempDir;

constexpr char kToken[] = "binary-test-token";

// A child process with its stdout connected to a pipe.
class Child {
 public:
  explicit Child(const std::vector<std::string>& args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    std::vector<char*> argv;
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) !=
        0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (out_ != nullptr) fclose(out_);
  }

  bool started() const { return pid_ > 0 && out_ != nullptr; }

  // The next stdout line, or "" at end of file.
  std::string ReadLine() {
    char buffer[4096];
    if (fgets(buffer, sizeof(buffer), out_) == nullptr) return "";
    return buffer;
  }

  void Signal(int signal_number) { kill(pid_, signal_number); }

  // Waits for exit; returns the wait status.
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
  std::FILE* out_ = nullptr;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(DevDataProxyMainTest, ServesWritesPortFileAndStopsOnSigterm) {
  StatusOr<testing::TestPki> pki = testing::MakeTestPki("binary test CA");
  ASSERT_TRUE(pki.ok()) << pki.status();
  TempDir dir;
  const std::string port_file = dir.path() + "/port";
  Child child({DSFL_DATAPROXY_BINARY, "--csv", LungCsvPath(), "--cert",
               dir.WriteFile("server.pem", pki->server_cert_pem), "--key",
               dir.WriteFile("server.key", pki->server_key_pem), "--token-file",
               dir.WriteFile("token", kToken), "--port-file", port_file});
  ASSERT_TRUE(child.started());
  std::string ready = child.ReadLine();
  ASSERT_THAT(ready, HasSubstr("dsfl-dataproxy listening on https://"));

  const std::string port = ReadAll(port_file);
  ASSERT_FALSE(port.empty());
  EXPECT_EQ(port.back(), '\n');
  EXPECT_THAT(ready, HasSubstr(":" + port.substr(0, port.size() - 1) + "/"));

  HttpDataProxyConfig config;
  config.base_url =
      "https://127.0.0.1:" + port.substr(0, port.size() - 1) + "/v1/dataset";
  config.bearer_token = kToken;
  config.ca_file = dir.WriteFile("ca.pem", pki->ca_pem);
  config.page_size = 64;
  auto source = HttpDataProxySource::Create(config);
  ASSERT_TRUE(source.ok()) << source.status();
  StatusOr<Table> table = (*source)->Read();
  ASSERT_TRUE(table.ok()) << table.status();
  StatusOr<Table> expected = CsvDataSource(LungCsvPath()).Read();
  ASSERT_TRUE(expected.ok());
  EXPECT_TRUE(TablesEqual(*expected, *table));

  child.Signal(SIGTERM);
  int status = child.Wait();
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(DevDataProxyMainTest, BadInputExitsNonZero) {
  TempDir dir;
  Child child({DSFL_DATAPROXY_BINARY, "--csv", LungCsvPath(), "--cert",
               dir.WriteFile("server.pem", "junk"), "--key",
               dir.WriteFile("server.key", "junk"), "--token-file",
               dir.WriteFile("token", kToken)});
  ASSERT_TRUE(child.started());
  EXPECT_EQ(child.ReadLine(), "");  // Never becomes ready.
  int status = child.Wait();
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
}

}  // namespace
}  // namespace dsfl::dataproxy
