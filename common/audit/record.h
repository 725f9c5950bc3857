// The audit record format (one JSON line per record), shared by the writer
// and the verifier. docs/audit.md describes it for auditors.
//
// A record is a JSON object with exactly these members:
//   seq      integer, 0 for the genesis record, then +1 per record
//   time     UTC, RFC 3339 with milliseconds ("2025-01-31T12:00:00.000Z")
//   actor    node DID or name
//   event    catalogue type (common/audit/audit_event.h)
//   job      string or null;  round  integer or null;  subject string or null
//   details  object
//   prev     hex SHA-256 `hash` of the previous record (64 zeros at seq 0)
//   hash     hex SHA-256 of the RFC 8785 (JCS) form of the record without
//            `hash` and `sig` (the "body")
//   sig      base64url Ed25519 signature over the 32 raw bytes of `hash`
// The line itself is the JCS form of the whole record followed by "\n", so
// any changed byte (even white space) is detectable. The record's Merkle
// leaf (checkpoints, proofs) is SHA-256(0x00 || body).
//
// Errors: ParseRecordLine returns DataLoss naming the member and the
// problem (bad JSON, duplicate or unknown member, wrong type, not
// canonical, hash mismatch). Thread-safe (pure functions).
#ifndef DSFL_COMMON_AUDIT_RECORD_H_
#define DSFL_COMMON_AUDIT_RECORD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/merkle.h"
#include "common/sha256.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::audit {

inline constexpr char kLogFormat[] = "dsfl-audit/1";
inline constexpr char kGenesisPrev[] =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct AuditRecord {
  uint64_t seq = 0;
  std::string time;
  std::string actor;
  std::string event;
  std::optional<std::string> job;
  std::optional<int64_t> round;
  std::optional<std::string> subject;
  nlohmann::json details = nlohmann::json::object();
  std::string prev;  // hex
  std::string hash;  // hex, set by SealRecord / ParseRecordLine
  std::string sig;   // base64url, set by SealRecord / ParseRecordLine
};

// A sealed or parsed record with what the chain and the tree need.
struct SealedRecord {
  AuditRecord record;
  std::string line;           // canonical JSON, without the newline
  Sha256Digest hash{};        // SHA-256(body)
  crypto::MerkleHash leaf{};  // SHA-256(0x00 || body)
  std::string signature;      // 64 raw bytes
};

std::string FormatRecordTime(absl::Time time);
StatusOr<absl::Time> ParseRecordTime(const std::string& text);

// Computes hash and sig of `record` (its hash/sig members are ignored) and
// its canonical line. InvalidArgument when details cannot be canonicalised.
StatusOr<SealedRecord> SealRecord(AuditRecord record,
                                  const crypto::Ed25519PrivateKey& key);

// Parses one line (without the newline) and checks its form and hash; the
// signature and the chain are the caller's to check.
StatusOr<SealedRecord> ParseRecordLine(std::string_view line);

// Ed25519 check of the record's signature under `key`.
bool VerifyRecordSignature(const SealedRecord& record,
                           const crypto::Ed25519PublicKey& key);

// The record as a JSON object (all members).
nlohmann::json RecordToJson(const AuditRecord& record);

// RFC 7638 JWK thumbprint (base64url) of an Ed25519 public key: the key id
// in log.genesis.
std::string Ed25519KeyId(const crypto::Ed25519PublicKey& key);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_RECORD_H_
