// AuditLog: a node's append-only, signed, hash-chained audit log (JSON
// lines; record format in common/audit/record.h, files in log_paths.h,
// auditor's view in docs/audit.md). It is the file-backed AuditSink.
//
// Durability: Append()/Record() return only after the record is written
// and fdatasync()ed; callers proceed with the audited action only on OK.
// Concurrent appenders share fsyncs (group commit): each waits until a sync
// that started after its write has finished.
// Chain: seq 0 is a log.genesis record declaring the public key; every
// record carries the previous record's hash and an Ed25519 signature over
// its own hash. Record times never go backwards (clamped to the previous).
// Checkpoints: after every `checkpoint_every` records, or when
// `checkpoint_interval` has passed at the next Append()/Tick(), and on
// Close() and rotation, a log.checkpoint record holds the RFC 9162 Merkle
// root and size of all records before it; the latest one is then copied
// atomically to the head file (which starts as the genesis record).
// Rotation: when the active file reaches `rotate_bytes`, a checkpoint ends
// it, it is renamed to <base>.<first seq, 12 digits>.jsonl and a new active
// file continues the same chain.
// Open: an existing log is verified with this node's key pinned and
// continued after its last record. A torn last line (crash mid-write) is
// moved to <base>.torn.<seq>.<n> and a log.recovered record says so; any
// other damage, a log signed by another key or a head file that the log no
// longer contains makes Open fail (DataLoss/FailedPrecondition): move the
// log aside and investigate; never continue a broken chain.
// Process exclusivity: <base>.lock is flock()ed while open (a second writer
// gets FailedPrecondition).
//
// Errors: InvalidArgument for events outside the catalogue; Internal for
// I/O. After an I/O error the log is failed: every later call returns that
// error (the file may then end in a torn line, recovered on the next Open).
// Threading: all methods are thread-safe. Close() (or destruction) must not
// race with other calls.
#ifndef DSFL_COMMON_AUDIT_AUDIT_LOG_H_
#define DSFL_COMMON_AUDIT_AUDIT_LOG_H_

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/audit/audit_sink.h"
#include "common/audit/chain_verifier.h"
#include "common/audit/log_paths.h"
#include "common/audit/record.h"
#include "common/audit/verifier.h"
#include "common/clock.h"
#include "common/crypto/ed25519.h"
#include "common/status.h"

namespace dsfl::audit {

struct AuditLogOptions {
  std::string path;   // the active file, e.g. <workdir>/audit.jsonl
  std::string actor;  // node DID (or name), written into every record
  const Clock* clock = nullptr;      // null = SystemClock()
  uint64_t checkpoint_every = 1000;  // 0 = never by count
  absl::Duration checkpoint_interval = absl::Minutes(5);  // <= 0: never
  uint64_t rotate_bytes = 64ull << 20;                    // 0 = never
};

struct AuditLogOpenInfo {
  bool created = false;           // a new log (genesis written)
  uint64_t existing_records = 0;  // records found and verified on open
  std::optional<std::string> torn_moved_to;  // torn tail moved there
  uint64_t torn_bytes = 0;
};

class AuditLog final : public AuditSink {
 public:
  static StatusOr<std::unique_ptr<AuditLog>> Open(
      AuditLogOptions options, crypto::Ed25519PrivateKey key);
  // Closes (final checkpoint) if Close() was not called; errors are lost.
  ~AuditLog() override;
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // AuditSink: validates, appends, fsyncs.
  Status Record(const AuditEvent& event) override;
  // The same, returning the record's seq.
  StatusOr<uint64_t> Append(const AuditEvent& event);
  // Writes a checkpoint now (reason "manual"), durably, and updates head.
  Status Checkpoint();
  // Writes a time-based checkpoint if checkpoint_interval has passed and
  // records are not yet covered; call it from a periodic loop if any.
  Status Tick();
  // Final checkpoint (when records are uncovered), sync, release the lock.
  // Later calls fail with FailedPrecondition.
  Status Close();

  const LogPaths& paths() const { return paths_; }
  const AuditLogOpenInfo& open_info() const { return open_info_; }
  const crypto::Ed25519PublicKey& public_key() const {
    return key_.public_key();
  }
  // Records in the log (the next seq).
  uint64_t size() const;
  // The latest checkpoint (or genesis) record line, as in the head file,
  // for gossiping to peers.
  std::string LatestHeadLine() const;

 private:
  AuditLog(AuditLogOptions options, crypto::Ed25519PrivateKey key);
  struct File;

  Status OpenLocked();
  Status RecoverTornTail(const TornTail& torn, uint64_t records);
  // Builds, signs and writes one record; caller holds mu_.
  StatusOr<uint64_t> WriteRecordLocked(const std::string& event,
                                       const std::string& job,
                                       std::optional<int64_t> round,
                                       const std::string& subject,
                                       nlohmann::json details);
  Status WriteCheckpointLocked(const char* reason);
  Status MaybeCheckpointLocked(bool by_time_only);
  Status RotateLocked();
  Status CreateActiveFileLocked();
  // Waits until everything written so far is durable (group commit).
  Status SyncLocked(std::unique_lock<std::mutex>* lock);
  Status WriteHeadLocked();
  Status FailLocked(Status status);

  const AuditLogOptions options_;
  const crypto::Ed25519PrivateKey key_;
  const Clock* clock_;
  LogPaths paths_;
  AuditLogOpenInfo open_info_;
  int lock_fd_ = -1;

  mutable std::mutex mu_;
  std::condition_variable synced_;
  Status failed_;  // sticky
  bool closed_ = false;
  std::shared_ptr<File> file_;
  uint64_t active_bytes_ = 0;
  uint64_t active_first_seq_ = 0;
  uint64_t next_seq_ = 0;
  std::string prev_hash_;
  std::string last_time_;
  crypto::MerkleTree tree_;
  uint64_t last_checkpoint_seq_ = 0;  // seq of genesis or last checkpoint
  absl::Time last_checkpoint_time_;
  std::string head_line_;  // latest checkpoint/genesis line
  uint64_t head_seq_ = 0;  // its seq
  uint64_t head_seq_written_ = 0;
  bool head_written_ = false;
  uint64_t written_ = 0;  // records written to files
  uint64_t durable_ = 0;  // records known durable
  bool syncing_ = false;
};

// Opens <dir>/audit.jsonl for a node: loads or creates the key at
// `key_path` (PKCS#8 PEM, 0600) and writes <dir>/audit.pub.pem. The usual
// entry point for master and slave.
StatusOr<std::unique_ptr<AuditLog>> OpenNodeAuditLog(
    const std::string& log_path, const std::string& key_path,
    const std::string& actor, const Clock* clock = nullptr);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_AUDIT_LOG_H_
