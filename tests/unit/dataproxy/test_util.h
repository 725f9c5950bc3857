// Helpers for the data-proxy tests: shipped data paths, temporary
// directories, table comparison, a dev PKI and a plain-HTTP test server.
//
// Everything is deterministic: servers bind 127.0.0.1 on an ephemeral port
// and report readiness through a condition variable, never by sleeping.
// Threading: each helper is used from the test's thread; PlainHttpServer
// handlers run on its worker threads.
#ifndef DSFL_TESTS_UNIT_DATAPROXY_TEST_UTIL_H_
#define DSFL_TESTS_UNIT_DATAPROXY_TEST_UTIL_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "connector-adapters/dataproxy/table.h"
#include "gtest/gtest.h"
#include "httplib.h"

namespace dsfl::dataproxy::testing {

// $DSFL_SOURCE_DIR/data/lung/lung.csv.
std::string LungCsvPath();

// A fresh directory under $TMPDIR (or /tmp), removed with its content.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string WriteFile(const std::string& name,
                        const std::string& content) const;

 private:
  std::string path_;
};

// Same columns, same shape, identical values (NaN equals NaN).
::testing::AssertionResult TablesEqual(const Table& expected,
                                       const Table& actual);

// Number of NaN values in `column`.
size_t CountMissing(const Table& table, const std::string& column);

// A CA and a server certificate for 127.0.0.1 / localhost issued by it.
struct TestPki {
  std::string ca_pem;
  std::string server_key_pem;
  std::string server_cert_pem;
};
// `server_dns`/`server_ip` override the server certificate's SANs.
StatusOr<TestPki> MakeTestPki(const std::string& ca_name,
                              const std::string& server_dns = "localhost",
                              const std::string& server_ip = "127.0.0.1");

// A plain-HTTP httplib::Server on 127.0.0.1:<ephemeral port>, on its own
// thread. Register handlers on server() before Start().
class PlainHttpServer {
 public:
  PlainHttpServer();
  ~PlainHttpServer();
  PlainHttpServer(const PlainHttpServer&) = delete;
  PlainHttpServer& operator=(const PlainHttpServer&) = delete;

  httplib::Server& server() { return *server_; }
  // Binds and returns once the server accepts connections; false on error.
  bool Start();
  void Stop();
  int port() const { return port_; }
  // "http://127.0.0.1:<port><path>".
  std::string Url(const std::string& path) const;

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool accepting_ = false;
  bool returned_ = false;
};

}  // namespace dsfl::dataproxy::testing

#endif  // DSFL_TESTS_UNIT_DATAPROXY_TEST_UTIL_H_
