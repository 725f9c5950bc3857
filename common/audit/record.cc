#include "common/audit/record.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"
#include "common/crypto/jcs.h"

namespace dsfl::audit {
namespace {

using Json = nlohmann::json;

std::string DigestBytes(const Sha256Digest& d) {
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

Json BodyJson(const AuditRecord& r) {
  Json body = Json::object();
  body["seq"] = r.seq;
  body["time"] = r.time;
  body["actor"] = r.actor;
  body["event"] = r.event;
  body["job"] = r.job.has_value() ? Json(*r.job) : Json(nullptr);
  body["round"] = r.round.has_value() ? Json(*r.round) : Json(nullptr);
  body["subject"] = r.subject.has_value() ? Json(*r.subject) : Json(nullptr);
  body["details"] = r.details;
  body["prev"] = r.prev;
  return body;
}

Status Bad(const std::string& what) {
  return absl::DataLossError(absl::StrCat("malformed record: ", what));
}

bool IsLowerHex64(const std::string& s) {
  Sha256Digest ignored;
  if (!ParseSha256Hex(s, &ignored)) return false;
  for (char c : s) {
    if (c >= 'A' && c <= 'F') return false;
  }
  return true;
}

StatusOr<std::optional<std::string>> OptionalString(const Json& v,
                                                    const char* name) {
  if (v.is_null()) return std::optional<std::string>();
  if (!v.is_string())
    return Bad(absl::StrCat(name, " must be a string or null"));
  return std::optional<std::string>(v.get<std::string>());
}

}  // namespace

std::string FormatRecordTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E3SZ", time, absl::UTCTimeZone());
}

StatusOr<absl::Time> ParseRecordTime(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S%Ez", text, absl::UTCTimeZone(),
                       &t, &error)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time '", text, "' is not RFC 3339: ", error));
  }
  return t;
}

StatusOr<SealedRecord> SealRecord(AuditRecord record,
                                  const crypto::Ed25519PrivateKey& key) {
  Json body = BodyJson(record);
  DSFL_ASSIGN_OR_RETURN(std::string body_text, crypto::JcsCanonicalize(body));
  SealedRecord out;
  out.hash = Sha256::Of(body_text);
  out.leaf = crypto::MerkleLeafHash(body_text);
  DSFL_ASSIGN_OR_RETURN(crypto::Ed25519Signature sig,
                        key.Sign(DigestBytes(out.hash)));
  out.signature.assign(reinterpret_cast<const char*>(sig.data()), sig.size());
  record.hash = ToHex(out.hash);
  record.sig = crypto::Base64UrlEncode(out.signature);
  body["hash"] = record.hash;
  body["sig"] = record.sig;
  DSFL_ASSIGN_OR_RETURN(out.line, crypto::JcsCanonicalize(body));
  out.record = std::move(record);
  return out;
}

StatusOr<SealedRecord> ParseRecordLine(std::string_view line) {
  // A plain parse is enough: duplicate members collapse, so the canonical
  // comparison below rejects them.
  Json j;
  try {
    j = Json::parse(line.begin(), line.end());
  } catch (const Json::exception& e) {
    return Bad(absl::StrCat("not valid JSON (", e.what(), ")"));
  }
  if (!j.is_object()) return Bad("not a JSON object");
  static const std::set<std::string> kMembers = {
      "seq",     "time",    "actor", "event", "job", "round",
      "subject", "details", "prev",  "hash",  "sig"};
  for (const auto& item : j.items()) {
    if (kMembers.count(item.key()) == 0) {
      return Bad(absl::StrCat("unexpected member '", item.key(), "'"));
    }
  }
  for (const std::string& m : kMembers) {
    if (!j.contains(m)) return Bad(absl::StrCat("member '", m, "' is missing"));
  }
  // Canonical form: the exact bytes the writer produced.
  auto canonical = crypto::JcsCanonicalize(j);
  if (!canonical.ok()) return Bad(std::string(canonical.status().message()));
  if (*canonical != line) {
    return Bad("the line is not in RFC 8785 canonical form (it was edited)");
  }
  SealedRecord out;
  AuditRecord& r = out.record;
  if (!j["seq"].is_number_unsigned())
    return Bad("seq must be an unsigned integer");
  r.seq = j["seq"].get<uint64_t>();
  for (const char* m : {"time", "actor", "event", "prev", "hash", "sig"}) {
    if (!j[m].is_string()) return Bad(absl::StrCat(m, " must be a string"));
  }
  r.time = j["time"].get<std::string>();
  if (!ParseRecordTime(r.time).ok()) {
    return Bad(absl::StrCat("time '", r.time, "' is not RFC 3339"));
  }
  r.actor = j["actor"].get<std::string>();
  r.event = j["event"].get<std::string>();
  DSFL_ASSIGN_OR_RETURN(r.job, OptionalString(j["job"], "job"));
  DSFL_ASSIGN_OR_RETURN(r.subject, OptionalString(j["subject"], "subject"));
  if (!j["round"].is_null()) {
    if (!j["round"].is_number_integer()) {
      return Bad("round must be an integer or null");
    }
    r.round = j["round"].get<int64_t>();
  }
  if (!j["details"].is_object()) return Bad("details must be an object");
  r.details = j["details"];
  r.prev = j["prev"].get<std::string>();
  r.hash = j["hash"].get<std::string>();
  r.sig = j["sig"].get<std::string>();
  if (!IsLowerHex64(r.prev)) return Bad("prev must be 64 lowercase hex");
  if (!IsLowerHex64(r.hash)) return Bad("hash must be 64 lowercase hex");
  auto sig = crypto::Base64UrlDecode(r.sig);
  if (!sig.ok() || sig->size() != 64) {
    return Bad("sig must be a base64url Ed25519 signature (64 bytes)");
  }
  out.signature = *sig;
  j.erase("hash");
  j.erase("sig");
  DSFL_ASSIGN_OR_RETURN(std::string body_text, crypto::JcsCanonicalize(j));
  out.hash = Sha256::Of(body_text);
  out.leaf = crypto::MerkleLeafHash(body_text);
  if (ToHex(out.hash) != r.hash) {
    return absl::DataLossError(
        "hash mismatch: the record's content does not match its hash");
  }
  out.line = std::string(line);
  return out;
}

bool VerifyRecordSignature(const SealedRecord& record,
                           const crypto::Ed25519PublicKey& key) {
  return crypto::Ed25519Verify(key, DigestBytes(record.hash), record.signature);
}

nlohmann::json RecordToJson(const AuditRecord& record) {
  Json j = BodyJson(record);
  j["hash"] = record.hash;
  j["sig"] = record.sig;
  return j;
}

std::string Ed25519KeyId(const crypto::Ed25519PublicKey& key) {
  // RFC 7638: SHA-256 over the JWK's required members in lexicographic
  // order without white space.
  const std::string x = crypto::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
  const std::string jwk =
      absl::StrCat("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"", x, "\"}");
  return crypto::Base64UrlEncode(DigestBytes(Sha256::Of(jwk)));
}

}  // namespace dsfl::audit
