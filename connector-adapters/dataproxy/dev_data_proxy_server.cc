#include "connector-adapters/dataproxy/dev_data_proxy_server.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <mutex>
#include <optional>
#include <regex>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/http_listener.h"
#include "common/sha256.h"
#include "connector-adapters/dataproxy/csv_data_source.h"
#include "connector-adapters/dataproxy/data_proxy_protocol.h"
#include "connector-adapters/dataproxy/table.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

namespace dsfl::dataproxy {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct EvpPkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

constexpr time_t kKeepAliveTimeoutSeconds = 2;

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

// Refuses to prompt for a passphrase (OpenSSL's default reads the tty).
int NoPassphrase(char*, int, int, void*) { return 0; }

StatusOr<std::vector<X509Ptr>> ParseCertificates(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return absl::InternalError(OpenSslError());
  std::vector<X509Ptr> chain;
  while (X509* cert =
             PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr)) {
    chain.emplace_back(cert);
  }
  ERR_clear_error();  // The read after the last certificate fails.
  if (chain.empty()) {
    return absl::InvalidArgumentError(
        "certificate_pem: no PEM certificate found");
  }
  return chain;
}

StatusOr<EvpPkeyPtr> ParsePrivateKey(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return absl::InternalError(OpenSslError());
  EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("private_key_pem: cannot parse an unencrypted PEM "
                     "private key: ",
                     OpenSslError()));
  }
  return key;
}

Status ValidateDatasetPath(const std::string& path) {
  static const std::regex kPath("(/[A-Za-z0-9._~-]+)+");
  if (!std::regex_match(path, kPath) || path == "/healthz") {
    return absl::InvalidArgumentError(absl::StrCat(
        "dataset_path: '", path,
        "' must look like /v1/dataset (segments of letters, digits, ._~-) "
        "and not be /healthz"));
  }
  return absl::OkStatus();
}

std::string EscapeRegex(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == '.') out += '\\';
    out += c;
  }
  return out;
}

std::optional<uint64_t> ParseUint(const std::string& text) {
  uint64_t value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

void SetError(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", message}}.dump(), kJsonContentType);
}

}  // namespace

struct DevDataProxyServer::Impl {
  DevDataProxyServerConfig config;  // bearer_token cleared after hashing.
  Sha256Digest token_digest{};
  Table table;
  std::vector<X509Ptr> chain;  // Leaf first.
  EvpPkeyPtr key;

  std::atomic<int> port{0};
  std::atomic<uint64_t> pages_served{0};

  std::mutex mu;  // Guards state, server and listener.
  enum class State { kCreated, kRunning, kStopped } state = State::kCreated;
  std::unique_ptr<httplib::SSLServer> server;
  std::unique_ptr<HttpListener> listener;  // declared after: stops first

  bool SetUpSslContext(SSL_CTX& ctx) const {
    // Raise the floor to TLS 1.2 but never lower a stricter process-wide
    // policy (tls::RequireTls13ProcessWide()).
    const long min_version = SSL_CTX_get_min_proto_version(&ctx);
    if (min_version == 0 || min_version < TLS1_2_VERSION) {
      SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    }
    SSL_CTX_set_options(
        &ctx,
        SSL_OP_NO_COMPRESSION | SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION);
    if (SSL_CTX_use_certificate(&ctx, chain[0].get()) != 1) return false;
    for (size_t i = 1; i < chain.size(); ++i) {
      if (SSL_CTX_add1_chain_cert(&ctx, chain[i].get()) != 1) return false;
    }
    if (SSL_CTX_use_PrivateKey(&ctx, key.get()) != 1) return false;
    return SSL_CTX_check_private_key(&ctx) == 1;
  }

  bool Authorized(const httplib::Request& req) const {
    const std::string header = req.get_header_value("Authorization");
    constexpr std::string_view kScheme = "bearer ";
    if (header.size() <= kScheme.size() ||
        absl::AsciiStrToLower(header.substr(0, kScheme.size())) != kScheme) {
      return false;
    }
    std::string_view presented = header;
    presented.remove_prefix(kScheme.size());
    while (!presented.empty() && presented.front() == ' ') {
      presented.remove_prefix(1);
    }
    // Comparing fixed-size digests hides the token's length and content.
    Sha256Digest digest = Sha256::Of(presented);
    return CRYPTO_memcmp(digest.data(), token_digest.data(), digest.size()) ==
           0;
  }

