// JSON Canonicalization Scheme (RFC 8785, "JCS") for nlohmann::json values:
// the byte-exact form that is hashed and signed (audit records, JWK
// thumbprints, eddsa-jcs-style signed JSON).
//
// Rules: no white space; object members sorted recursively by their names
// as arrays of UTF-16 code units; strings with ECMAScript JSON.stringify
// escaping (\b \f \n \r \t \" \\, other controls as lowercase \u00xx, every
// other character as UTF-8); numbers as ECMAScript Number::toString of the
// IEEE-754 double (shortest round trip; exponent form at >= 1e21 and
// < 1e-6; -0 as 0). Integers held as int64/uint64 are converted to double
// first, as RFC 8785 requires (values beyond 2^53 lose precision: carry
// such ids as strings).
//
// Errors: InvalidArgument for NaN/Infinity, invalid UTF-8 (including lone
// surrogates) in a string or member name, and binary values; the message
// names the JSON pointer of the offending value.
// Thread-safe (pure functions).
#ifndef DSFL_COMMON_CRYPTO_JCS_H_
#define DSFL_COMMON_CRYPTO_JCS_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::crypto {

// The RFC 8785 canonical UTF-8 serialisation of `value`.
StatusOr<std::string> JcsCanonicalize(const nlohmann::json& value);

// ECMAScript Number::toString(value) (RFC 8785 §3.2.2.3).
StatusOr<std::string> JcsSerializeNumber(double value);

// Parses `text` as I-JSON (RFC 7493): like nlohmann::json::parse but
// rejects duplicate member names. Errors: InvalidArgument naming the byte
// position or the duplicated name.
StatusOr<nlohmann::json> ParseIJson(std::string_view text);

}  // namespace dsfl::crypto

#endif  // DSFL_COMMON_CRYPTO_JCS_H_
