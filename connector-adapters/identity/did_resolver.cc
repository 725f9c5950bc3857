#include "connector-adapters/identity/did_resolver.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/did_web.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {

Status CheckDocumentId(const DidDocument& document, std::string_view did) {
  if (document.id() != did) {
    return Refuse(Reason::kDidDocumentIdMismatch,
                  absl::StrCat("DID document for ", std::string(did),
                               " has id '", document.id(), "'"));
  }
  return absl::OkStatus();
}

void StaticDidResolver::Add(DidDocument document) {
  std::string id = document.id();
  documents_.insert_or_assign(std::move(id), std::move(document));
}

StatusOr<DidDocument> StaticDidResolver::Resolve(std::string_view did) {
  auto it = documents_.find(did);
  if (it == documents_.end()) {
    return Refuse(
        Reason::kUnknownDid,
        absl::StrCat("no DID document for ", std::string(did),
                     " (offline resolution: pass it with --did-doc)"));
  }
  return it->second;
}

StatusOr<DidDocument> DidWebResolver::Resolve(std::string_view did) {
  DSFL_ASSIGN_OR_RETURN(std::string url, DidWebToUrl(did, /*use_http=*/false));
  if (options_.allow_http) {
    DSFL_ASSIGN_OR_RETURN(url, DidWebToUrl(did, /*use_http=*/true));
  }
  HttpRequest request;
  request.url = url;
  request.headers.emplace_back("Accept",
                               "application/did+json, application/json");
  StatusOr<HttpResponse> response = fetcher_->Fetch(request);
  if (!response.ok()) {
    return Refuse(Reason::kUnknownDid,
                  absl::StrCat("cannot resolve ", std::string(did), ": ",
                               response.status().message()));
  }
  if (response->status != 200) {
    return Refuse(Reason::kUnknownDid,
                  absl::StrCat("cannot resolve ", std::string(did), ": GET ",
                               url, " answered HTTP ", response->status));
  }
  DSFL_ASSIGN_OR_RETURN(DidDocument document,
                        DidDocument::ParseText(response->body, url));
  DSFL_RETURN_IF_ERROR(CheckDocumentId(document, did));
  return document;
}

}  // namespace dsfl::identity
