#include "connector-adapters/devspace/dev_dataspace_server.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/tls/openssl_util.h"
#include "httplib.h"

namespace dsfl::devspace {

constexpr time_t kKeepAliveTimeoutSeconds = 2;

struct DevDataspaceServer::Impl {
  DevDataspaceServerConfig config;
  std::unique_ptr<Dataspace> dataspace;
  tls::UniqueX509Stack chain;
  tls::UniqueEvpPkey key;
  std::atomic<int> port{0};
  std::atomic<uint64_t> served{0};

  std::mutex mu;
  enum class State { kCreated, kRunning, kStopped } state = State::kCreated;
  std::unique_ptr<httplib::SSLServer> server;
  std::thread thread;
  std::mutex ready_mu;
  std::condition_variable ready_cv;
  bool accepting = false;
  bool listen_returned = false;

  bool SetUpSslContext(SSL_CTX& ctx) const {
    // TLS 1.2 at least; never lowers a process-wide TLS 1.3 policy.
    const long min_version = SSL_CTX_get_min_proto_version(&ctx);
    if (min_version == 0 || min_version < TLS1_2_VERSION) {
      SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    }
    SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION);
    if (SSL_CTX_use_certificate(&ctx, sk_X509_value(chain.get(), 0)) != 1) {
      return false;
    }
    for (int i = 1; i < sk_X509_num(chain.get()); ++i) {
      if (SSL_CTX_add1_chain_cert(&ctx, sk_X509_value(chain.get(), i)) != 1) {
        return false;
      }
    }
    if (SSL_CTX_use_PrivateKey(&ctx, key.get()) != 1) return false;
    return SSL_CTX_check_private_key(&ctx) == 1;
  }

  void Serve(const httplib::Request& req, httplib::Response& res) {
    HttpCall call;
    call.method = req.method;
    call.path = req.path;
    call.body = req.body;
    for (const auto& [name, value] : req.headers) {
      call.headers.emplace_back(name, value);
    }
    HttpReply reply = dataspace->Handle(call);
    res.status = reply.status;
    res.set_content(reply.body, reply.content_type.c_str());
    served.fetch_add(1);
  }
};

StatusOr<std::unique_ptr<DevDataspaceServer>> DevDataspaceServer::Create(
    DevDataspaceServerConfig server, DevspaceConfig dataspace,
    const Clock* clock) {
  auto impl = std::make_unique<Impl>();
  if (server.port < 0 || server.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("port: ", server.port, " is not in 0..65535"));
  }
  if (server.worker_threads == 0) {
    return absl::InvalidArgumentError("worker_threads: must be positive");
  }
  StatusOr<tls::UniqueX509Stack> chain =
      tls::ParseCertificateChainPem(server.certificate_pem);
  if (!chain.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("certificate_pem: ", chain.status().message()));
  }
  StatusOr<tls::UniqueEvpPkey> key =
      tls::ParsePrivateKeyPem(server.private_key_pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("private_key_pem: ", key.status().message()));
  }
  if (X509_check_private_key(sk_X509_value(chain->get(), 0), key->get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "private_key_pem: does not match the certificate");
  }
  impl->chain = *std::move(chain);
  impl->key = *std::move(key);
  DSFL_ASSIGN_OR_RETURN(impl->dataspace,
                        Dataspace::Create(std::move(dataspace), clock));
  impl->config = std::move(server);
  return std::unique_ptr<DevDataspaceServer>(
      new DevDataspaceServer(std::move(impl)));
}

DevDataspaceServer::DevDataspaceServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

DevDataspaceServer::~DevDataspaceServer() { Stop(); }

Status DevDataspaceServer::Start() {
  Impl& impl = *impl_;
  std::lock_guard<std::mutex> lock(impl.mu);
  if (impl.state != Impl::State::kCreated) {
    return absl::FailedPreconditionError(
        "the dev dataspace server can be started once");
  }
  auto server = std::make_unique<httplib::SSLServer>(
      [&impl](SSL_CTX& ctx) { return impl.SetUpSslContext(ctx); });
  if (!server->is_valid()) {
    return absl::InternalError("TLS setup of the dev dataspace failed");
  }
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server->set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
  server->set_tcp_nodelay(true);
  server->set_payload_max_length(4u << 20);
  auto handler = [&impl](const httplib::Request& req, httplib::Response& res) {
    impl.Serve(req, res);
  };
  server->Get(".*", handler);
  server->Post(".*", handler);
  server->Put(".*", handler);
  server->Delete(".*", handler);
  const size_t workers = impl.config.worker_threads;
  server->new_task_queue = [&impl, workers] {
    {
      std::lock_guard<std::mutex> ready(impl.ready_mu);
      impl.accepting = true;
    }
    impl.ready_cv.notify_all();
    return new httplib::ThreadPool(workers);
  };
  errno = 0;
  const std::string& address = impl.config.bind_address;
  int port =
      impl.config.port == 0
          ? server->bind_to_any_port(address)
          : (server->bind_to_port(address, impl.config.port) ? impl.config.port
                                                             : -1);
  if (port <= 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot bind the dev dataspace to ", address, ":", impl.config.port,
        ": ", errno != 0 ? std::strerror(errno) : "bind failed"));
  }
  impl.port = port;
  DSFL_RETURN_IF_ERROR(impl.dataspace->Publish(impl.config.host_name, port));
  impl.server = std::move(server);
  impl.thread = std::thread([&impl] {
    impl.server->listen_after_bind();
    {
      std::lock_guard<std::mutex> ready(impl.ready_mu);
      impl.listen_returned = true;
    }
    impl.ready_cv.notify_all();
  });
  std::unique_lock<std::mutex> ready(impl.ready_mu);
  impl.ready_cv.wait(
      ready, [&impl] { return impl.accepting || impl.listen_returned; });
  if (!impl.accepting) {
    ready.unlock();
    impl.thread.join();
    impl.state = Impl::State::kStopped;
    return absl::InternalError("the dev dataspace failed to start listening");
  }
  impl.state = Impl::State::kRunning;
  return absl::OkStatus();
}

void DevDataspaceServer::Stop() {
  Impl& impl = *impl_;
  std::lock_guard<std::mutex> lock(impl.mu);
  if (impl.state != Impl::State::kRunning) return;
  impl.server->stop();
  impl.thread.join();
  impl.state = Impl::State::kStopped;
}

int DevDataspaceServer::port() const { return impl_->port.load(); }

std::string DevDataspaceServer::base_url() const {
  return absl::StrCat("https://", impl_->config.host_name, ":", port());
}

const Dataspace& DevDataspaceServer::dataspace() const {
  return *impl_->dataspace;
}

uint64_t DevDataspaceServer::requests_served() const {
  return impl_->served.load();
}

}  // namespace dsfl::devspace
