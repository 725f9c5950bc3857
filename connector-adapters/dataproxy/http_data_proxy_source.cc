#include "connector-adapters/dataproxy/http_data_proxy_source.h"

#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "connector-adapters/dataproxy/numeric_field.h"
#include "connector-adapters/dataproxy/read_file.h"
#include "httplib.h"

namespace dsfl::dataproxy {
namespace internal {

struct DataProxyEndpoint {
  std::string scheme;  // "https" or "http"
  std::string host;    // As written in the URL; IPv6 keeps its brackets.
  int port = 0;
  std::string path;   // Starts with '/'.
  std::string query;  // Without '?'; may be empty.

  std::string HostPort() const { return absl::StrCat(host, ":", port); }
  std::string SchemeHostPort() const {
    return absl::StrCat(scheme, "://", HostPort());
  }
  // No query: a query string could carry secrets.
  std::string Display() const { return SchemeHostPort() + path; }
};

}  // namespace internal

namespace {

using Endpoint = internal::DataProxyEndpoint;

constexpr size_t kMaxServerMessageChars = 200;

Status FieldError(const std::string& field, const std::string& message) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
}

StatusOr<int> ParsePort(std::string_view text) {
  int port = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      port < 1 || port > 65535) {
    return FieldError("base_url", absl::StrCat("port ", QuoteForMessage(text),
                                               " is not in 1..65535"));
  }
  return port;
}

// Parses scheme://host[:port][/path][?query]; no userinfo, no fragment.
StatusOr<Endpoint> ParseBaseUrl(std::string_view url) {
  Endpoint endpoint;
  if (url.empty()) return FieldError("base_url", "must not be empty");
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return FieldError("base_url",
                        "must not contain spaces or control characters");
    }
  }
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return FieldError("base_url", absl::StrCat(QuoteForMessage(url),
                                               " is not an absolute URL "
                                               "(expected https://host/path)"));
  }
  endpoint.scheme =
      absl::AsciiStrToLower(std::string(url.substr(0, scheme_end)));
  if (endpoint.scheme != "https" && endpoint.scheme != "http") {
    return FieldError("base_url",
                      absl::StrCat("scheme ", QuoteForMessage(endpoint.scheme),
                                   " is not supported; use https"));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) {
    return FieldError("base_url", "must not contain a fragment ('#')");
  }
  size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view path_query = authority_end == std::string_view::npos
                                    ? std::string_view()
                                    : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) {
    return FieldError("base_url",
                      "must not contain user credentials; the bearer token "
                      "is configured separately");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return FieldError("base_url", "unterminated '[' in the host");
    }
    endpoint.host = std::string(authority.substr(0, close + 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') {
        return FieldError("base_url", "unexpected text after ']' in the host");
      }
      port_text = after.substr(1);
      if (port_text.empty()) port_text = "(empty)";
    }
  } else {
    size_t colon = authority.rfind(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) port_text = "(empty)";
    }
  }
  if (endpoint.host.empty() || endpoint.host == "[]") {
    return FieldError("base_url", "has no host");
  }
  if (port_text.empty()) {
    endpoint.port = endpoint.scheme == "https" ? 443 : 80;
  } else {
    DSFL_ASSIGN_OR_RETURN(endpoint.port, ParsePort(port_text));
  }
  size_t query_start = path_query.find('?');
  endpoint.path = std::string(path_query.substr(0, query_start));
  if (endpoint.path.empty()) endpoint.path = "/";
  if (query_start != std::string_view::npos) {
    endpoint.query = std::string(path_query.substr(query_start + 1));
  }
  return endpoint;
}

Status ValidateToken(std::string_view token) {
  if (token.empty()) return FieldError("bearer_token", "must not be empty");
  for (char c : token) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f) {
      // Never echo the token or the offending character.
      return FieldError("bearer_token",
                        "contains spaces, control or non-ASCII characters "
                        "(not allowed in an HTTP header)");
    }
  }
  return absl::OkStatus();
}

Status ValidateCaFile(const std::string& ca_file) {
  if (ca_file.empty()) return absl::OkStatus();
  StatusOr<std::string> pem = ReadFileToString(ca_file, "CA file");
  if (!pem.ok()) {
    return Status(pem.status().code(),
                  absl::StrCat("ca_file: ", pem.status().message()));
  }
  if (pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return FieldError(
        "ca_file", absl::StrCat("'", ca_file, "' contains no PEM certificate"));
  }
  return absl::OkStatus();
}

