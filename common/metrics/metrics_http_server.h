// MetricsHttpServer: serves `GET /metrics` (Prometheus text, from a render
// callback per scrape) over plain HTTP on its own listener; every other
// path is 404, every other method 405.
//
// Plain HTTP, bound to 127.0.0.1 by default: it is meant for a Prometheus
// (or node exporter proxy) on the same machine. The page holds counters,
// durations, reasons and the last error text, never data values, keys or
// tokens; binding it to another address exposes that to the network, so
// Start() logs a warning then (put a TLS-terminating proxy in front).
//
// Start() binds (port 0 = any free port, see port()), logs the URL and
// serves on two threads; Stop() is idempotent and joins them. The render
// callback runs on those threads and must be thread-safe.
#ifndef DSFL_COMMON_METRICS_METRICS_HTTP_SERVER_H_
#define DSFL_COMMON_METRICS_METRICS_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"

namespace dsfl::metrics {

struct ListenAddress {
  std::string host;
  int port = 0;
};

// "host:port" (IPv6 as "[::1]:9464"); port 0..65535. InvalidArgument naming
// `field` otherwise.
StatusOr<ListenAddress> ParseListenAddress(const std::string& listen,
                                           const std::string& field);

// cpp-httplib socket options for a listener that must own its port:
// SO_REUSEADDR (restart without waiting for TIME_WAIT) but not httplib's
// default SO_REUSEPORT, which lets a second process bind the same port.
// For Server::set_socket_options.
void ExclusivePortSocketOptions(int socket);

class MetricsHttpServer {
 public:
  using Renderer = std::function<std::string()>;

  // `field` names the config key in errors ("metrics_listen: cannot bind").
  static StatusOr<std::unique_ptr<MetricsHttpServer>> Start(
      const std::string& listen, Renderer render,
      const std::string& field = "metrics_listen");
  ~MetricsHttpServer();

  int port() const;
  void Stop();

 private:
  struct Impl;
  explicit MetricsHttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dsfl::metrics

#endif  // DSFL_COMMON_METRICS_METRICS_HTTP_SERVER_H_
