// Helpers for the audit end-to-end tests (audit_tamper_e2e_test.cc,
// audit_kill_e2e_test.cc): the real `dsfl audit verify` process, the
// in-process verifier with a node's pinned key, line-level file editing,
// an analysis job spec, and re-signing a whole log with a fresh key.
#ifndef DSFL_TESTS_E2E_AUDIT_E2E_UTIL_H_
#define DSFL_TESTS_E2E_AUDIT_E2E_UTIL_H_

#include <string>
#include <vector>

#include "common/audit/verifier.h"
#include "common/crypto/ed25519.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_env.h"

namespace dsfl::e2e {

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs `dsfl audit verify LOG [--key KEY]` (no --key when `key` is empty).
CliResult RunAuditVerify(const E2eEnv& env, const std::string& log,
                         const std::string& key);

// The Ed25519 public key of an SPKI PEM file (audit.pub.pem).
crypto::Ed25519PublicKey LoadPublicKey(const std::string& pem_path);

// VerifyLog with `key` pinned.
audit::VerifyReport VerifyPinned(const std::string& log,
                                 const crypto::Ed25519PublicKey& key);

// The complete lines of a file (without newlines) and what follows the
// last newline (a torn tail; empty when the file ends with a newline).
struct FileLines {
  std::vector<std::string> lines;
  std::string tail;
};
FileLines ReadLines(const std::string& path);
void WriteLines(const std::string& path, const std::vector<std::string>& lines,
                const std::string& tail = "");

// An exact survival analysis job over running slaves (E2eEnv::Job with the
// training sections replaced by `analysis`).
nlohmann::json AnalysisJob(const E2eEnv& env,
                           const std::vector<std::string>& slaves,
                           const std::string& job_id,
                           const nlohmann::json& analysis,
                           const std::string& output_dir);

// The whole log `lines` re-signed with `key`: every prev re-chained, the
// genesis declaring the new key and every checkpoint's root recomputed, so
// the result is a self-consistent log that only key pinning rejects.
// Returns the new lines (same count and seqs).
std::vector<std::string> ResignLog(const std::vector<std::string>& lines,
                                   const crypto::Ed25519PrivateKey& key);

}  // namespace dsfl::e2e

#endif  // DSFL_TESTS_E2E_AUDIT_E2E_UTIL_H_