// A short, printable excerpt of a server's error body for messages.
std::string ServerMessage(const std::string& body) {
  if (body.empty()) return "";
  std::string excerpt = body.substr(0, kMaxServerMessageChars);
  for (char& c : excerpt) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  if (body.size() > kMaxServerMessageChars) excerpt += "...";
  return absl::StrCat("; server said: ", excerpt);
}

Status HttpStatusError(int status, const std::string& body,
                       const std::string& location, const std::string& where) {
  std::string server = ServerMessage(body);
  if (status == 401) {
    return absl::UnauthenticatedError(
        absl::StrCat(where, " rejected the bearer token (HTTP 401)", server));
  }
  if (status == 403) {
    return absl::PermissionDeniedError(
        absl::StrCat(where, " denied access (HTTP 403)", server));
  }
  if (status == 404) {
    return absl::NotFoundError(
        absl::StrCat(where, ": no such dataset (HTTP 404)", server));
  }
  if (status >= 300 && status < 400) {
    return absl::FailedPreconditionError(absl::StrCat(
        where, " answered with a redirect (HTTP ", status, ") to '", location,
        "'; redirects are not followed, configure the final URL"));
  }
  if (status == 429 || status >= 500) {
    return absl::UnavailableError(
        absl::StrCat(where, " failed (HTTP ", status, ")", server));
  }
  if (status == 400) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " rejected the request (HTTP 400)", server));
  }
  return absl::UnknownError(
      absl::StrCat(where, " answered HTTP ", status, server));
}

// A page's raw response.
struct RawPage {
  std::string body;
  std::optional<std::string> next_offset_header;
};

std::string ColumnsMismatch(const std::vector<std::string>& expected,
                            const std::vector<std::string>& got) {
  if (expected.size() != got.size()) {
    return absl::StrCat("has ", got.size(), " columns but the first page had ",
                        expected.size());
  }
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i] != expected[i]) {
      return absl::StrCat("column ", i + 1, " is ", QuoteForMessage(got[i]),
                          " but was ", QuoteForMessage(expected[i]),
                          " on the first page");
    }
  }
  return "";
}

}  // namespace

StatusOr<std::unique_ptr<HttpDataProxySource>> HttpDataProxySource::Create(
    HttpDataProxyConfig config) {
  DSFL_ASSIGN_OR_RETURN(Endpoint endpoint, ParseBaseUrl(config.base_url));
  if (endpoint.scheme == "http" && !config.allow_insecure_http) {
    return FieldError(
        "base_url",
        absl::StrCat("plain http:// is refused for ", endpoint.Display(),
                     ": the bearer token and the data would travel "
                     "unencrypted; use https:// (or set allow_insecure_http "
                     "for a local test server)"));
  }
  DSFL_RETURN_IF_ERROR(ValidateToken(config.bearer_token));
  DSFL_RETURN_IF_ERROR(ValidateCaFile(config.ca_file));
  if (config.page_size == 0) {
    return FieldError("page_size", "expected a positive integer");
  }
  if (config.timeout.count() <= 0) {
    return FieldError("timeout", "must be positive");
  }
  if (config.max_pages == 0) {
    return FieldError("max_pages", "expected a positive integer");
  }
  if (config.max_rows == 0) {
    return FieldError("max_rows", "expected a positive integer");
  }
  if (config.max_page_bytes == 0) {
    return FieldError("max_page_bytes", "expected a positive integer");
  }
  return std::unique_ptr<HttpDataProxySource>(new HttpDataProxySource(
      std::move(config), std::make_unique<Endpoint>(std::move(endpoint))));
}

HttpDataProxySource::HttpDataProxySource(HttpDataProxyConfig config,
                                         std::unique_ptr<Endpoint> endpoint)
    : config_(std::move(config)), endpoint_(std::move(endpoint)) {}

HttpDataProxySource::~HttpDataProxySource() = default;

std::string HttpDataProxySource::Describe() const {
  return "http-proxy:" + endpoint_->Display();
}

