#include "tests/unit/devspace/test_support.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "common/tls/dev_ca.h"
#include "gtest/gtest.h"

extern char** environ;

namespace dsfl::devspace::testing {

Pki MakePki() {
  Pki pki;
  StatusOr<tls::DevCertificateAuthority> ca =
      tls::DevCertificateAuthority::Create("dsfl devspace test CA");
  EXPECT_TRUE(ca.ok());
  tls::CertificateRequest request;
  request.common_name = "localhost";
  request.dns_names = {"localhost"};
  request.ip_addresses = {"127.0.0.1"};
  request.client_auth = false;
  StatusOr<tls::PemKeyCert> leaf = ca->Issue(request);
  EXPECT_TRUE(leaf.ok());
  pki.ca_pem = ca->certificate_pem();
  pki.server_cert_pem = leaf->certificate_pem;
  pki.server_key_pem = leaf->private_key_pem;
  return pki;
}

DevspaceConfig DemoConfig() {
  DevspaceConfig config;
  config.api_key = "test-api-key";
  config.negotiation_step = absl::Milliseconds(150);
  auto hospital = [](const std::string& name, NegotiationBehaviour behaviour) {
    DevParticipant p;
    p.name = name;
    p.credentials = {"MembershipCredential"};
    DevDataset dataset;
    dataset.id = "lung-" + name;
    dataset.description = "NCCTG lung cancer cohort of " + name;
    // hospital-a -> 127.0.0.1:50051, hospital-b -> :50052, ...
    dataset.slave_endpoint =
        "127.0.0.1:" + std::to_string(50051 + (name.back() - 'a'));
    dataset.tls_server_name = name;
    dataset.profile = kLungProfile;
    dataset.required_credential = "FederatedModelCreatorCredential";
    dataset.negotiation = behaviour;
    p.datasets.push_back(dataset);
    return p;
  };
  DevParticipant master;
  master.name = "master";
  master.credentials = {"MembershipCredential",
                        "FederatedModelCreatorCredential"};
  config.participants.push_back(master);
  config.participants.push_back(
      hospital("hospital-a", NegotiationBehaviour::kAgree));
  DevParticipant b = hospital("hospital-b", NegotiationBehaviour::kAgree);
  b.revoked = {"MembershipCredential"};
  b.key_type = "EdDSA";
  config.participants.push_back(b);
  config.participants.push_back(
      hospital("hospital-c", NegotiationBehaviour::kStall));
  config.participants.push_back(
      hospital("hospital-d", NegotiationBehaviour::kTerminate));
  DevParticipant outsider;
  outsider.name = "outsider";
  config.participants.push_back(outsider);
  return config;
}

std::unique_ptr<DevDataspaceServer> StartServer(const Pki& pki,
                                                DevspaceConfig config,
                                                const Clock* clock) {
  DevDataspaceServerConfig server;
  server.certificate_pem = pki.server_cert_pem;
  server.private_key_pem = pki.server_key_pem;
  StatusOr<std::unique_ptr<DevDataspaceServer>> created =
      DevDataspaceServer::Create(server, std::move(config), clock);
  EXPECT_TRUE(created.ok()) << created.status();
  if (!created.ok()) return nullptr;
  Status started = (*created)->Start();
  EXPECT_TRUE(started.ok()) << started;
  return *std::move(created);
}

namespace {

pid_t SpawnWithPipe(const std::vector<std::string>& argv, std::FILE** out) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<char*> args;
  for (const std::string& arg : argv)
    args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) !=
      0) {
    pid = -1;
  }
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  *out = fdopen(fds[0], "r");
  return pid;
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult RunCommand(const std::vector<std::string>& argv) {
  CommandResult result;
  std::FILE* out = nullptr;
  pid_t pid = SpawnWithPipe(argv, &out);
  if (pid <= 0 || out == nullptr) return result;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), out)) > 0) {
    result.output.append(buffer, n);
  }
  std::fclose(out);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = ExitCode(status);
  return result;
}

Child::Child(const std::vector<std::string>& argv) {
  pid_ = SpawnWithPipe(argv, &out_);
}

Child::~Child() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    Wait();
  }
  if (out_ != nullptr) std::fclose(out_);
}

std::string Child::ReadLine() {
  char buffer[4096];
  if (out_ == nullptr || std::fgets(buffer, sizeof(buffer), out_) == nullptr) {
    return "";
  }
  return buffer;
}

void Child::Signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

int Child::Wait() {
  int status = 0;
  if (pid_ <= 0) return -1;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCode(status);
}

TempDir::TempDir() {
  std::string pattern = ::testing::TempDir() + "dsfl_devspace_XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  EXPECT_NE(mkdtemp(buffer.data()), nullptr);
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string WriteTempFile(const std::string& dir, const std::string& name,
                          const std::string& content) {
  const std::string path = dir + "/" + name;
  std::ofstream out(path, std::ios::binary);
  out << content;
  return path;
}

}  // namespace dsfl::devspace::testing
