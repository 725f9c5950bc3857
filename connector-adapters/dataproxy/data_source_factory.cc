#include "connector-adapters/dataproxy/data_source_factory.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "connector-adapters/dataproxy/csv_data_source.h"
#include "connector-adapters/dataproxy/data_proxy_protocol.h"
#include "connector-adapters/dataproxy/http_data_proxy_source.h"
#include "connector-adapters/dataproxy/read_file.h"
#include "nlohmann/json.hpp"

namespace dsfl::dataproxy {
namespace {

using nlohmann::json;

constexpr double kMaxTimeoutSeconds = 24 * 3600;

// Typed, key-naming access to one JSON object of the configuration.
class ConfigObject {
 public:
  ConfigObject(const json& object, std::string_view path)
      : object_(object), path_(std::string(path)) {}

  std::string Name(std::string_view key) const {
    return absl::StrCat(path_, ".", std::string(key));
  }

  Status Error(std::string_view key, const std::string& message) const {
    return absl::InvalidArgumentError(absl::StrCat(Name(key), ": ", message));
  }

  Status CheckKeys(const std::vector<std::string>& allowed) const {
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (std::find(allowed.begin(), allowed.end(), it.key()) ==
          allowed.end()) {
        return Error(it.key(), absl::StrCat("unknown key (allowed: ",
                                            absl::StrJoin(allowed, ", "), ")"));
      }
    }
    return absl::OkStatus();
  }

  const json* Find(std::string_view key) const {
    auto it = object_.find(std::string(key));
    return it == object_.end() ? nullptr : &*it;
  }

  StatusOr<std::string> RequiredString(std::string_view key) const {
    const json* value = Find(key);
    if (value == nullptr) return Error(key, "is required");
    if (!value->is_string() || value->get_ref<const std::string&>().empty()) {
      return Error(key, "expected a non-empty string");
    }
    return value->get<std::string>();
  }

  Status OptionalString(std::string_view key, std::string* out) const {
    const json* value = Find(key);
    if (value == nullptr) return absl::OkStatus();
    if (!value->is_string()) return Error(key, "expected a string");
    *out = value->get<std::string>();
    return absl::OkStatus();
  }

  Status OptionalPositiveInteger(std::string_view key, uint64_t* out) const {
    const json* value = Find(key);
    if (value == nullptr) return absl::OkStatus();
    // Parsed JSON stores non-negative integers as unsigned; JSON built in
    // C++ from an int stores a signed integer.
    const bool positive =
        value->is_number_unsigned()  ? value->get<uint64_t>() > 0
        : value->is_number_integer() ? value->get<int64_t>() > 0
                                     : false;
    if (!positive) return Error(key, "expected a positive integer");
    *out = value->get<uint64_t>();
    return absl::OkStatus();
  }

  Status OptionalPositiveNumber(std::string_view key, double max,
                                double* out) const {
    const json* value = Find(key);
    if (value == nullptr) return absl::OkStatus();
    if (!value->is_number() || !(value->get<double>() > 0) ||
        value->get<double>() > max) {
      return Error(key, absl::StrCat("expected a positive number up to ", max));
    }
    *out = value->get<double>();
    return absl::OkStatus();
  }

  Status OptionalBool(std::string_view key, bool* out) const {
    const json* value = Find(key);
    if (value == nullptr) return absl::OkStatus();
    if (!value->is_boolean()) return Error(key, "expected true or false");
    *out = value->get<bool>();
    return absl::OkStatus();
  }

  // Prefixes a status from a component whose messages start with a field.
  Status Prefix(const Status& status) const {
    return Status(status.code(), absl::StrCat(path_, ".", status.message()));
  }

 private:
  const json& object_;
  std::string path_;
};

StatusOr<std::unique_ptr<DataSource>> MakeCsv(const ConfigObject& config) {
  DSFL_RETURN_IF_ERROR(config.CheckKeys({"type", "path"}));
  DSFL_ASSIGN_OR_RETURN(std::string path, config.RequiredString("path"));
  return std::make_unique<CsvDataSource>(std::move(path));
}

StatusOr<std::unique_ptr<DataSource>> MakeHttp(const ConfigObject& config) {
  DSFL_RETURN_IF_ERROR(
      config.CheckKeys({"type", "base_url", "token_file", "ca_file", "format",
                        "page_size", "timeout_seconds", "allow_insecure_http",
                        "max_pages", "max_rows", "max_page_bytes"}));
  HttpDataProxyConfig http;
  DSFL_ASSIGN_OR_RETURN(http.base_url, config.RequiredString("base_url"));
  DSFL_ASSIGN_OR_RETURN(std::string token_file,
                        config.RequiredString("token_file"));
  DSFL_RETURN_IF_ERROR(config.OptionalString("ca_file", &http.ca_file));
  std::string format = "json";
  DSFL_RETURN_IF_ERROR(config.OptionalString("format", &format));
  std::optional<DataProxyFormat> parsed_format = ParseFormatName(format);
  if (!parsed_format) {
    return config.Error("format", "expected \"json\" or \"csv\"");
  }
  http.format = *parsed_format;
  DSFL_RETURN_IF_ERROR(
      config.OptionalPositiveInteger("page_size", &http.page_size));
  DSFL_RETURN_IF_ERROR(
      config.OptionalPositiveInteger("max_pages", &http.max_pages));
  DSFL_RETURN_IF_ERROR(
      config.OptionalPositiveInteger("max_rows", &http.max_rows));
  DSFL_RETURN_IF_ERROR(
      config.OptionalPositiveInteger("max_page_bytes", &http.max_page_bytes));
  double timeout_seconds = http.timeout.count() / 1000.0;
  DSFL_RETURN_IF_ERROR(config.OptionalPositiveNumber(
      "timeout_seconds", kMaxTimeoutSeconds, &timeout_seconds));
  http.timeout = std::chrono::milliseconds(
      std::max<int64_t>(1, std::llround(timeout_seconds * 1000)));
  DSFL_RETURN_IF_ERROR(
      config.OptionalBool("allow_insecure_http", &http.allow_insecure_http));

  StatusOr<std::string> token = ReadSecretFile(token_file, "token file");
  if (!token.ok()) {
    return Status(token.status().code(),
                  absl::StrCat(config.Name("token_file"), ": ",
                               token.status().message()));
  }
  http.bearer_token = *std::move(token);
  StatusOr<std::unique_ptr<HttpDataProxySource>> source =
      HttpDataProxySource::Create(std::move(http));
  if (!source.ok()) {
    // The token comes from token_file: name the key the operator wrote.
    constexpr std::string_view kTokenField = "bearer_token: ";
    std::string message(source.status().message());
    if (message.compare(0, kTokenField.size(), kTokenField) == 0) {
      message.erase(0, kTokenField.size());
      return Status(source.status().code(),
                    absl::StrCat(config.Name("token_file"), ": the token in '",
                                 token_file, "' ", message));
    }
    return config.Prefix(source.status());
  }
  return std::unique_ptr<DataSource>(*std::move(source));
}

}  // namespace

StatusOr<std::unique_ptr<DataSource>> MakeDataSource(const json& config,
                                                     std::string_view path) {
  if (!config.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(path), ": expected an object with a \"type\" key"));
  }
  ConfigObject object(config, path);
  DSFL_ASSIGN_OR_RETURN(std::string type, object.RequiredString("type"));
  if (type == "csv") return MakeCsv(object);
  if (type == "http") return MakeHttp(object);
  return object.Error("type", absl::StrCat("unknown source type '", type,
                                           "' (expected \"csv\" or \"http\")"));
}

}  // namespace dsfl::dataproxy
