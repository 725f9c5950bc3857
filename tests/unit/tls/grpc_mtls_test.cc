// Mutual TLS 1.3 between a real gRPC server and clients on loopback
// (ephemeral ports, no sleeps): who gets in, who does not, and what the
// server learns about its peer.
#include <arpa/inet.h>
#include <grpc/support/log.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/tls/dev_ca.h"
#include "common/tls/grpc_credentials.h"
#include "common/tls/openssl_util.h"
#include "common/tls/tls_policy.h"
#include "dsfl/v1/slave.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/tls/test_pki.h"

namespace dsfl::tls {
namespace {

using ::dsfl::tls::testing::MustCreateCa;
using ::dsfl::tls::testing::MustIssue;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kServerName[] = "slave-a.dsfl.test";

// gRPC's log, captured so tests can see why the server dropped a handshake
// (and still printed to stderr).
std::mutex grpc_log_mutex;
std::string grpc_log;  // Guarded by grpc_log_mutex.

void CaptureGrpcLog(gpr_log_func_args* args) {
  {
    std::lock_guard<std::mutex> lock(grpc_log_mutex);
    grpc_log.append(args->message).append("\n");
  }
  std::fprintf(stderr, "[grpc %s] %s:%d %s\n",
               gpr_log_severity_string(args->severity), args->file, args->line,
               args->message);
}

std::string TakeGrpcLog() {
  std::lock_guard<std::mutex> lock(grpc_log_mutex);
  std::string log;
  log.swap(grpc_log);
  return log;
}

// GetInfo only; records who called.
class InfoService final : public v1::Slave::Service {
 public:
  grpc::Status GetInfo(grpc::ServerContext* context,
                       const v1::GetInfoRequest* /*request*/,
                       v1::NodeInfo* reply) override {
    auto peer = PeerFromContext(*context->auth_context());
    if (!peer.ok()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED,
                          std::string(peer.status().message()));
    }
    reply->set_node_id("slave-a");
    reply->set_display_name(std::string(padding_bytes_, 'x'));
    std::lock_guard<std::mutex> lock(mutex_);
    last_peer_ = *std::move(peer);
    return grpc::Status::OK;
  }

  std::optional<PeerIdentity> last_peer() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_peer_;
  }
  void set_padding_bytes(size_t bytes) { padding_bytes_ = bytes; }

 private:
  std::mutex mutex_;
  std::optional<PeerIdentity> last_peer_;
  size_t padding_bytes_ = 0;  // Set before calls, not during.
};

struct RunningServer {
  InfoService service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;

  ~RunningServer() {
    if (server != nullptr) server->Shutdown();
  }
};

std::unique_ptr<RunningServer> StartServer(const TlsFiles& files) {
  auto running = std::make_unique<RunningServer>();
  grpc::ServerBuilder builder;
  ApplyServerArguments(&builder);
  builder.AddListeningPort("127.0.0.1:0", MakeServerCredentials(files),
                           &running->port);
  builder.RegisterService(&running->service);
  running->server = builder.BuildAndStart();
  EXPECT_NE(running->server, nullptr);
  EXPECT_GT(running->port, 0);
  return running;
}

grpc::Status CallGetInfo(int port,
                         std::shared_ptr<grpc::ChannelCredentials> creds,
                         const std::string& target_name, v1::NodeInfo* reply) {
  auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(port),
                                           std::move(creds),
                                           MakeChannelArguments(target_name));
  auto stub = v1::Slave::NewStub(channel);
  grpc::ClientContext context;
  // Failing handshakes end the call with UNAVAILABLE right away (no
  // wait_for_ready); the deadline only bounds a broken test.
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(20));
  return stub->GetInfo(&context, v1::GetInfoRequest(), reply);
}

struct ProbeResult {
  bool ok = false;
  int version = 0;
  int reason = 0;  // ERR_GET_REASON of the first error, if !ok.
  std::string error;
};

