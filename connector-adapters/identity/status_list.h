// Credential status lists: StatusList2021 and BitstringStatusList (W3C).
//
// An `encodedList` is GZIP-compressed bits, base64-encoded: a leading 'u'
// means multibase base64url (BitstringStatusList); otherwise plain base64
// in either alphabet, with or without padding (StatusList2021's examples
// use '-'). Bit 0 is the left-most (most significant) bit of the first
// byte; a set bit means revoked (purpose "revocation") or suspended
// ("suspension").
//
// StatusListCredential reads a status-list credential (VC DM 1.1 or 2.0
// JSON, e.g. the `vc` claim of a VC-JWT): its id, issuer, list type,
// purpose and bits.
//
// Errors: kMalformed / kStatusUnavailable refusals naming the member;
// decompression is capped at 16 MiB (a larger list is refused).
// Threading: immutable values; thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_IDENTITY_STATUS_LIST_H_
#define DSFL_CONNECTOR_ADAPTERS_IDENTITY_STATUS_LIST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::identity {

class StatusBitstring {
 public:
  static StatusOr<StatusBitstring> Decode(std::string_view encoded_list);
  // All-zero bitstring of `bits` bits (rounded up to whole bytes).
  static StatusBitstring Zeros(uint64_t bits);

  uint64_t size_bits() const { return bytes_.size() * 8; }
  // False for indexes past the end; check size_bits() first.
  bool Get(uint64_t index) const;
  void Set(uint64_t index, bool value);
  // "u" + base64url(gzip(bits)) (BitstringStatusList form).
  StatusOr<std::string> Encode() const;

 private:
  std::vector<uint8_t> bytes_;
};

struct StatusListEntry {
  std::string type;     // "StatusList2021Entry" or "BitstringStatusListEntry"
  std::string purpose;  // "revocation", "suspension", ...
  uint64_t index = 0;
  std::string list_credential;  // URL of the status-list credential.
};

// The credentialStatus member of a credential (object or array).
StatusOr<std::vector<StatusListEntry>> ParseCredentialStatus(
    const nlohmann::json& credential);

struct StatusListCredential {
  std::string id;
  std::string issuer;
  std::string list_type;  // "StatusList2021" or "BitstringStatusList"
  std::string purpose;
  StatusBitstring bits;
};
StatusOr<StatusListCredential> ParseStatusListCredential(
    const nlohmann::json& credential);

// Checks `entry` against `list`: the purpose matches and the index is in
// range (else kStatusUnavailable), then the bit (kRevoked when set).
Status CheckStatusEntry(const StatusListEntry& entry,
                        const StatusListCredential& list);

// GZIP compression/decompression (RFC 1952) via zlib.
StatusOr<std::string> Gzip(std::string_view data);
StatusOr<std::string> Gunzip(std::string_view data, size_t max_output);

}  // namespace dsfl::identity

#endif  // DSFL_CONNECTOR_ADAPTERS_IDENTITY_STATUS_LIST_H_
