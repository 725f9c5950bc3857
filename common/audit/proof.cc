#include "common/audit/proof.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/audit/log_paths.h"
#include "common/audit/record.h"
#include "common/crypto/base64url.h"
#include "common/crypto/jcs.h"
#include "common/crypto/merkle.h"

namespace dsfl::audit {
namespace {

using Json = nlohmann::json;

struct VerifiedLog {
  ChainVerifier chain;
  VerifyReport report;
};

StatusOr<std::unique_ptr<VerifiedLog>> VerifyForProof(
    const std::string& log_path, const VerifyOptions& options) {
  auto out = std::make_unique<VerifiedLog>(
      VerifiedLog{ChainVerifier(options.pinned_keys), {}});
  out->report = VerifyLog(log_path, options, &out->chain);
  if (!out->report.ok && out->report.failure != FailureKind::kTornTail) {
    return absl::DataLossError(absl::StrCat(
        "the log does not verify, so no proof is given: ", out->report.error));
  }
  if (!out->report.last_checkpoint.has_value()) {
    return absl::FailedPreconditionError(
        "the log has no checkpoint yet: nothing to prove against");
  }
  return out;
}

// The canonical line of record `seq` (line k of the series is seq k once
// the log has verified).
StatusOr<std::string> RecordLine(const std::string& log_path, uint64_t seq) {
  DSFL_ASSIGN_OR_RETURN(std::vector<std::string> files,
                        ListLogFiles(PathsForLog(log_path)));
  uint64_t index = 0;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
      if (in.eof()) break;  // no newline: torn
      if (index == seq) return line;
      ++index;
    }
  }
  return absl::NotFoundError(absl::StrCat("no record with seq ", seq));
}

StatusOr<Json> RecordJson(const std::string& line) {
  try {
    return Json::parse(line);
  } catch (const Json::exception& e) {
    return absl::DataLossError(e.what());
  }
}

std::string KeyB64(const crypto::Ed25519PublicKey& key) {
  return crypto::Base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(key.data()), key.size()));
}

Json HexArray(const std::vector<crypto::MerkleHash>& hashes) {
  Json out = Json::array();
  for (const auto& h : hashes) out.push_back(ToHex(h));
  return out;
}

Status Fail(const std::string& why) {
  return absl::DataLossError(absl::StrCat("proof does not verify: ", why));
}

// A record object from a proof document, re-canonicalised and checked
// (form, hash, signature under `key`).
StatusOr<SealedRecord> CheckedRecord(const Json& object, const char* name,
                                     const crypto::Ed25519PublicKey& key) {
  if (!object.is_object()) return Fail(absl::StrCat(name, " is missing"));
  auto canonical = crypto::JcsCanonicalize(object);
  if (!canonical.ok()) return Fail(absl::StrCat(name, ": not canonicalisable"));
  auto record = ParseRecordLine(*canonical);
  if (!record.ok()) {
    return Fail(absl::StrCat(name, ": ", record.status().message()));
  }
  if (!VerifyRecordSignature(*record, key)) {
    return Fail(absl::StrCat(name, ": signature does not verify under key ",
                             Ed25519KeyId(key)));
  }
  return record;
}

StatusOr<std::vector<std::string>> HexList(const Json& list, const char* name) {
  if (!list.is_array()) return Fail(absl::StrCat(name, " must be an array"));
  std::vector<std::string> out;
  for (const Json& h : list) {
    Sha256Digest d;
    if (!h.is_string() || !ParseSha256Hex(h.get<std::string>(), &d)) {
      return Fail(absl::StrCat(name, " holds a value that is not a hash"));
    }
    out.push_back(crypto::HashBytes(d));
  }
  return out;
}

StatusOr<std::string> HexBytes(const Json& doc, const char* name) {
  Sha256Digest d;
  if (!doc.contains(name) || !doc[name].is_string() ||
      !ParseSha256Hex(doc[name].get<std::string>(), &d)) {
    return Fail(absl::StrCat(name, " must be 64 hex characters"));
  }
  return crypto::HashBytes(d);
}

StatusOr<uint64_t> Count(const Json& doc, const char* name) {
  if (!doc.contains(name) || !doc[name].is_number_unsigned()) {
    return Fail(absl::StrCat(name, " must be a non-negative integer"));
  }
  return doc[name].get<uint64_t>();
}

