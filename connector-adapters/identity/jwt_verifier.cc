#include "connector-adapters/identity/jwt_verifier.h"

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/jws.h"
#include "connector-adapters/identity/jwt_claims.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {

StatusOr<VerifiedJwt> VerifyIssuerSignedJwt(std::string_view compact,
                                            DidResolver& resolver,
                                            std::string_view what) {
  const std::string context = absl::StrCat(std::string(what), ": ");
  auto fail = [&context](const Status& status) {
    return WithContext(status, context);
  };
  StatusOr<CompactJws> jws = ParseCompactJws(compact);
  if (!jws.ok()) return fail(jws.status());
  // Refuse alg none / HMAC before touching the network.
  const std::string alg = jws->alg();
  if (alg == "none" || alg.rfind("HS", 0) == 0) {
    PublicJwk any;
    return fail(CheckAlgorithmForKey(alg, any));
  }
  StatusOr<nlohmann::json> claims = JwsClaims(*jws);
  if (!claims.ok()) return fail(claims.status());
  VerifiedJwt result;
  result.header = jws->header;
  result.claims = *std::move(claims);
  result.issuer = StringClaim(result.claims, "iss");
  if (result.issuer.empty()) {
    return fail(Refuse(Reason::kMalformed, "no 'iss' claim"));
  }
  const std::string kid = jws->kid();
  if (!kid.empty() && kid.front() != '#' &&
      kid.find('#') != std::string::npos &&
      kid.compare(0, result.issuer.size() + 1, result.issuer + "#") != 0) {
    return fail(
        Refuse(Reason::kWrongKey,
               absl::StrCat("kid '", kid, "' is not a key of the issuer ",
                            result.issuer)));
  }
  StatusOr<DidDocument> document = resolver.Resolve(result.issuer);
  if (!document.ok()) return fail(document.status());
  Status id_check = CheckDocumentId(*document, result.issuer);
  if (!id_check.ok()) return fail(id_check);
  StatusOr<const VerificationMethod*> method = document->FindMethod(kid);
  if (!method.ok()) return fail(method.status());
  Status signature = VerifyJwsSignature(*jws, *(*method)->key);
  if (!signature.ok()) {
    return fail(
        WithContext(signature, absl::StrCat("key ", (*method)->id, ": ")));
  }
  result.method_id = (*method)->id;
  result.issuer_document = *std::move(document);
  return result;
}

}  // namespace dsfl::identity
