// DID resolution: the DidResolver interface and its two implementations.
//
//   StaticDidResolver  offline, from documents given up front (the CLI's
//                      `dsfl vc verify --did-doc`, tests). Unknown DIDs
//                      are refused with kUnknownDid.
//   DidWebResolver     did:web over HTTPS (did_web.h for the URL rules);
//                      http:// only when allow_http is set. The fetched
//                      document's `id` must equal the DID
//                      (kDidDocumentIdMismatch); HTTP 404/410 and
//                      unreachable hosts give kUnknownDid.
//
// Ownership: DidWebResolver borrows its HttpFetcher, which must outlive it.
// Threading: Resolve() is thread-safe for both (StaticDidResolver must not
// be modified concurrently with Resolve()).
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_DID_RESOLVER_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_DID_RESOLVER_H_

#include <map>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connector-adapters/identity/did_document.h"
#include "connector-adapters/identity/http_fetcher.h"

namespace dsfl::identity {

class DidResolver {
 public:
  virtual ~DidResolver() = default;
  virtual StatusOr<DidDocument> Resolve(std::string_view did) = 0;
};

class StaticDidResolver final : public DidResolver {
 public:
  // Keyed by the document's id; a second document with the same id
  // replaces the first.
  void Add(DidDocument document);
  StatusOr<DidDocument> Resolve(std::string_view did) override;

 private:
  std::map<std::string, DidDocument, std::less<>> documents_;
};

struct DidWebResolverOptions {
  bool allow_http = false;  // Fetch http:// URLs (test vectors only).
};

class DidWebResolver final : public DidResolver {
 public:
  DidWebResolver(HttpFetcher* fetcher, DidWebResolverOptions options)
      : fetcher_(fetcher), options_(options) {}
  StatusOr<DidDocument> Resolve(std::string_view did) override;

 private:
  HttpFetcher* fetcher_;
  DidWebResolverOptions options_;
};

// Checks that `document.id()` equals `did` (kDidDocumentIdMismatch).
Status CheckDocumentId(const DidDocument& document, std::string_view did);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_DID_RESOLVER_H_
