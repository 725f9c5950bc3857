// Shared helpers for the dataspace tests (identity, edc, devspace):
// fixture files, a settable clock, a canned-answer HttpFetcher and a
// fixed-instant resolver over the MVD fixture DID documents.
// Threading: FakeClock and FakeFetcher are internally synchronized.
#ifndef DSFL_TESTS_UNIT_IDENTITY_TEST_UTIL_H_
#define DSFL_TESTS_UNIT_IDENTITY_TEST_UTIL_H_

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "connector-adapters/identity/did_resolver.h"
#include "connector-adapters/identity/http_fetcher.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity::testing {

// $DSFL_SOURCE_DIR/tests/fixtures/<relative>.
std::string FixturePath(const std::string& relative);
// The file's contents; aborts the test binary if unreadable.
std::string ReadFixture(const std::string& relative);
nlohmann::json ReadJsonFixture(const std::string& relative);
// The fixture's text without surrounding white space (JWT files).
std::string ReadJwtFixture(const std::string& relative);

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time now) : now_(now) {}
  absl::Time Now() const override;
  void Set(absl::Time now);
  void Advance(absl::Duration d);

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

// 1767225610 etc. as absl::Time.
inline absl::Time Unix(int64_t seconds) {
  return absl::FromUnixSeconds(seconds);
}

// Answers requests from a URL -> response table and records every request.
class FakeFetcher final : public HttpFetcher {
 public:
  void Answer(const std::string& url, int status, std::string body,
              std::string content_type = "application/json");
  StatusOr<HttpResponse> Fetch(const HttpRequest& request) override;
  std::vector<HttpRequest> requests() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, HttpResponse> answers_;
  std::vector<HttpRequest> requests_;
};

// The MVD consumer and issuer DID documents from tests/fixtures/edc/did.
constexpr char kConsumerDid[] = "did:web:localhost%3A7083";
constexpr char kProviderDid[] = "did:web:localhost%3A7093";
constexpr char kIssuerDid[] = "did:web:localhost%3A9876";
StaticDidResolver MvdResolver();

}  // namespace dsfl::identity::testing

#endif  // DSFL_TESTS_UNIT_IDENTITY_TEST_UTIL_H_
