#include "tests/unit/identity/test_util.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace dsfl::identity::testing {

std::string FixturePath(const std::string& relative) {
  const char* root = std::getenv("DSFL_SOURCE_DIR");
  if (root == nullptr) {
    std::fprintf(stderr, "DSFL_SOURCE_DIR is not set\n");
    std::abort();
  }
  return absl::StrCat(root, "/tests/fixtures/", relative);
}

std::string ReadFixture(const std::string& relative) {
  std::ifstream in(FixturePath(relative), std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read fixture %s\n",
                 FixturePath(relative).c_str());
    std::abort();
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json ReadJsonFixture(const std::string& relative) {
  return nlohmann::json::parse(ReadFixture(relative));
}

std::string ReadJwtFixture(const std::string& relative) {
  return std::string(absl::StripAsciiWhitespace(ReadFixture(relative)));
}

absl::Time FakeClock::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return now_;
}
void FakeClock::Set(absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ = now;
}
void FakeClock::Advance(absl::Duration d) {
  std::lock_guard<std::mutex> lock(mu_);
  now_ += d;
}

void FakeFetcher::Answer(const std::string& url, int status, std::string body,
                         std::string content_type) {
  std::lock_guard<std::mutex> lock(mu_);
  answers_[url] =
      HttpResponse{status, std::move(body), std::move(content_type)};
}

StatusOr<HttpResponse> FakeFetcher::Fetch(const HttpRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  requests_.push_back(request);
  auto it = answers_.find(request.url);
  if (it == answers_.end()) {
    return absl::UnavailableError(
        absl::StrCat("fake fetcher: cannot reach ", request.url));
  }
  return it->second;
}

std::vector<HttpRequest> FakeFetcher::requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}

StaticDidResolver MvdResolver() {
  StaticDidResolver resolver;
  for (const char* file : {"edc/did/did-document.participant-consumer.json",
                           "edc/did/did-document.mvd-issuer.json"}) {
    StatusOr<DidDocument> doc = DidDocument::Parse(ReadJsonFixture(file));
    if (!doc.ok()) {
      std::fprintf(stderr, "fixture %s: %s\n", file,
                   doc.status().ToString().c_str());
      std::abort();
    }
    resolver.Add(*std::move(doc));
  }
  return resolver;
}

}  // namespace dsfl::identity::testing