  void HandleDataset(const httplib::Request& req, httplib::Response& res) {
    if (!Authorized(req)) {
      res.set_header("WWW-Authenticate", "Bearer realm=\"dsfl-dataproxy\"");
      SetError(res, 401, "missing or invalid bearer token");
      return;
    }
    uint64_t offset = 0;
    if (req.has_param("offset")) {
      std::optional<uint64_t> parsed = ParseUint(req.get_param_value("offset"));
      if (!parsed) {
        SetError(res, 400, "offset: expected a non-negative integer");
        return;
      }
      offset = *parsed;
    }
    uint64_t limit = config.default_page_size;
    if (req.has_param("limit")) {
      std::optional<uint64_t> parsed = ParseUint(req.get_param_value("limit"));
      if (!parsed || *parsed == 0) {
        SetError(res, 400, "limit: expected a positive integer");
        return;
      }
      limit = *parsed;
    }
    limit = std::min(limit, config.max_page_size);
    DataProxyFormat format = DataProxyFormat::kJson;
    if (req.has_param("format")) {
      std::optional<DataProxyFormat> parsed =
          ParseFormatName(req.get_param_value("format"));
      if (!parsed) {
        SetError(res, 400, "format: expected json or csv");
        return;
      }
      format = *parsed;
    }
    res.set_header(kTotalRowsHeader, std::to_string(table.num_rows()));
    if (format == DataProxyFormat::kJson) {
      res.set_content(RenderJsonPage(table, offset, limit), kJsonContentType);
    } else {
      std::optional<uint64_t> next = NextPageOffset(table, offset, limit);
      if (next) res.set_header(kNextOffsetHeader, std::to_string(*next));
      res.set_content(RenderCsvPage(table, offset, limit), kCsvContentType);
    }
    pages_served.fetch_add(1);
  }

  std::string Host() const {
    const std::string& bind = config.bind_address;
    if (bind.empty() || bind == "0.0.0.0" || bind == "::") return "127.0.0.1";
    if (bind.find(':') != std::string::npos) return "[" + bind + "]";
    return bind;
  }
};

StatusOr<std::unique_ptr<DevDataProxyServer>> DevDataProxyServer::Create(
    DevDataProxyServerConfig config) {
  auto impl = std::make_unique<Impl>();
  if (config.bearer_token.empty()) {
    return absl::InvalidArgumentError("bearer_token: must not be empty");
  }
  DSFL_RETURN_IF_ERROR(ValidateDatasetPath(config.dataset_path));
  if (config.default_page_size == 0 || config.max_page_size == 0) {
    return absl::InvalidArgumentError(
        "default_page_size and max_page_size must be positive");
  }
  if (config.worker_threads == 0) {
    return absl::InvalidArgumentError("worker_threads: must be positive");
  }
  if (config.port < 0 || config.port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("port: ", config.port, " is not in 0..65535"));
  }
  DSFL_ASSIGN_OR_RETURN(impl->chain, ParseCertificates(config.certificate_pem));
  DSFL_ASSIGN_OR_RETURN(impl->key, ParsePrivateKey(config.private_key_pem));
  if (X509_check_private_key(impl->chain[0].get(), impl->key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        "private_key_pem: does not match the certificate");
  }
  DSFL_ASSIGN_OR_RETURN(impl->table, CsvDataSource(config.csv_path).Read());
  impl->token_digest = Sha256::Of(config.bearer_token);
  config.bearer_token.clear();
  impl->config = std::move(config);
  return std::unique_ptr<DevDataProxyServer>(
      new DevDataProxyServer(std::move(impl)));
}

DevDataProxyServer::DevDataProxyServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

DevDataProxyServer::~DevDataProxyServer() { Stop(); }

Status DevDataProxyServer::Start() {
  Impl& impl = *impl_;
  std::lock_guard<std::mutex> lock(impl.mu);
  if (impl.state == Impl::State::kRunning) {
    return absl::FailedPreconditionError("data proxy server already running");
  }
  if (impl.state == Impl::State::kStopped) {
    return absl::FailedPreconditionError(
        "data proxy server was stopped; create a new one");
  }
  auto server = std::make_unique<httplib::SSLServer>(
      [&impl](SSL_CTX& ctx) { return impl.SetUpSslContext(ctx); });
  if (!server->is_valid()) {
    return absl::InternalError(
        absl::StrCat("TLS setup of the data proxy failed: ", OpenSslError()));
  }
  // SO_REUSEADDR only: httplib's default SO_REUSEPORT would let two servers
  // share an explicit port silently.
  server->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server->set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
  server->set_tcp_nodelay(true);
  server->Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("ok\n", "text/plain");
  });
  server->Get(EscapeRegex(impl.config.dataset_path),
              [&impl](const httplib::Request& req, httplib::Response& res) {
                impl.HandleDataset(req, res);
              });
  const size_t workers = impl.config.worker_threads;
  server->new_task_queue = [workers] { return new httplib::ThreadPool(workers); };
  impl.server = std::move(server);
  auto listener =
      HttpListener::Start(impl.server.get(), impl.config.bind_address,
                          impl.config.port, "the data proxy");
  if (!listener.ok()) {
    impl.state = Impl::State::kStopped;
    return listener.status();
  }
  impl.listener = *std::move(listener);
  impl.port = impl.listener->port();
  impl.state = Impl::State::kRunning;
  return absl::OkStatus();
}

void DevDataProxyServer::Stop() {
  Impl& impl = *impl_;
  std::lock_guard<std::mutex> lock(impl.mu);
  if (impl.state != Impl::State::kRunning) return;
  impl.listener->Stop();
  impl.state = Impl::State::kStopped;
}

int DevDataProxyServer::port() const { return impl_->port.load(); }

std::string DevDataProxyServer::base_url() const {
  return absl::StrCat("https://", impl_->Host(), ":", port(),
                      impl_->config.dataset_path);
}

std::string DevDataProxyServer::Describe() const {
  return absl::StrCat("csv:", impl_->config.csv_path, " via ", base_url());
}

uint64_t DevDataProxyServer::pages_served() const {
  return impl_->pages_served.load();
}

}  // namespace dsfl::dataproxy