// Picks the signing key: a pinned one that verifies the checkpoint, or the
// document's own public_key when nothing is pinned.
StatusOr<crypto::Ed25519PublicKey> ChooseKey(
    const Json& proof, const std::vector<crypto::Ed25519PublicKey>& pinned) {
  if (!pinned.empty()) {
    for (const auto& key : pinned) {
      if (CheckedRecord(proof.value("checkpoint", Json()), "checkpoint", key)
              .ok()) {
        return key;
      }
    }
    return Fail("the checkpoint is not signed by the pinned key");
  }
  if (!proof.contains("public_key") || !proof["public_key"].is_string()) {
    return Fail("public_key is missing");
  }
  auto raw = crypto::Base64UrlDecode(proof["public_key"].get<std::string>());
  if (!raw.ok()) return Fail("public_key is not base64url");
  auto key = crypto::Ed25519PublicKeyFromBytes(*raw);
  if (!key.ok()) return Fail("public_key is not an Ed25519 key");
  return *key;
}

StatusOr<std::pair<uint64_t, std::string>> CheckpointSizeRoot(
    const SealedRecord& checkpoint) {
  if (checkpoint.record.event != "log.checkpoint") {
    return Fail("checkpoint is not a log.checkpoint record");
  }
  DSFL_ASSIGN_OR_RETURN(uint64_t size,
                        Count(checkpoint.record.details, "tree_size"));
  DSFL_ASSIGN_OR_RETURN(std::string root,
                        HexBytes(checkpoint.record.details, "root"));
  return std::make_pair(size, root);
}

}  // namespace

StatusOr<Json> BuildInclusionProof(const std::string& log_path, uint64_t seq,
                                   const VerifyOptions& options) {
  DSFL_ASSIGN_OR_RETURN(auto log, VerifyForProof(log_path, options));
  const CheckpointInfo& cp = *log->report.last_checkpoint;
  if (seq >= log->chain.records()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no record with seq ", seq, " (the log ends at seq ",
                     log->chain.records() - 1, ")"));
  }
  if (seq >= cp.tree_size) {
    return absl::FailedPreconditionError(absl::StrCat(
        "seq ", seq, " is not covered by a checkpoint yet (the latest, seq ",
        cp.seq, ", covers seq 0..", cp.tree_size - 1,
        "); ask again after the next checkpoint"));
  }
  DSFL_ASSIGN_OR_RETURN(std::vector<crypto::MerkleHash> path,
                        log->chain.tree().InclusionProof(seq, cp.tree_size));
  DSFL_ASSIGN_OR_RETURN(std::string line, RecordLine(log_path, seq));
  DSFL_ASSIGN_OR_RETURN(Json record, RecordJson(line));
  DSFL_ASSIGN_OR_RETURN(Json checkpoint, RecordJson(cp.line));
  Json proof = {{"type", kInclusionProofType},
                {"log", log_path},
                {"seq", seq},
                {"record", record},
                {"leaf_hash", ToHex(log->chain.tree().leaf_hash(seq))},
                {"tree_size", cp.tree_size},
                {"audit_path", HexArray(path)},
                {"checkpoint", checkpoint},
                {"public_key", KeyB64(*log->chain.key())},
                {"key_id", Ed25519KeyId(*log->chain.key())}};
  return proof;
}

StatusOr<Json> BuildConsistencyProof(const std::string& log_path,
                                     uint64_t size1,
                                     const VerifyOptions& options) {
  DSFL_ASSIGN_OR_RETURN(auto log, VerifyForProof(log_path, options));
  const CheckpointInfo& cp = *log->report.last_checkpoint;
  if (size1 == 0 || size1 > cp.tree_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("size ", size1,
                     " must be between 1 and the latest "
                     "checkpoint's tree size ",
                     cp.tree_size));
  }
  DSFL_ASSIGN_OR_RETURN(
      std::vector<crypto::MerkleHash> path,
      log->chain.tree().ConsistencyProof(size1, cp.tree_size));
  DSFL_ASSIGN_OR_RETURN(crypto::MerkleHash root1,
                        log->chain.tree().RootAt(size1));
  DSFL_ASSIGN_OR_RETURN(Json checkpoint, RecordJson(cp.line));
  Json proof = {{"type", kConsistencyProofType},
                {"log", log_path},
                {"size1", size1},
                {"root1", ToHex(root1)},
                {"size2", cp.tree_size},
                {"root2", cp.root},
                {"proof", HexArray(path)},
                {"checkpoint", checkpoint},
                {"public_key", KeyB64(*log->chain.key())},
                {"key_id", Ed25519KeyId(*log->chain.key())}};
  // The earlier checkpoint of exactly that size, when there is one.
  if (size1 < log->chain.records()) {
    auto line = RecordLine(log_path, size1);
    if (line.ok()) {
      auto rec = ParseRecordLine(*line);
      if (rec.ok() && rec->record.event == "log.checkpoint") {
        DSFL_ASSIGN_OR_RETURN(proof["checkpoint1"], RecordJson(*line));
      }
    }
  }
  return proof;
}