// A raw OpenSSL client over a TCP socket to 127.0.0.1:port, speaking only
// `version` (TLS1_2_VERSION or TLS1_3_VERSION), offering ALPN h2 and a
// valid client certificate, so the version is the only thing that differs
// from a legitimate master.
ProbeResult ProbeTls(int port, int version, const TlsFiles& client) {
  ProbeResult result;
  UniqueSslCtx ctx(SSL_CTX_new(TLS_client_method()));
  // Undo the process policy on this one context to get a genuine TLS 1.2
  // client (the policy would otherwise stop it from offering TLS 1.2).
  SSL_CTX_clear_options(ctx.get(), SSL_OP_NO_TLSv1_2);
  SSL_CTX_set_min_proto_version(ctx.get(), version);
  SSL_CTX_set_max_proto_version(ctx.get(), version);
  auto ca = ParseCertificatePem(client.ca_cert_pem);
  auto cert = ParseCertificatePem(client.cert_pem);
  auto key = ParsePrivateKeyPem(client.key_pem);
  if (!ca.ok() || !cert.ok() || !key.ok()) {
    result.error = "bad test PEM";
    return result;
  }
  X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), ca->get());
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  SSL_CTX_use_certificate(ctx.get(), cert->get());
  SSL_CTX_use_PrivateKey(ctx.get(), key->get());
  static constexpr unsigned char kAlpn[] = {2, 'h', '2'};
  SSL_CTX_set_alpn_protos(ctx.get(), kAlpn, sizeof(kAlpn));

  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    result.error = "socket() failed";
    return result;
  }
  // A guard against a hung server, not a sleep.
  timeval timeout{20, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) !=
      0) {
    close(fd);
    result.error = "connect() failed";
    return result;
  }
  UniqueSsl ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  SSL_set_tlsext_host_name(ssl.get(), kServerName);
  ERR_clear_error();
  if (SSL_connect(ssl.get()) == 1) {
    result.ok = true;
    result.version = SSL_version(ssl.get());
    SSL_shutdown(ssl.get());
  } else {
    result.reason = ERR_GET_REASON(ERR_peek_error());
    result.error = OpenSslError("SSL_connect").ToString();
  }
  ssl.reset();
  close(fd);
  return result;
}

// A one-shot TLS 1.2-only server (raw OpenSSL) on an ephemeral loopback
// port: accepts one connection and records how its handshake ended.
class Tls12OnlyServer {
 public:
  explicit Tls12OnlyServer(const TlsFiles& files) {
    ctx_.reset(SSL_CTX_new(TLS_server_method()));
    SSL_CTX_clear_options(ctx_.get(), SSL_OP_NO_TLSv1_2);  // Undo policy.
    SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx_.get(), TLS1_2_VERSION);
    auto cert = ParseCertificatePem(files.cert_pem);
    auto key = ParsePrivateKeyPem(files.key_pem);
    EXPECT_TRUE(cert.ok() && key.ok());
    SSL_CTX_use_certificate(ctx_.get(), cert->get());
    SSL_CTX_use_PrivateKey(ctx_.get(), key->get());

    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{20, 0};  // Bounds accept() if the client never comes.
    setsockopt(listen_fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length),
              0);
    EXPECT_EQ(listen(listen_fd_, 4), 0);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { AcceptOne(); });
  }
  ~Tls12OnlyServer() {
    if (thread_.joinable()) thread_.join();
    close(listen_fd_);
  }

  int port() const { return port_; }
  // Waits for the one handshake; its OpenSSL error, "" if it succeeded.
  std::string Result() {
    if (thread_.joinable()) thread_.join();
    return error_;
  }

 private:
  void AcceptOne() {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      error_ = "accept() failed";
      return;
    }
    UniqueSsl ssl(SSL_new(ctx_.get()));
    SSL_set_fd(ssl.get(), fd);
    ERR_clear_error();
    if (SSL_accept(ssl.get()) != 1) {
      error_ = OpenSslError("SSL_accept").ToString();
    }
    ssl.reset();
    close(fd);
  }

  UniqueSslCtx ctx_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::string error_;  // Written by thread_, read after join.
  std::thread thread_;
};

class GrpcMtlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    gpr_set_log_function(&CaptureGrpcLog);
    // Before any gRPC credentials exist, as in the master and slave mains.
    const Status policy = RequireTls13ProcessWide();
    ASSERT_TRUE(policy.ok()) << policy;

    const DevCertificateAuthority ca = MustCreateCa("federation CA");
    const DevCertificateAuthority other_ca = MustCreateCa("impostor CA");

    CertificateRequest server_request;
    server_request.common_name = "slave-a";
    server_request.dns_names = {kServerName};
    server_request.ip_addresses = {"127.0.0.1"};
    server_request.uris = {"did:web:hospital-a.example"};
    server_request.client_auth = false;
    CertificateRequest client_request;
    client_request.common_name = "master";
    client_request.dns_names = {"master.dsfl.test"};
    client_request.uris = {"did:web:master.example"};
    client_request.server_auth = false;

    const auto files = [](const DevCertificateAuthority& trust,
                          const PemKeyCert& own) {
      return new TlsFiles{trust.certificate_pem(), own.certificate_pem,
                          own.private_key_pem};
    };
    server_ = files(ca, MustIssue(ca, server_request));
    impostor_server_ = files(ca, MustIssue(other_ca, server_request));
    client_ = files(ca, MustIssue(ca, client_request));
    impostor_client_ = files(ca, MustIssue(other_ca, client_request));
    // A server-only certificate from the right CA, used as a client one.
    server_cert_as_client_ = files(ca, MustIssue(ca, server_request));
    CertificateRequest client_only_server = server_request;
    client_only_server.server_auth = false;
    client_only_server.client_auth = true;
    client_cert_as_server_ = files(ca, MustIssue(ca, client_only_server));
    ASSERT_TRUE(ValidateTlsFiles(*server_).ok());
    ASSERT_TRUE(ValidateTlsFiles(*client_).ok());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete impostor_server_;
    delete client_;
    delete impostor_client_;
    delete server_cert_as_client_;
    delete client_cert_as_server_;
  }

  static TlsFiles* server_;
  static TlsFiles* impostor_server_;  // Trusts our CA, cert from another.
  static TlsFiles* client_;
  static TlsFiles* impostor_client_;        // Trusts our CA, cert from another.
  static TlsFiles* server_cert_as_client_;  // Right CA, EKU serverAuth only.
  static TlsFiles* client_cert_as_server_;  // Right CA, EKU clientAuth only.
};
TlsFiles* GrpcMtlsTest::server_ = nullptr;
TlsFiles* GrpcMtlsTest::impostor_server_ = nullptr;
TlsFiles* GrpcMtlsTest::client_ = nullptr;
TlsFiles* GrpcMtlsTest::impostor_client_ = nullptr;
TlsFiles* GrpcMtlsTest::server_cert_as_client_ = nullptr;
TlsFiles* GrpcMtlsTest::client_cert_as_server_ = nullptr;

TEST_F(GrpcMtlsTest, ClientFromTheCaConnectsAndServerSeesItsIdentity) {
  auto server = StartServer(*server_);
  v1::NodeInfo reply;
  const grpc::Status status = CallGetInfo(
      server->port, MakeChannelCredentials(*client_), kServerName, &reply);
  ASSERT_TRUE(status.ok()) << status.error_code() << " "
                           << status.error_message();
  EXPECT_EQ(reply.node_id(), "slave-a");

  const std::optional<PeerIdentity> peer = server->service.last_peer();
  ASSERT_TRUE(peer.has_value());
  EXPECT_EQ(peer->common_name, "master");
  EXPECT_THAT(peer->uris, ElementsAre("did:web:master.example"));
  EXPECT_THAT(peer->dns_names, ElementsAre("master.dsfl.test"));
  auto expected = ParseCertificatePem(client_->cert_pem);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(peer->sha256_fingerprint, *CertificateSha256Hex(expected->get()));
  EXPECT_EQ(peer->certificate_pem, client_->cert_pem);
}

