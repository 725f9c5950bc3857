// ChainVerifier: checks audit records one line at a time, in chain order,
// and keeps the state a log needs to continue (next seq, previous hash,
// Merkle tree, last checkpoint). Used by the verifier (whole logs) and by
// AuditLog when it reopens an existing log.
//
// Per record it checks: form and hash (record.h), seq = previous + 1 (0 for
// the first), prev = previous hash, the Ed25519 signature under the log's
// key, and the event's rules: seq 0 is log.genesis and declares the key
// (which must be one of the pinned keys, when any are given); a
// log.checkpoint's tree_size equals its seq and its root equals the RFC 9162
// root over all earlier records.
//
// Errors: Add() returns DataLoss with the reason (the caller adds the file
// and line); failure_kind() classifies it. After a failure the object must
// not be fed more lines. Thread-compatibility: one owner.
#ifndef DSFL_COMMON_AUDIT_CHAIN_VERIFIER_H_
#define DSFL_COMMON_AUDIT_CHAIN_VERIFIER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/audit/record.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/merkle.h"
#include "common/status.h"

namespace dsfl::audit {

enum class FailureKind {
  kNone,
  kMalformed,     // not JSON / not canonical / bad member (edited)
  kHashMismatch,  // content changed after hashing
  kSignature,     // signature does not verify under the log's key
  kWrongKey,      // the log's key is not the pinned key
  kSequence,      // seq out of order: deletion, insertion or reordering
  kChain,         // prev does not link to the previous record
  kCheckpoint,    // a checkpoint's size or root does not match
  kTruncated,     // records covered by a held checkpoint/head are missing
  kTornTail,      // the last line is incomplete (crash while writing)
  kMissingFile,   // no log, a missing segment, or a missing head file
  kIo,
};

const char* FailureKindName(FailureKind kind);

struct CheckpointInfo {
  uint64_t seq = 0;
  uint64_t tree_size = 0;
  std::string root;  // hex
  std::string time;
  std::string hash;  // hex hash of the checkpoint record
  std::string line;  // the signed record line
};

class ChainVerifier {
 public:
  // `pinned`: the log's genesis key must be one of these; empty trusts the
  // key the genesis record declares.
  explicit ChainVerifier(std::vector<crypto::Ed25519PublicKey> pinned = {});

  Status Add(std::string_view line);

  FailureKind failure_kind() const { return failure_; }
  uint64_t records() const { return next_seq_; }
  uint64_t next_seq() const { return next_seq_; }
  const std::string& prev_hash() const { return prev_hash_; }
  const crypto::MerkleTree& tree() const { return tree_; }
  crypto::MerkleTree& mutable_tree() { return tree_; }
  const std::optional<crypto::Ed25519PublicKey>& key() const { return key_; }
  const std::string& genesis_actor() const { return genesis_actor_; }
  // The genesis record's line (empty before it).
  const std::string& genesis_line() const { return genesis_line_; }
  const std::optional<CheckpointInfo>& last_checkpoint() const {
    return last_checkpoint_;
  }
  uint64_t checkpoints() const { return checkpoints_; }
  // Hex hash of record `seq` (for head/checkpoint cross-checks).
  std::string HashOf(uint64_t seq) const;
  // The time of the last record (empty before the first).
  const std::string& last_time() const { return last_time_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  Status Fail(FailureKind kind, const std::string& why);
  Status CheckGenesis(const SealedRecord& r);
  Status CheckCheckpoint(const SealedRecord& r);

  std::vector<crypto::Ed25519PublicKey> pinned_;
  FailureKind failure_ = FailureKind::kNone;
  uint64_t next_seq_ = 0;
  std::string prev_hash_ = kGenesisPrev;
  crypto::MerkleTree tree_;
  std::vector<Sha256Digest> hashes_;
  std::optional<crypto::Ed25519PublicKey> key_;
  std::string genesis_actor_;
  std::string genesis_line_;
  std::optional<CheckpointInfo> last_checkpoint_;
  uint64_t checkpoints_ = 0;
  std::string last_time_;
  std::vector<std::string> warnings_;
};

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_CHAIN_VERIFIER_H_
