#include "common/http_listener.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace dsfl {

StatusOr<std::unique_ptr<HttpListener>> HttpListener::Start(
    httplib::Server* server, const std::string& address, int port,
    const std::string& what) {
  errno = 0;
  const int bound =
      port == 0 ? server->bind_to_any_port(address)
                : (server->bind_to_port(address, port) ? port : -1);
  if (bound <= 0) {
    return absl::UnavailableError(
        absl::StrCat(what, ": cannot bind ", address, ":", port, ": ",
                     errno != 0 ? std::strerror(errno) : "bind failed"));
  }
  std::unique_ptr<HttpListener> listener(new HttpListener(server, bound));
  HttpListener* self = listener.get();
  // The accept loop makes its task queue as it starts: that is the moment
  // it accepts (and from which stop() ends it), whatever the queue is.
  listener->make_queue_ = server->new_task_queue;
  server->new_task_queue = [self]() -> httplib::TaskQueue* {
    httplib::TaskQueue* queue =
        self->make_queue_
            ? self->make_queue_()
            : new httplib::ThreadPool(CPPHTTPLIB_THREAD_POOL_COUNT);
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      self->accepting_ = true;
    }
    self->cv_.notify_all();
    return queue;
  };
  listener->thread_ = std::thread([self] {
    self->server_->listen_after_bind();
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      self->loop_returned_ = true;
    }
    self->cv_.notify_all();
  });
  std::unique_lock<std::mutex> lock(listener->mu_);
  listener->cv_.wait(lock, [self] {
    return self->accepting_ || self->loop_returned_;
  });
  if (!listener->accepting_) {
    lock.unlock();
    listener->thread_.join();
    server->new_task_queue = listener->make_queue_;
    std::lock_guard<std::mutex> stop(listener->stop_mu_);
    listener->stopped_ = true;
    return absl::InternalError(
        absl::StrCat(what, ": the server failed to start listening"));
  }
  return listener;
}

void HttpListener::Stop() {
  std::lock_guard<std::mutex> lock(stop_mu_);
  if (stopped_) return;
  stopped_ = true;
  server_->stop();
  if (thread_.joinable()) thread_.join();
  server_->new_task_queue = make_queue_;
}

HttpListener::~HttpListener() { Stop(); }

}  // namespace dsfl
