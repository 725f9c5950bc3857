// FederationTls: the master daemon's TLS identity towards the slaves (the
// `tls.ca`, `tls.cert` and `tls.key` files of master.json) as a checked
// snapshot that new jobs connect with, replaced on SIGHUP by Reload().
//
// Load() and Reload() read the three files and check them together
// (tls::LoadTlsFiles: each parses, the key belongs to the certificate, the
// certificate verifies against the CA now). A snapshot keeps the checked
// contents in sealed anonymous memory files (memfd_create), readable
// through the paths "/proc/self/fd/N" like ordinary files, so a job uses
// exactly the material that was checked even if the files on disk are being
// replaced or are broken, and no copy of the key is ever written to disk.
//
// Reload() replaces the snapshot only when all three files pass; otherwise
// the previous snapshot stays in use and the error (naming the file) is
// returned. Jobs already running keep their connections; a job holds the
// snapshot it started with (shared_ptr) until it ends.
//
// Errors: NotFound / InvalidArgument from LoadTlsFiles, naming the file;
// Internal when a memory file cannot be made.
// Thread-safe.
#ifndef DSFL_MASTER_DAEMON_FEDERATION_TLS_H_
#define DSFL_MASTER_DAEMON_FEDERATION_TLS_H_

#include <memory>
#include <mutex>
#include <string>

#include "common/status.h"
#include "master/core/job_spec.h"

namespace dsfl::master {

class TlsSnapshot {
 public:
  ~TlsSnapshot();
  TlsSnapshot(const TlsSnapshot&) = delete;
  TlsSnapshot& operator=(const TlsSnapshot&) = delete;

  // "/proc/self/fd/N" for the CA, certificate and key; valid while this
  // snapshot lives.
  const TlsPaths& paths() const { return paths_; }
  // Of the certificate (leaf), for logs: SHA-256 fingerprint and subject
  // common name.
  const std::string& certificate_sha256() const { return sha256_; }
  const std::string& common_name() const { return common_name_; }

 private:
  friend class FederationTls;
  TlsSnapshot() = default;

  TlsPaths paths_;
  int fds_[3] = {-1, -1, -1};
  std::string sha256_;
  std::string common_name_;
};

class FederationTls {
 public:
  static StatusOr<std::unique_ptr<FederationTls>> Load(
      const TlsPaths& configured);

  // Re-reads the configured files; see the header comment.
  Status Reload();
  std::shared_ptr<const TlsSnapshot> Current() const;
  const TlsPaths& configured() const { return configured_; }

 private:
  explicit FederationTls(TlsPaths configured)
      : configured_(std::move(configured)) {}
  static StatusOr<std::shared_ptr<const TlsSnapshot>> Read(
      const TlsPaths& files);

  const TlsPaths configured_;
  mutable std::mutex mu_;
  std::shared_ptr<const TlsSnapshot> current_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_DAEMON_FEDERATION_TLS_H_
