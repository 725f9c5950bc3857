#include "common/audit/node_key.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/model_file.h"

namespace dsfl::audit {

StatusOr<crypto::Ed25519PrivateKey> LoadOrCreateNodeKey(
    const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) {
      return absl::InternalError(
          absl::StrCat("cannot stat ", path, ": ", std::strerror(errno)));
    }
    DSFL_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey key,
                          crypto::Ed25519PrivateKey::Generate());
    const std::filesystem::path parent =
        std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::string pem = key.ToPem();
    Status status = WriteFileAtomically(path, pem, 0600);
    std::fill(pem.begin(), pem.end(), '\0');
    if (!status.ok()) return status;
    return key;
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "audit key %s has mode %04o: it must not be accessible by group or "
        "others (chmod 600 %s)",
        path, st.st_mode & 07777, path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InternalError(absl::StrCat("cannot read ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string pem = buffer.str();
  auto key = crypto::Ed25519PrivateKey::FromPem(pem);
  std::fill(pem.begin(), pem.end(), '\0');
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit key ", path, ": ", key.status().message()));
  }
  return key;
}

StatusOr<crypto::Ed25519PublicKey> ReadPublicKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto key = crypto::Ed25519PublicKeyFromPem(buffer.str());
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", key.status().message()));
  }
  return key;
}

}  // namespace dsfl::audit
