// Inclusion and consistency proofs for an audit log, as self-contained
// JSON documents an auditor can check offline (`dsfl audit prove`,
// `dsfl audit verify-proof`).
//
// Inclusion ("type": "dsfl-audit/inclusion-proof"): the record, its Merkle
// leaf hash, the RFC 9162 audit path and the signed checkpoint whose tree
// covers it (the latest one). Consistency ("dsfl-audit/consistency-proof"):
// the root of the first `size1` records, the latest checkpoint and the RFC
// 9162 consistency proof between them (plus the earlier checkpoint record
// when one has exactly that size); an auditor compares root1 with the
// checkpoint they kept.
//
// Building verifies the whole log first (a log that does not verify gets
// no proof; a torn last line is tolerated, the records before it are
// verified). Errors: the verifier's reason (DataLoss), FailedPrecondition
// when no checkpoint covers the record yet, InvalidArgument for a seq or
// size out of range; VerifyProof returns DataLoss naming the failed check.
// Thread-safe.
#ifndef DSFL_COMMON_AUDIT_PROOF_H_
#define DSFL_COMMON_AUDIT_PROOF_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/audit/verifier.h"
#include "common/crypto/ed25519.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl::audit {

inline constexpr char kInclusionProofType[] = "dsfl-audit/inclusion-proof";
inline constexpr char kConsistencyProofType[] = "dsfl-audit/consistency-proof";

StatusOr<nlohmann::json> BuildInclusionProof(const std::string& log_path,
                                             uint64_t seq,
                                             const VerifyOptions& options);

StatusOr<nlohmann::json> BuildConsistencyProof(const std::string& log_path,
                                               uint64_t size1,
                                               const VerifyOptions& options);

struct ProofCheck {
  std::string summary;  // what was proven, for printing
  bool key_pinned = false;
};

// Verifies either kind of proof document. `pinned` empty trusts the
// document's public_key (reported as not pinned).
StatusOr<ProofCheck> VerifyProof(
    const nlohmann::json& proof,
    const std::vector<crypto::Ed25519PublicKey>& pinned);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_PROOF_H_
