#include "connector-adapters/identity/did_web.h"

#include <charconv>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {
namespace {

Status Invalid(std::string_view did, const std::string& rule) {
  return Refuse(
      Reason::kInvalidDid,
      absl::StrCat("'", std::string(did), "' is not a valid did:web: ", rule));
}

bool IsUnreserved(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes; false on a malformed escape.
bool PercentDecode(std::string_view text, std::string* out) {
  out->clear();
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out->push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return false;
    int hi = HexValue(text[i + 1]);
    int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

bool LooksLikeIpv4(std::string_view host) {
  int dots = 0;
  for (char c : host) {
    if (c == '.') {
      ++dots;
    } else if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return dots == 3;
}

bool IsDnsName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  for (absl::string_view label :
       absl::StrSplit(absl::string_view(host.data(), host.size()), '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

StatusOr<std::string> DidWebToUrl(std::string_view did, bool use_http) {
  constexpr std::string_view kPrefix = "did:web:";
  if (did.substr(0, kPrefix.size()) != kPrefix) {
    return Invalid(did, "must start with 'did:web:'");
  }
  std::string_view id = did.substr(kPrefix.size());
  if (id.empty()) return Invalid(did, "empty method-specific identifier");
  if (id.find_first_of("#?/") != std::string_view::npos) {
    return Invalid(did, "contains '#', '?' or '/' (pass a DID, not a DID URL)");
  }
  if (id.back() == ':') return Invalid(did, "must not end with ':'");
  std::vector<std::string> segments =
      absl::StrSplit(absl::string_view(id.data(), id.size()), ':');
  for (const std::string& segment : segments) {
    if (segment.empty()) return Invalid(did, "has an empty ':' segment");
  }
  // Host (with an optional %3A port).
  std::string authority;
  if (!PercentDecode(segments[0], &authority)) {
    return Invalid(did, "malformed percent-encoding in the host");
  }
  std::string host = authority;
  std::string port_text;
  size_t colon = authority.find(':');
  if (colon != std::string::npos) {
    host = authority.substr(0, colon);
    port_text = authority.substr(colon + 1);
    int port = 0;
    auto [end, ec] = std::from_chars(port_text.data(),
                                     port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() ||
        end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      return Invalid(did,
                     absl::StrCat("port '", port_text, "' is not in 1..65535"));
    }
  }
  if (host.find(':') != std::string::npos ||
      host.find('[') != std::string::npos || LooksLikeIpv4(host)) {
    return Invalid(did, "the host must be a domain name, not an IP address");
  }
  if (!IsDnsName(host)) {
    return Invalid(did, absl::StrCat("host '", host, "' is not a DNS name"));
  }
  std::string url = absl::StrCat(use_http ? "http" : "https", "://",
                                 absl::AsciiStrToLower(host),
                                 port_text.empty() ? "" : ":", port_text);
  for (size_t i = 1; i < segments.size(); ++i) {
    const std::string& segment = segments[i];
    std::string decoded;
    if (!PercentDecode(segment, &decoded)) {
      return Invalid(did, "malformed percent-encoding in the path");
    }
    for (char c : segment) {
      if (!IsUnreserved(c) && c != '%') {
        return Invalid(did, absl::StrCat("path segment '", segment,
                                         "' has a character outside the "
                                         "unreserved set"));
      }
    }
    if (decoded == "." || decoded == ".." ||
        decoded.find('/') != std::string::npos) {
      return Invalid(
          did, absl::StrCat("path segment '", segment, "' is not allowed"));
    }
    absl::StrAppend(&url, "/", segment);
  }
  if (segments.size() == 1) url += "/.well-known";
  url += "/did.json";
  return url;
}

std::string MakeDidWeb(std::string_view host, int port,
                       const std::vector<std::string>& path) {
  std::string did = absl::StrCat("did:web:", std::string(host));
  if (port > 0) absl::StrAppend(&did, "%3A", port);
  for (const std::string& segment : path) absl::StrAppend(&did, ":", segment);
  return did;
}

StatusOr<DidUrl> SplitDidUrl(std::string_view did_url) {
  DidUrl result;
  size_t hash = did_url.find('#');
  result.did = std::string(did_url.substr(0, hash));
  if (hash != std::string_view::npos) {
    result.fragment = std::string(did_url.substr(hash + 1));
  }
  size_t method_end = result.did.find(':', 4);
  if (result.did.compare(0, 4, "did:") != 0 ||
      method_end == std::string::npos || method_end == 4 ||
      method_end + 1 >= result.did.size()) {
    return Refuse(Reason::kInvalidDid,
                  absl::StrCat("'", std::string(did_url),
                               "' is not a DID URL (did:<method>:<id>)"));
  }
  return result;
}

}  // namespace dsfl::identity
