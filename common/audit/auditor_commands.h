// The auditor's commands behind `dsfl audit ...` (cli/audit_command.cc
// only parses flags): verify logs, show a merged timeline, print and check
// proofs. Output goes to `out`, diagnostics to `err`.
//
// Exit codes: 0 valid / done, 1 a log or proof does not verify (the first
// failing record and why are printed), 2 usage errors (unreadable key or
// DID document, --key count not 1 or one per LOG, conflicting flags).
//
// Key pinning: --key once applies to every LOG; one --key per LOG pairs
// them in order. --did-doc: a single document applies to every LOG;
// several are matched to each log by its actor DID (the genesis record's
// actor). Without either, the key declared in each log is trusted and the
// output says it is not pinned.
// Thread-compatibility: call from one thread.
#ifndef DSFL_COMMON_AUDIT_AUDITOR_COMMANDS_H_
#define DSFL_COMMON_AUDIT_AUDITOR_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace dsfl::audit {

struct VerifyCommandArgs {
  std::vector<std::string> logs;
  std::vector<std::string> keys;         // SPKI PEM files
  std::vector<std::string> did_docs;     // DID documents (JSON)
  std::vector<std::string> checkpoints;  // held checkpoint files
  bool allow_missing_head = false;
  bool json = false;
};
int RunAuditVerify(const VerifyCommandArgs& args, std::ostream& out,
                   std::ostream& err);

struct ShowCommandArgs {
  std::vector<std::string> logs;
  std::string job;
  std::string event;
  std::string since;
  bool json = false;
  bool all = false;  // include log.* records
};
int RunAuditShow(const ShowCommandArgs& args, std::ostream& out,
                 std::ostream& err);

struct ProveCommandArgs {
  std::string log;
  std::optional<uint64_t> seq;        // inclusion proof
  std::optional<uint64_t> from_size;  // consistency proof
  std::vector<std::string> keys;
};
int RunAuditProve(const ProveCommandArgs& args, std::ostream& out,
                  std::ostream& err);

struct VerifyProofCommandArgs {
  std::string proof_file;
  std::vector<std::string> keys;
};
int RunAuditVerifyProof(const VerifyProofCommandArgs& args, std::ostream& out,
                        std::ostream& err);

// `dsfl audit model-digest FILE...`: prints "DIGEST  FILE" per file, the
// ModelDigest (common/tree_digest.h) that audit records' *_digest fields
// hold. A dsfl model file (checkpoint, final model) is read and its payload
// checked against its own metadata first; any other file is hashed as a
// raw float32 payload. Exit 0 when every file was hashed, 1 when a model
// file is damaged (truncated, malformed, or its payload does not match its
// metadata), 2 for files that cannot be read.
int RunAuditModelDigest(const std::vector<std::string>& files,
                        std::ostream& out, std::ostream& err);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_AUDITOR_COMMANDS_H_
