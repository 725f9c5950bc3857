#include "connector-adapters/identity/http_fetcher.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <charconv>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "httplib.h"

namespace dsfl::identity {
namespace {

Status UrlError(std::string_view url, const std::string& problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("URL '", UrlForMessage(url), "': ", problem));
}

// A fresh X509_STORE holding every certificate of `pem`; caller owns it.
X509_STORE* StoreFromPem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return nullptr;
  X509_STORE* store = X509_STORE_new();
  int added = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    if (X509_STORE_add_cert(store, cert) == 1) ++added;
    X509_free(cert);
  }
  ERR_clear_error();
  BIO_free(bio);
  if (added == 0) {
    X509_STORE_free(store);
    return nullptr;
  }
  return store;
}

class HttpsFetcher final : public HttpFetcher {
 public:
  explicit HttpsFetcher(HttpsFetcherOptions options)
      : options_(std::move(options)) {}

  StatusOr<HttpResponse> Fetch(const HttpRequest& request) override {
    DSFL_ASSIGN_OR_RETURN(ParsedUrl url, ParseHttpUrl(request.url));
    if (url.scheme == "http" && !options_.allow_http) {
      return UrlError(request.url,
                      "plain http:// is refused; use https:// (http is only "
                      "allowed by explicit configuration, for test vectors)");
    }
    httplib::Client client(url.SchemeHostPort());
    const auto timeout = absl::ToChronoMilliseconds(options_.timeout);
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    client.set_follow_location(false);
    client.set_keep_alive(false);
    client.set_tcp_nodelay(true);
    if (url.scheme == "https") {
      client.enable_server_certificate_verification(true);
      if (!options_.ca_pem.empty()) {
        X509_STORE* store = StoreFromPem(options_.ca_pem);
        if (store == nullptr) {
          return absl::InvalidArgumentError(
              "CA bundle: no PEM certificate could be read");
        }
        client.set_ca_cert_store(store);  // httplib takes ownership.
      }
    }
    httplib::Headers headers;
    for (const auto& [name, value] : request.headers) {
      headers.emplace(name, value);
    }
    std::string body;
    bool too_large = false;
    auto receiver = [&](const char* data, size_t size) {
      if (body.size() + size > options_.max_body_bytes) {
        too_large = true;
        return false;
      }
      body.append(data, size);
      return true;
    };
    std::optional<httplib::Result> result;
    try {
      if (request.method == "GET") {
        result = client.Get(
            url.path_and_query, headers,
            [](const httplib::Response&) { return true; }, receiver);
      } else if (request.method == "POST" || request.method == "DELETE") {
        // httplib 0.11 has no streaming receiver for POST; cap afterwards.
        result = request.method == "POST"
                     ? client.Post(url.path_and_query, headers, request.body,
                                   request.content_type.empty()
                                       ? "application/json"
                                       : request.content_type)
                     : client.Delete(url.path_and_query, headers);
        if (*result) {
          if ((*result)->body.size() > options_.max_body_bytes) {
            too_large = true;
          } else {
            body = (*result)->body;
          }
        }
      } else {
        return absl::InvalidArgumentError(
            absl::StrCat("HTTP method '", request.method, "' not supported"));
      }
    } catch (const std::exception& e) {
      return absl::UnavailableError(absl::StrCat(
          request.method, " ", UrlForMessage(request.url), ": ", e.what()));
    }
    if (too_large) {
      return absl::ResourceExhaustedError(
          absl::StrCat("response of ", UrlForMessage(request.url),
                       " is larger than ", options_.max_body_bytes, " bytes"));
    }
    if (!*result) {
      httplib::Error error = result->error();
      if (error == httplib::Error::SSLServerVerification) {
        long verify = client.get_openssl_verify_result();
        return absl::UnavailableError(absl::StrCat(
            "TLS verification of ", url.SchemeHostPort(), " failed: ",
            verify == X509_V_OK ? "the certificate does not match the host"
                                : X509_verify_cert_error_string(verify),
            options_.ca_pem.empty() ? " (system CAs)" : " (configured CA)"));
      }
      return absl::UnavailableError(
          absl::StrCat("cannot reach ", url.SchemeHostPort(), " (",
                       httplib::to_string(error), ") for ", request.method, " ",
                       UrlForMessage(request.url)));
    }
    HttpResponse response;
    response.status = (*result)->status;
    response.body = std::move(body);
    response.content_type = (*result)->get_header_value("Content-Type");
    return response;
  }

 private:
  HttpsFetcherOptions options_;
};

}  // namespace

std::string ParsedUrl::SchemeHostPort() const {
  return absl::StrCat(scheme, "://", host, ":", port);
}

std::string UrlForMessage(std::string_view url) {
  return std::string(url.substr(0, url.find('?')));
}

StatusOr<ParsedUrl> ParseHttpUrl(std::string_view url) {
  ParsedUrl parsed;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return UrlError(url, "contains spaces or control characters");
    }
  }
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return UrlError(url, "not an absolute URL");
  }
  parsed.scheme = absl::AsciiStrToLower(std::string(url.substr(0, scheme_end)));
  if (parsed.scheme != "https" && parsed.scheme != "http") {
    return UrlError(
        url, absl::StrCat("scheme '", parsed.scheme, "' is not http(s)"));
  }
  std::string_view rest = url.substr(scheme_end + 3);
  if (rest.find('#') != std::string_view::npos) {
    return UrlError(url, "must not contain a fragment");
  }
  size_t authority_end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, authority_end);
  std::string path = authority_end == std::string_view::npos
                         ? std::string()
                         : std::string(rest.substr(authority_end));
  if (authority.find('@') != std::string_view::npos) {
    return UrlError(url, "must not contain user credentials");
  }
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return UrlError(url, "bad IPv6 host");
    parsed.host = std::string(authority.substr(0, close + 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return UrlError(url, "bad text after host");
      port_text = after.substr(1);
      if (port_text.empty()) return UrlError(url, "empty port");
    }
  } else {
    size_t colon = authority.rfind(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return UrlError(url, "empty port");
    }
  }
  if (parsed.host.empty()) return UrlError(url, "has no host");
  if (port_text.empty()) {
    parsed.port = parsed.scheme == "https" ? 443 : 80;
  } else {
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(),
                                     port_text.data() + port_text.size(), port);
    if (ec != std::errc() || end != port_text.data() + port_text.size() ||
        port < 1 || port > 65535) {
      return UrlError(url, absl::StrCat("port '", std::string(port_text),
                                        "' is not in 1..65535"));
    }
    parsed.port = port;
  }
  if (path.empty() || path.front() == '?') path = "/" + path;
  parsed.path_and_query = std::move(path);
  return parsed;
}

std::unique_ptr<HttpFetcher> NewHttpsFetcher(HttpsFetcherOptions options) {
  return std::make_unique<HttpsFetcher>(std::move(options));
}

}  // namespace dsfl::identity