TEST_F(GrpcMtlsTest, ClientWithCertificateFromAnotherCaIsRejected) {
  auto server = StartServer(*server_);
  v1::NodeInfo reply;
  const grpc::Status status =
      CallGetInfo(server->port, MakeChannelCredentials(*impostor_client_),
                  kServerName, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_FALSE(server->service.last_peer().has_value());
}

// OpenSSL checks the extended key usage: a slave's serverAuth-only
// certificate cannot be used to call another slave as if it were a master.
TEST_F(GrpcMtlsTest, ClientCertificateWithoutClientAuthUsageIsRejected) {
  auto server = StartServer(*server_);
  v1::NodeInfo reply;
  TakeGrpcLog();
  const grpc::Status status =
      CallGetInfo(server->port, MakeChannelCredentials(*server_cert_as_client_),
                  kServerName, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_FALSE(server->service.last_peer().has_value());
  EXPECT_THAT(TakeGrpcLog(), HasSubstr("certificate verify failed"));
}

TEST_F(GrpcMtlsTest, ClientWithoutCertificateIsRejected) {
  auto server = StartServer(*server_);
  grpc::SslCredentialsOptions no_cert;
  no_cert.pem_root_certs = client_->ca_cert_pem;
  v1::NodeInfo reply;
  const grpc::Status status = CallGetInfo(
      server->port, grpc::SslCredentials(no_cert), kServerName, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_FALSE(server->service.last_peer().has_value());
}

TEST_F(GrpcMtlsTest, ServerWithCertificateFromAnotherCaIsRefused) {
  auto server = StartServer(*impostor_server_);
  v1::NodeInfo reply;
  const grpc::Status status = CallGetInfo(
      server->port, MakeChannelCredentials(*client_), kServerName, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_FALSE(server->service.last_peer().has_value());
}

TEST_F(GrpcMtlsTest, ServerCertificateWithoutServerAuthUsageIsRefused) {
  auto server = StartServer(*client_cert_as_server_);
  v1::NodeInfo reply;
  const grpc::Status status = CallGetInfo(
      server->port, MakeChannelCredentials(*client_), kServerName, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_FALSE(server->service.last_peer().has_value());
}

// --insecure: the call goes through, but there is no identity to read.
TEST_F(GrpcMtlsTest, PlaintextCallsHaveNoPeerIdentity) {
  RunningServer running;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &running.port);
  builder.RegisterService(&running.service);
  running.server = builder.BuildAndStart();
  ASSERT_NE(running.server, nullptr);
  v1::NodeInfo reply;
  const grpc::Status status =
      CallGetInfo(running.port, grpc::InsecureChannelCredentials(), "", &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
      << status.error_message();
  EXPECT_EQ(status.error_message(), "call is not over TLS");
}

TEST_F(GrpcMtlsTest, ServerWithTheWrongNameIsRefused) {
  auto server = StartServer(*server_);
  v1::NodeInfo reply;
  const grpc::Status status =
      CallGetInfo(server->port, MakeChannelCredentials(*client_),
                  "slave-b.dsfl.test", &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
}

TEST_F(GrpcMtlsTest, Tls12OnlyClientCannotConnect) {
  auto server = StartServer(*server_);
  // Control: the probe itself works, with TLS 1.3.
  const ProbeResult tls13 = ProbeTls(server->port, TLS1_3_VERSION, *client_);
  ASSERT_TRUE(tls13.ok) << tls13.error;
  EXPECT_EQ(tls13.version, TLS1_3_VERSION);

  TakeGrpcLog();
  const ProbeResult tls12 = ProbeTls(server->port, TLS1_2_VERSION, *client_);
  EXPECT_FALSE(tls12.ok);
  // gRPC drops the connection without flushing the protocol_version alert,
  // so the client usually sees EOF during the handshake...
  EXPECT_THAT(tls12.reason, AnyOf(SSL_R_TLSV1_ALERT_PROTOCOL_VERSION,
                                  SSL_R_UNEXPECTED_EOF_WHILE_READING))
      << tls12.error;
  // ...and the server says why. It logs before it closes the socket, so the
  // message is there by the time SSL_connect has returned.
  EXPECT_THAT(TakeGrpcLog(), HasSubstr("unsupported protocol"));
}

TEST_F(GrpcMtlsTest, GrpcClientRefusesTls12OnlyServer) {
  Tls12OnlyServer server(*server_);
  v1::NodeInfo reply;
  const grpc::Status status = CallGetInfo(
      server.port(), MakeChannelCredentials(*client_), kServerName, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  // The gRPC client offered TLS 1.3 only, so the server found no version.
  EXPECT_THAT(server.Result(), HasSubstr("unsupported protocol"));
}

TEST_F(GrpcMtlsTest, MessagesUpToTheLimitPassLargerOnesDoNot) {
  auto server = StartServer(*server_);
  v1::NodeInfo reply;
  // Above gRPC's 4 MiB default receive limit, below ours.
  server->service.set_padding_bytes(6 * 1024 * 1024);
  grpc::Status status = CallGetInfo(
      server->port, MakeChannelCredentials(*client_), kServerName, &reply);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(reply.display_name().size(), 6u * 1024 * 1024);

  server->service.set_padding_bytes(kMaxMessageBytes + 1);
  status = CallGetInfo(server->port, MakeChannelCredentials(*client_),
                       kServerName, &reply);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
}

}  // namespace
}  // namespace dsfl::tls
