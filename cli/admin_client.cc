#include "cli/admin_client.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace dsfl::cli {
namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

}  // namespace

struct AdminClient::Impl {
  std::unique_ptr<httplib::Client> client;
  std::string url;

  StatusOr<httplib::Result> Check(httplib::Result result) {
    if (!result) {
      return absl::UnavailableError(absl::StrCat(
          "cannot reach the master at ", url, " (",
          httplib::to_string(result.error()),
          "); is dsfl-master running? check --master / DSFL_MASTER"));
    }
    if (result->status == 401) {
      return absl::UnauthenticatedError(
          "the master refused the token; check --token-file / "
          "DSFL_TOKEN_FILE");
    }
    if (result->status >= 400) {
      nlohmann::json body = nlohmann::json::parse(result->body, nullptr, false);
      std::string message = body.is_object() && body.contains("error")
                                ? body["error"].get<std::string>()
                                : result->body;
      absl::StatusCode code = result->status == 404
                                  ? absl::StatusCode::kNotFound
                              : result->status == 409
                                  ? absl::StatusCode::kFailedPrecondition
                              : result->status == 400
                                  ? absl::StatusCode::kInvalidArgument
                                  : absl::StatusCode::kInternal;
      return Status(code, message);
    }
    return result;
  }

  StatusOr<nlohmann::json> Json(httplib::Result result) {
    DSFL_ASSIGN_OR_RETURN(httplib::Result ok, Check(std::move(result)));
    nlohmann::json body = nlohmann::json::parse(ok->body, nullptr, false);
    if (body.is_discarded()) {
      return absl::InternalError("the master answered with invalid JSON");
    }
    return body;
  }
};

AdminEndpoint ResolveEndpoint(AdminEndpoint endpoint) {
  if (endpoint.url.empty()) {
    endpoint.url = EnvOr("DSFL_MASTER", "https://127.0.0.1:7070");
  }
  if (endpoint.token_file.empty()) {
    endpoint.token_file = EnvOr("DSFL_TOKEN_FILE", "");
  }
  if (endpoint.ca_file.empty()) endpoint.ca_file = EnvOr("DSFL_CA", "");
  return endpoint;
}

AdminClient::AdminClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AdminClient::~AdminClient() = default;

StatusOr<std::unique_ptr<AdminClient>> AdminClient::Create(
    const AdminEndpoint& endpoint) {
  if (endpoint.url.rfind("https://", 0) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--master: expected an https:// URL, got '", endpoint.url, "'"));
  }
  if (endpoint.token_file.empty()) {
    return absl::InvalidArgumentError(
        "no admin token: pass --token-file or set DSFL_TOKEN_FILE");
  }
  std::ifstream in(endpoint.token_file);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("--token-file: cannot read ", endpoint.token_file));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto impl = std::make_unique<Impl>();
  impl->url = endpoint.url;
  impl->client = std::make_unique<httplib::Client>(endpoint.url);
  impl->client->set_bearer_token_auth(
      std::string(absl::StripAsciiWhitespace(buffer.str())));
  impl->client->enable_server_certificate_verification(true);
  if (!endpoint.ca_file.empty()) {
    impl->client->set_ca_cert_path(endpoint.ca_file.c_str());
  }
  impl->client->set_connection_timeout(5);
  impl->client->set_read_timeout(60);
  return std::unique_ptr<AdminClient>(new AdminClient(std::move(impl)));
}

StatusOr<nlohmann::json> AdminClient::Get(const std::string& path) {
  return impl_->Json(impl_->client->Get(path.c_str()));
}

StatusOr<nlohmann::json> AdminClient::Post(const std::string& path,
                                           const nlohmann::json& body) {
  return impl_->Json(
      impl_->client->Post(path.c_str(), body.dump(), "application/json"));
}

StatusOr<std::string> AdminClient::Download(const std::string& path,
                                            std::string* digest) {
  DSFL_ASSIGN_OR_RETURN(httplib::Result result,
                        impl_->Check(impl_->client->Get(path.c_str())));
  *digest = result->get_header_value("X-Model-Digest");
  return std::move(result->body);
}

int ExitCodeFor(const Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ? 3 : 1;
}

}  // namespace dsfl::cli
