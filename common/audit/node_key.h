// The node's audit signing key on disk: an Ed25519 private key as PKCS#8
// PEM, mode 0600, created when missing. Back it up with the node's other
// secrets; losing it only means a new log must be started (old logs stay
// verifiable with the public key), leaking it lets someone forge records.
//
// Errors: InvalidArgument for a file that is not an Ed25519 PKCS#8 PEM key;
// FailedPrecondition for a key file readable or writable by group/others
// (like ssh, the key is refused); Internal for I/O failures. All name the
// path. Thread-compatibility: do not create the same key concurrently from
// several processes.
#ifndef DSFL_COMMON_AUDIT_NODE_KEY_H_
#define DSFL_COMMON_AUDIT_NODE_KEY_H_

#include <string>

#include "common/crypto/ed25519.h"
#include "common/status.h"

namespace dsfl::audit {

StatusOr<crypto::Ed25519PrivateKey> LoadOrCreateNodeKey(
    const std::string& path);

// Reads an SPKI PEM public key file (what --key takes).
StatusOr<crypto::Ed25519PublicKey> ReadPublicKeyFile(const std::string& path);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_NODE_KEY_H_
