// HttpListener: runs a configured cpp-httplib server's accept loop on its
// own thread, the one way every dsfl HTTP(S) server starts and stops (the
// master's admin API, both daemons' /metrics, the dev dataspace and the dev
// data proxy).
//
// Start() binds `address`:`port` (port 0 = any free port, read it with
// port()), starts the accept loop and returns once the loop accepts
// connections, or an error if binding or listening failed (it never waits
// for a loop that already ended). Routes, TLS and socket options are the
// caller's, set before Start(); a task-queue factory the caller set is kept.
//
// Stop() ends the accept loop and joins the thread; idempotent, also called
// by the destructor. Ownership: `server` is borrowed and must outlive the
// listener. Thread-safe.
#ifndef DSFL_COMMON_HTTP_LISTENER_H_
#define DSFL_COMMON_HTTP_LISTENER_H_

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"

namespace httplib {
class Server;
class TaskQueue;
}

namespace dsfl {

class HttpListener {
 public:
  // `what` names the server in errors ("admin.listen", "the dev dataspace").
  static StatusOr<std::unique_ptr<HttpListener>> Start(
      httplib::Server* server, const std::string& address, int port,
      const std::string& what);
  ~HttpListener();
  HttpListener(const HttpListener&) = delete;
  HttpListener& operator=(const HttpListener&) = delete;

  int port() const { return port_; }
  void Stop();

 private:
  HttpListener(httplib::Server* server, int port)
      : server_(server), port_(port) {}

  httplib::Server* server_;
  const int port_;
  // The caller's task-queue factory, restored once the loop has ended so
  // the server never calls back into a destroyed listener.
  std::function<httplib::TaskQueue*()> make_queue_;
  std::thread thread_;
  std::mutex stop_mu_;  // serialises Stop(); never held by the loop thread
  bool stopped_ = false;  // guarded by stop_mu_
  std::mutex mu_;
  std::condition_variable cv_;
  bool accepting_ = false;     // guarded by mu_
  bool loop_returned_ = false;  // guarded by mu_
};

}  // namespace dsfl

#endif  // DSFL_COMMON_HTTP_LISTENER_H_
