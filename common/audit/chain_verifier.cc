#include "common/audit/chain_verifier.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"

namespace dsfl::audit {

const char* FailureKindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNone:
      return "none";
    case FailureKind::kMalformed:
      return "malformed";
    case FailureKind::kHashMismatch:
      return "hash-mismatch";
    case FailureKind::kSignature:
      return "bad-signature";
    case FailureKind::kWrongKey:
      return "wrong-key";
    case FailureKind::kSequence:
      return "sequence";
    case FailureKind::kChain:
      return "chain";
    case FailureKind::kCheckpoint:
      return "checkpoint";
    case FailureKind::kTruncated:
      return "truncated";
    case FailureKind::kTornTail:
      return "torn-tail";
    case FailureKind::kMissingFile:
      return "missing-file";
    case FailureKind::kIo:
      return "io";
  }
  return "unknown";
}

ChainVerifier::ChainVerifier(std::vector<crypto::Ed25519PublicKey> pinned)
    : pinned_(std::move(pinned)) {}

Status ChainVerifier::Fail(FailureKind kind, const std::string& why) {
  failure_ = kind;
  return absl::DataLossError(why);
}

std::string ChainVerifier::HashOf(uint64_t seq) const {
  return seq < hashes_.size() ? ToHex(hashes_[seq]) : std::string();
}

Status ChainVerifier::CheckGenesis(const SealedRecord& r) {
  const AuditRecord& rec = r.record;
  if (rec.event != "log.genesis") {
    return Fail(FailureKind::kMalformed,
                absl::StrCat("seq 0 must be log.genesis, found '", rec.event,
                             "' (the start of the log is missing)"));
  }
  const nlohmann::json& d = rec.details;
  if (!d.contains("format") || d["format"] != kLogFormat) {
    return Fail(
        FailureKind::kMalformed,
        absl::StrCat("log.genesis: details.format must be '", kLogFormat, "'"));
  }
  if (!d.contains("public_key") || !d["public_key"].is_string()) {
    return Fail(FailureKind::kMalformed,
                "log.genesis: details.public_key is missing");
  }
  auto raw = crypto::Base64UrlDecode(d["public_key"].get<std::string>());
  if (!raw.ok() || raw->size() != 32) {
    return Fail(FailureKind::kMalformed,
                "log.genesis: details.public_key is not a base64url Ed25519 "
                "key");
  }
  crypto::Ed25519PublicKey key{};
  std::copy(raw->begin(), raw->end(), key.begin());
  if (!d.contains("key_id") || d["key_id"] != Ed25519KeyId(key)) {
    return Fail(FailureKind::kMalformed,
                "log.genesis: details.key_id is not the key's RFC 7638 "
                "thumbprint");
  }
  if (!pinned_.empty() &&
      std::find(pinned_.begin(), pinned_.end(), key) == pinned_.end()) {
    return Fail(FailureKind::kWrongKey,
                absl::StrCat("the log is signed by key ", Ed25519KeyId(key),
                             ", not by the pinned key ",
                             Ed25519KeyId(pinned_.front())));
  }
  key_ = key;
  genesis_actor_ = rec.actor;
  genesis_line_ = r.line;
  return absl::OkStatus();
}

Status ChainVerifier::CheckCheckpoint(const SealedRecord& r) {
  const nlohmann::json& d = r.record.details;
  if (!d.contains("tree_size") || !d["tree_size"].is_number_unsigned() ||
      !d.contains("root") || !d["root"].is_string()) {
    return Fail(FailureKind::kCheckpoint,
                "log.checkpoint: details.tree_size and details.root are "
                "required");
  }
  const uint64_t size = d["tree_size"].get<uint64_t>();
  if (size != r.record.seq) {
    return Fail(FailureKind::kCheckpoint,
                absl::StrCat("log.checkpoint: tree_size ", size,
                             " differs from the records before it (",
                             r.record.seq, ")"));
  }
  const std::string root = ToHex(tree_.Root());
  if (d["root"] != root) {
    return Fail(
        FailureKind::kCheckpoint,
        absl::StrCat("log.checkpoint: root ", d["root"].get<std::string>(),
                     " differs from the Merkle root of records 0..", size - 1,
                     " (", root, ")"));
  }
  CheckpointInfo info;
  info.seq = r.record.seq;
  info.tree_size = size;
  info.root = root;
  info.time = r.record.time;
  info.hash = r.record.hash;
  info.line = r.line;
  last_checkpoint_ = std::move(info);
  ++checkpoints_;
  return absl::OkStatus();
}

Status ChainVerifier::Add(std::string_view line) {
  auto parsed = ParseRecordLine(line);
  if (!parsed.ok()) {
    const std::string message(parsed.status().message());
    return Fail(absl::StartsWith(message, "hash mismatch")
                    ? FailureKind::kHashMismatch
                    : FailureKind::kMalformed,
                message);
  }
  const SealedRecord& r = *parsed;
  const uint64_t seq = r.record.seq;
  if (seq != next_seq_) {
    if (next_seq_ == 0) {
      return Fail(FailureKind::kSequence,
                  absl::StrCat("the log starts at seq ", seq,
                               " instead of 0 (its start is missing)"));
    }
    return Fail(FailureKind::kSequence,
                seq > next_seq_
                    ? absl::StrCat("seq ", seq, " follows seq ", next_seq_ - 1,
                                   ": record(s) ", next_seq_, "..", seq - 1,
                                   " are missing (deleted)")
                    : absl::StrCat("seq ", seq, " follows seq ", next_seq_ - 1,
                                   ": a record was inserted, duplicated or "
                                   "reordered"));
  }
  if (r.record.prev != prev_hash_) {
    return Fail(FailureKind::kChain,
                absl::StrCat("seq ", seq,
                             ": prev does not match the hash of the previous "
                             "record (chain broken: a record was replaced, "
                             "inserted or reordered)"));
  }
  if (seq == 0) {
    DSFL_RETURN_IF_ERROR(CheckGenesis(r));
  } else if (r.record.event == "log.genesis") {
    return Fail(FailureKind::kMalformed,
                absl::StrCat("seq ", seq, ": log.genesis after the start"));
  }
  if (!VerifyRecordSignature(r, *key_)) {
    return Fail(FailureKind::kSignature,
                absl::StrCat("seq ", seq,
                             ": signature does not verify under the log's key ",
                             Ed25519KeyId(*key_),
                             " (modified, or signed by another key)"));
  }
  if (r.record.event == "log.checkpoint") {
    DSFL_RETURN_IF_ERROR(CheckCheckpoint(r));
  }
  if (!last_time_.empty() && r.record.time < last_time_) {
    warnings_.push_back(absl::StrCat("seq ", seq, ": time ", r.record.time,
                                     " is earlier than the previous record's ",
                                     last_time_));
  }
  last_time_ = r.record.time;
  tree_.AppendLeafHash(r.leaf);
  hashes_.push_back(r.hash);
  prev_hash_ = r.record.hash;
  ++next_seq_;
  return absl::OkStatus();
}

}  // namespace dsfl::audit
