// HttpListener: serves on the port it bound (port 0 = any), reports a port
// it cannot bind by name, keeps the caller's task queue, and stops
// idempotently (also from the destructor).
#include "common/http_listener.h"

#include <atomic>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace dsfl {
namespace {

using ::testing::HasSubstr;

TEST(HttpListenerTest, ServesOnTheBoundPortAndStops) {
  httplib::Server server;
  server.Get("/ping", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("pong", "text/plain");
  });
  std::atomic<int> queues{0};
  server.new_task_queue = [&queues] {
    ++queues;
    return new httplib::ThreadPool(1);
  };
  auto listener = HttpListener::Start(&server, "127.0.0.1", 0, "test");
  ASSERT_TRUE(listener.ok()) << listener.status();
  ASSERT_GT((*listener)->port(), 0);
  EXPECT_EQ(queues.load(), 1);  // the caller's factory was used

  httplib::Client client("127.0.0.1", (*listener)->port());
  auto res = client.Get("/ping");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "pong");

  (*listener)->Stop();
  (*listener)->Stop();
  EXPECT_FALSE(client.Get("/ping"));
}

TEST(HttpListenerTest, ATakenPortIsAnErrorNamingTheServer) {
  httplib::Server first;
  auto taken = HttpListener::Start(&first, "127.0.0.1", 0, "first");
  ASSERT_TRUE(taken.ok()) << taken.status();
  httplib::Server second;
  // Only SO_REUSEADDR, as the project's servers set: the port is taken.
  second.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  auto refused =
      HttpListener::Start(&second, "127.0.0.1", (*taken)->port(), "metrics");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("metrics: cannot bind"));
}

}  // namespace
}  // namespace dsfl
