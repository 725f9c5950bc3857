#include "tests/unit/dataproxy/test_util.h"

#include <stdlib.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/tls/dev_ca.h"

namespace dsfl::dataproxy::testing {

std::string LungCsvPath() {
  const char* source_dir = std::getenv("DSFL_SOURCE_DIR");
  return absl::StrCat(source_dir == nullptr ? "." : source_dir,
                      "/data/lung/lung.csv");
}

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(tmp == nullptr ? "/tmp" : tmp,
                                     "/dsfl-dataproxy-test-XXXXXX");
  char* created = mkdtemp(pattern.data());
  if (created == nullptr) {
    ADD_FAILURE() << "mkdtemp failed for " << pattern;
  } else {
    path_ = created;
  }
}

TempDir::~TempDir() {
  std::error_code ignored;
  if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::WriteFile(const std::string& name,
                               const std::string& content) const {
  std::string path = absl::StrCat(path_, "/", name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) ADD_FAILURE() << "cannot write " << path;
  return path;
}

::testing::AssertionResult TablesEqual(const Table& expected,
                                       const Table& actual) {
  if (expected.columns() != actual.columns()) {
    return ::testing::AssertionFailure() << "columns differ";
  }
  if (expected.num_rows() != actual.num_rows()) {
    return ::testing::AssertionFailure() << "expected " << expected.num_rows()
                                         << " rows, got " << actual.num_rows();
  }
  for (size_t r = 0; r < expected.num_rows(); ++r) {
    for (size_t c = 0; c < expected.num_columns(); ++c) {
      double e = expected.at(r, c);
      double a = actual.at(r, c);
      bool same = (std::isnan(e) && std::isnan(a)) ||
                  (e == a && std::signbit(e) == std::signbit(a));
      if (!same) {
        return ::testing::AssertionFailure()
               << "row " << r << ", column '" << expected.columns()[c]
               << "': expected " << e << ", got " << a;
      }
    }
  }
  return ::testing::AssertionSuccess();
}

size_t CountMissing(const Table& table, const std::string& column) {
  std::optional<size_t> index = table.ColumnIndex(column);
  if (!index) return 0;
  size_t missing = 0;
  for (size_t r = 0; r < table.num_rows(); ++r) {
    if (std::isnan(table.at(r, *index))) ++missing;
  }
  return missing;
}

StatusOr<TestPki> MakeTestPki(const std::string& ca_name,
                              const std::string& server_dns,
                              const std::string& server_ip) {
  DSFL_ASSIGN_OR_RETURN(tls::DevCertificateAuthority ca,
                        tls::DevCertificateAuthority::Create(ca_name));
  tls::CertificateRequest request;
  request.common_name = "dataproxy.test";
  if (!server_dns.empty()) request.dns_names = {server_dns};
  if (!server_ip.empty()) request.ip_addresses = {server_ip};
  request.server_auth = true;
  request.client_auth = false;
  DSFL_ASSIGN_OR_RETURN(tls::PemKeyCert server, ca.Issue(request));
  TestPki pki;
  pki.ca_pem = ca.certificate_pem();
  pki.server_key_pem = server.private_key_pem;
  pki.server_cert_pem = server.certificate_pem;
  return pki;
}

PlainHttpServer::PlainHttpServer()
    : server_(std::make_unique<httplib::Server>()) {
  server_->set_tcp_nodelay(true);
  server_->new_task_queue = [this] {
    {
      std::lock_guard<std::mutex> lock(mu_);
      accepting_ = true;
    }
    cv_.notify_all();
    return new httplib::ThreadPool(2);
  };
}

PlainHttpServer::~PlainHttpServer() { Stop(); }

bool PlainHttpServer::Start() {
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) return false;
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    {
      std::lock_guard<std::mutex> lock(mu_);
      returned_ = true;
    }
    cv_.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return accepting_ || returned_; });
  return accepting_;
}

void PlainHttpServer::Stop() {
  if (!thread_.joinable()) return;
  server_->stop();
  thread_.join();
}

std::string PlainHttpServer::Url(const std::string& path) const {
  return absl::StrCat("http://127.0.0.1:", port_, path);
}

}  // namespace dsfl::dataproxy::testing
