#include "master/daemon/federation_tls.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "common/tls/certificate_info.h"
#include "common/tls/grpc_credentials.h"

namespace dsfl::master {
namespace {

// A sealed memory file holding `contents`: nobody, this process included,
// can change it afterwards.
StatusOr<int> SealedMemoryFile(const char* name, const std::string& contents) {
  const int fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat("memfd_create(", name, "): ", strerror(errno)));
  }
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n =
        ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int error = errno;
      ::close(fd);
      return absl::InternalError(
          absl::StrCat("writing memory file ", name, ": ", strerror(error)));
    }
    written += static_cast<size_t>(n);
  }
  if (fcntl(fd, F_ADD_SEALS,
            F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::InternalError(
        absl::StrCat("sealing memory file ", name, ": ", strerror(error)));
  }
  return fd;
}

}  // namespace

TlsSnapshot::~TlsSnapshot() {
  for (int fd : fds_) {
    if (fd >= 0) ::close(fd);
  }
}

StatusOr<std::shared_ptr<const TlsSnapshot>> FederationTls::Read(
    const TlsPaths& files) {
  DSFL_ASSIGN_OR_RETURN(tls::TlsFiles material,
                        tls::LoadTlsFiles(files.ca, files.cert, files.key));
  DSFL_ASSIGN_OR_RETURN(tls::CertificateInfo info,
                        tls::InspectCertificatePem(material.cert_pem));
  std::shared_ptr<TlsSnapshot> snapshot(new TlsSnapshot());
  const std::pair<const char*, const std::string*> parts[3] = {
      {"dsfl-tls-ca", &material.ca_cert_pem},
      {"dsfl-tls-cert", &material.cert_pem},
      {"dsfl-tls-key", &material.key_pem}};
  for (int i = 0; i < 3; ++i) {
    // On error, the snapshot's destructor closes the files made so far.
    DSFL_ASSIGN_OR_RETURN(snapshot->fds_[i],
                          SealedMemoryFile(parts[i].first, *parts[i].second));
  }
  const auto path = [](int fd) { return absl::StrCat("/proc/self/fd/", fd); };
  snapshot->paths_ = {path(snapshot->fds_[0]), path(snapshot->fds_[1]),
                      path(snapshot->fds_[2])};
  // Read back as jobs will, so that an environment without a usable
  // /proc/self/fd fails here, at start-up or reload, not at a job.
  auto readback = tls::LoadTlsFiles(snapshot->paths_.ca, snapshot->paths_.cert,
                                    snapshot->paths_.key);
  if (!readback.ok() || readback->key_pem != material.key_pem ||
      readback->cert_pem != material.cert_pem ||
      readback->ca_cert_pem != material.ca_cert_pem) {
    return absl::InternalError(absl::StrCat(
        "cannot read the TLS snapshot back through /proc/self/fd: ",
        readback.ok() ? "contents differ" : readback.status().ToString()));
  }
  snapshot->sha256_ = info.sha256_fingerprint;
  snapshot->common_name_ = info.common_name;
  return std::shared_ptr<const TlsSnapshot>(std::move(snapshot));
}

StatusOr<std::unique_ptr<FederationTls>> FederationTls::Load(
    const TlsPaths& configured) {
  std::unique_ptr<FederationTls> federation(new FederationTls(configured));
  DSFL_ASSIGN_OR_RETURN(federation->current_, Read(configured));
  return federation;
}

Status FederationTls::Reload() {
  DSFL_ASSIGN_OR_RETURN(std::shared_ptr<const TlsSnapshot> fresh,
                        Read(configured_));
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(fresh);
  return absl::OkStatus();
}

std::shared_ptr<const TlsSnapshot> FederationTls::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return current_;
}

}  // namespace dsfl::master
