// Base64 encodings (RFC 4648): base64url without padding (JOSE, did:web
// JWKs, audit signatures) and standard base64 (status lists may use
// either). Decoders are strict: they reject characters outside the
// alphabet and, for base64url, padding; Base64Decode accepts both
// alphabets and optional padding (status lists in the wild use both).
// Errors: InvalidArgument naming the offending position.
// Thread-safe (pure functions).
#ifndef DSFL_COMMON_CRYPTO_BASE64URL_H_
#define DSFL_COMMON_CRYPTO_BASE64URL_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace dsfl::crypto {

std::string Base64UrlEncode(std::string_view bytes);
StatusOr<std::string> Base64UrlDecode(std::string_view text);

std::string Base64Encode(std::string_view bytes);
StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace dsfl::crypto

#endif  // DSFL_COMMON_CRYPTO_BASE64URL_H_