namespace {

StatusOr<RawPage> FetchPage(httplib::Client& client, const Endpoint& endpoint,
                            const HttpDataProxyConfig& config, uint64_t offset,
                            const std::string& where) {
  std::string target = endpoint.path + "?";
  if (!endpoint.query.empty()) target += endpoint.query + "&";
  absl::StrAppend(&target, "offset=", offset, "&limit=", config.page_size);
  if (config.format == DataProxyFormat::kCsv) target += "&format=csv";
  httplib::Headers headers = {
      {"Authorization", "Bearer " + config.bearer_token},
      {"Accept", config.format == DataProxyFormat::kCsv ? kCsvContentType
                                                        : kJsonContentType}};
  RawPage page;
  bool too_large = false;
  std::optional<httplib::Result> fetched;
  try {
    fetched = client.Get(
        target, headers, [](const httplib::Response&) { return true; },
        [&](const char* data, size_t size) {
          if (page.body.size() + size > config.max_page_bytes) {
            too_large = true;
            return false;
          }
          page.body.append(data, size);
          return true;
        });
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot fetch ", where, ": ", e.what()));
  }
  httplib::Result& result = *fetched;
  if (!result) {
    httplib::Error error = result.error();
    if (too_large) {
      return absl::ResourceExhaustedError(
          absl::StrCat(where, " is larger than max_page_bytes (",
                       config.max_page_bytes, " bytes)"));
    }
    if (error == httplib::Error::SSLLoadingCerts) {
      return absl::InvalidArgumentError(absl::StrCat(
          "ca_file: cannot load CA certificates from '", config.ca_file, "'"));
    }
    if (error == httplib::Error::SSLServerVerification) {
      long verify = client.get_openssl_verify_result();
      std::string reason =
          verify == X509_V_OK
              ? std::string("the certificate does not match the host name")
              : std::string(X509_verify_cert_error_string(verify));
      return absl::UnavailableError(absl::StrCat(
          "TLS verification of data proxy ", endpoint.HostPort(),
          " failed: ", reason,
          config.ca_file.empty() ? " (checked against the system CAs)"
                                 : absl::StrCat(" (checked against ca_file '",
                                                config.ca_file, "')")));
    }
    return absl::UnavailableError(absl::StrCat(
        "cannot reach data proxy ", endpoint.HostPort(), " (",
        httplib::to_string(error), " error) while fetching ", where));
  }
  if (result->status != 200) {
    return HttpStatusError(result->status, page.body,
                           result->get_header_value("Location"), where);
  }
  if (result->has_header(kNextOffsetHeader)) {
    page.next_offset_header = result->get_header_value(kNextOffsetHeader);
  }
  return page;
}

}  // namespace

StatusOr<Table> HttpDataProxySource::Read() {
  const Endpoint& endpoint = *endpoint_;
  httplib::Client client(endpoint.SchemeHostPort());
  client.set_connection_timeout(config_.timeout);
  client.set_read_timeout(config_.timeout);
  client.set_write_timeout(config_.timeout);
  client.set_follow_location(false);
  client.set_keep_alive(true);
  // Pages reuse one connection; without TCP_NODELAY each request after the
  // first waits ~40 ms for a delayed ACK (Nagle).
  client.set_tcp_nodelay(true);
  if (endpoint.scheme == "https") {
    client.enable_server_certificate_verification(true);
    if (!config_.ca_file.empty()) client.set_ca_cert_path(config_.ca_file);
  }

  std::optional<Table> result;
  uint64_t offset = 0;
  for (uint64_t pages = 0;; ++pages) {
    const std::string where = absl::StrCat("data proxy ", endpoint.Display(),
                                           " page at offset ", offset);
    if (pages == config_.max_pages) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "data proxy ", endpoint.Display(), " announced more than max_pages=",
          config_.max_pages, " pages (next page at offset ", offset, ")"));
    }
    DSFL_ASSIGN_OR_RETURN(RawPage raw,
                          FetchPage(client, endpoint, config_, offset, where));
    StatusOr<DataProxyPage> parsed =
        config_.format == DataProxyFormat::kCsv
            ? ParseCsvPage(raw.body, raw.next_offset_header, where)
            : ParseJsonPage(raw.body, where);
    if (!parsed.ok()) return parsed.status();
    DataProxyPage& page = *parsed;
    const uint64_t rows = page.rows.num_rows();
    if (!result.has_value()) {
      result.emplace(page.rows.columns());
    } else if (page.rows.columns() != result->columns()) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": ",
          ColumnsMismatch(result->columns(), page.rows.columns())));
    }
    if (result->num_rows() + rows > config_.max_rows) {
      return absl::ResourceExhaustedError(absl::StrCat(
          where, ": the dataset exceeds max_rows=", config_.max_rows, " rows"));
    }
    const size_t num_columns = result->num_columns();
    std::vector<double> row(num_columns);
    for (uint64_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < num_columns; ++c) row[c] = page.rows.at(r, c);
      result->AppendRow(row);
    }
    if (!page.next_offset.has_value()) break;
    if (rows == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": an empty page announces a next page at offset ",
          *page.next_offset));
    }
    if (*page.next_offset != offset + rows) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": returned ", rows, " records but next_offset is ",
          *page.next_offset, " (expected ", offset + rows, ")"));
    }
    offset = *page.next_offset;
  }
  return std::move(*result);
}

}  // namespace dsfl::dataproxy