StatusOr<ProofCheck> VerifyProof(
    const Json& proof, const std::vector<crypto::Ed25519PublicKey>& pinned) {
  if (!proof.is_object() || !proof.contains("type")) {
    return Fail("not a proof document (no \"type\")");
  }
  DSFL_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey key, ChooseKey(proof, pinned));
  DSFL_ASSIGN_OR_RETURN(SealedRecord checkpoint,
                        CheckedRecord(proof["checkpoint"], "checkpoint", key));
  DSFL_ASSIGN_OR_RETURN(auto size_root, CheckpointSizeRoot(checkpoint));
  ProofCheck check;
  check.key_pinned = !pinned.empty();
  const std::string type = proof["type"].is_string()
                               ? proof["type"].get<std::string>()
                               : std::string();
  if (type == kInclusionProofType) {
    DSFL_ASSIGN_OR_RETURN(SealedRecord record,
                          CheckedRecord(proof["record"], "record", key));
    DSFL_ASSIGN_OR_RETURN(uint64_t seq, Count(proof, "seq"));
    DSFL_ASSIGN_OR_RETURN(uint64_t tree_size, Count(proof, "tree_size"));
    DSFL_ASSIGN_OR_RETURN(std::string leaf, HexBytes(proof, "leaf_hash"));
    if (record.record.seq != seq) return Fail("record.seq differs from seq");
    if (crypto::HashBytes(record.leaf) != leaf) {
      return Fail("leaf_hash is not the record's Merkle leaf hash");
    }
    if (tree_size != size_root.first) {
      return Fail("tree_size differs from the checkpoint's");
    }
    if (record.record.actor != checkpoint.record.actor) {
      return Fail("record and checkpoint come from different actors");
    }
    DSFL_ASSIGN_OR_RETURN(
        std::vector<std::string> path,
        HexList(proof.value("audit_path", Json()), "audit_path"));
    Status status = crypto::VerifyInclusionProof(seq, tree_size, leaf, path,
                                                 size_root.second);
    if (!status.ok()) return Fail(std::string(status.message()));
    check.summary = absl::StrCat(
        "record seq ", seq, " (", record.record.event, " at ",
        record.record.time, ") is in the log of ", record.record.actor,
        " as committed by checkpoint seq ", checkpoint.record.seq,
        " (tree size ", tree_size, ", root ",
        checkpoint.record.details["root"].get<std::string>(), ")");
    return check;
  }
  if (type == kConsistencyProofType) {
    DSFL_ASSIGN_OR_RETURN(uint64_t size1, Count(proof, "size1"));
    DSFL_ASSIGN_OR_RETURN(uint64_t size2, Count(proof, "size2"));
    DSFL_ASSIGN_OR_RETURN(std::string root1, HexBytes(proof, "root1"));
    DSFL_ASSIGN_OR_RETURN(std::string root2, HexBytes(proof, "root2"));
    if (size2 != size_root.first || root2 != size_root.second) {
      return Fail("size2/root2 differ from the checkpoint's");
    }
    if (proof.contains("checkpoint1")) {
      DSFL_ASSIGN_OR_RETURN(
          SealedRecord cp1,
          CheckedRecord(proof["checkpoint1"], "checkpoint1", key));
      DSFL_ASSIGN_OR_RETURN(auto sr1, CheckpointSizeRoot(cp1));
      if (sr1.first != size1 || sr1.second != root1) {
        return Fail("size1/root1 differ from checkpoint1's");
      }
    }
    DSFL_ASSIGN_OR_RETURN(std::vector<std::string> path,
                          HexList(proof.value("proof", Json()), "proof"));
    Status status =
        crypto::VerifyConsistencyProof(size1, size2, path, root1, root2);
    if (!status.ok()) return Fail(std::string(status.message()));
    check.summary = absl::StrCat(
        "the log's first ", size1, " records (root ",
        proof["root1"].get<std::string>(), ") are a prefix of the ", size2,
        " records committed by checkpoint seq ", checkpoint.record.seq);
    return check;
  }
  return Fail(absl::StrCat("unknown proof type '", type, "'"));
}

}  // namespace dsfl::audit
