#include "common/metrics/metrics_http_server.h"

#include <sys/socket.h>


#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/http_listener.h"
#include "common/metrics/prometheus_text.h"
#include "httplib.h"
#include "spdlog/spdlog.h"

namespace dsfl::metrics {
namespace {

bool IsLoopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

}  // namespace

void ExclusivePortSocketOptions(int socket) {
  int yes = 1;
  setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

StatusOr<ListenAddress> ParseListenAddress(const std::string& listen,
                                           const std::string& field) {
  const size_t colon = listen.rfind(':');
  ListenAddress address;
  int port = -1;
  if (colon != std::string::npos && colon > 0) {
    address.host = listen.substr(0, colon);
    if (address.host.size() > 2 && address.host.front() == '[' &&
        address.host.back() == ']') {
      address.host = address.host.substr(1, address.host.size() - 2);
    }
    if (!absl::SimpleAtoi(listen.substr(colon + 1), &port)) port = -1;
  }
  if (address.host.empty() || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": '", listen, "' is not host:port, e.g. 127.0.0.1:9464"));
  }
  address.port = port;
  return address;
}

struct MetricsHttpServer::Impl {
  httplib::Server server;
  std::unique_ptr<HttpListener> listener;  // declared after: stops first
  int port = 0;
};

MetricsHttpServer::MetricsHttpServer(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}

MetricsHttpServer::~MetricsHttpServer() { Stop(); }

StatusOr<std::unique_ptr<MetricsHttpServer>> MetricsHttpServer::Start(
    const std::string& listen, Renderer render, const std::string& field) {
  DSFL_ASSIGN_OR_RETURN(ListenAddress address,
                        ParseListenAddress(listen, field));
  auto impl = std::make_unique<Impl>();
  // Scrapes are rare and small: two threads, short bodies, short timeouts.
  impl->server.new_task_queue = [] { return new httplib::ThreadPool(2); };
  impl->server.set_payload_max_length(4096);
  // httplib's default also sets SO_REUSEPORT, with which a second process
  // could bind the same port and silently take half the scrapes.
  impl->server.set_socket_options(ExclusivePortSocketOptions);
  impl->server.set_read_timeout(5, 0);
  impl->server.set_write_timeout(5, 0);
  impl->server.Get("/metrics",
                   [render = std::move(render)](const httplib::Request&,
                                                httplib::Response& response) {
                     response.set_content(render(), kPrometheusContentType);
                   });
  impl->server.set_pre_routing_handler(
      [](const httplib::Request& request, httplib::Response& response) {
        if (request.path == "/metrics" &&
            (request.method == "GET" || request.method == "HEAD")) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        response.status = request.path == "/metrics" ? 405 : 404;
        response.set_content(response.status == 405
                                 ? "only GET /metrics\n"
                                 : "not found: only /metrics is served\n",
                             "text/plain");
        return httplib::Server::HandlerResponse::Handled;
      });
  DSFL_ASSIGN_OR_RETURN(
      impl->listener,
      HttpListener::Start(&impl->server, address.host, address.port, field));
  impl->port = impl->listener->port();
  spdlog::info("{}: metrics on http://{}:{}/metrics", field,
               address.host.find(':') == std::string::npos
                   ? address.host
                   : "[" + address.host + "]",
               impl->port);
  if (!IsLoopback(address.host)) {
    spdlog::warn(
        "{}: /metrics is served over plain HTTP on {}, not only to this "
        "machine",
        field, listen);
  }
  return std::unique_ptr<MetricsHttpServer>(
      new MetricsHttpServer(std::move(impl)));
}

int MetricsHttpServer::port() const { return impl_->port; }

void MetricsHttpServer::Stop() {
  if (impl_ != nullptr && impl_->listener != nullptr) impl_->listener->Stop();
}

}  // namespace dsfl::metrics
