// Verifies a whole audit log (all its segment files; see log_paths.h)
// offline: every record's form, hash, signature, seq and chain link, every
// checkpoint's Merkle root, and that the log still holds the checkpoint in
// its head file and in any checkpoints the auditor kept (so truncation
// behind a checkpoint is caught). A torn last line (a crash mid-write) is
// reported as such, after everything before it verified.
//
// Guarantees, given the signing key is pinned (VerifyOptions::pinned_keys):
// any modified, deleted, inserted or reordered record fails; so do records
// signed by another key and a log re-signed with a fresh key; removing
// records covered by the head file or by a kept checkpoint fails. Records
// after the last checkpoint/head can be cut off undetectably (bounded by
// the checkpoint interval) unless the auditor holds a newer checkpoint.
//
// Errors: the report, never a Status; `ok` is false with the first failure
// (file, line, seq, kind, reason). Thread-safe (no shared state).
#ifndef DSFL_COMMON_AUDIT_VERIFIER_H_
#define DSFL_COMMON_AUDIT_VERIFIER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/audit/chain_verifier.h"
#include "common/crypto/ed25519.h"

namespace dsfl::audit {

struct VerifyOptions {
  // The log's key must be one of these; empty trusts the genesis record's
  // key (reported as not pinned).
  std::vector<crypto::Ed25519PublicKey> pinned_keys;
  // When set, the genesis record's actor must equal it (the DID document's
  // subject with --did-doc).
  std::optional<std::string> expected_actor;
  // Checkpoint (or head) record files the auditor kept; each must be a
  // record of this log.
  std::vector<std::string> checkpoint_files;
  // Fail when the log has records but its head file is missing (the writer
  // creates it with the genesis record).
  bool require_head = true;
};

struct TornTail {
  std::string file;
  uint64_t line = 0;    // 1-based line number of the torn line
  uint64_t offset = 0;  // byte offset where it starts
  uint64_t bytes = 0;
};

struct VerifyReport {
  bool ok = false;
  FailureKind failure = FailureKind::kNone;
  std::string error;  // "<file>:<line>: <reason>" (empty when ok)
  std::string file;
  uint64_t line = 0;
  std::optional<uint64_t> failed_seq;

  std::vector<std::string> files;
  uint64_t records = 0;  // complete records that verified
  std::optional<uint64_t> last_verified_seq;
  uint64_t checkpoints = 0;
  std::optional<CheckpointInfo> last_checkpoint;
  std::optional<CheckpointInfo> head;
  std::optional<crypto::Ed25519PublicKey> key;
  bool key_pinned = false;
  std::string actor;
  std::optional<TornTail> torn;
  std::vector<std::string> warnings;
};

// `chain` (optional) receives the verified state, for a writer continuing
// the log; it must be fresh and built with the same pinned keys.
VerifyReport VerifyLog(const std::string& log_path,
                       const VerifyOptions& options,
                       ChainVerifier* chain = nullptr);

// Reads a held checkpoint file: a record line (a copy of a head file), or
// a JSON object whose "checkpoint" member is the record (a proof printed
// by `dsfl audit prove`). Checks form and hash, not the signature.
StatusOr<SealedRecord> LoadHeldCheckpoint(const std::string& path);

// One-paragraph human summary (what `dsfl audit verify` prints).
std::string FormatVerifyReport(const std::string& log_path,
                               const VerifyReport& report);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_VERIFIER_H_
