#include "connector-adapters/dataproxy/read_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"

namespace dsfl::dataproxy {
namespace {

Status ErrnoStatus(int err, std::string_view what, const std::string& path) {
  std::string message = absl::StrCat("cannot read ", std::string(what), " '",
                                     path, "': ", std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case EISDIR:
      return absl::InvalidArgumentError(message);
    default:
      return absl::UnavailableError(message);
  }
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

StatusOr<std::string> ReadFileToString(const std::string& path,
                                       std::string_view what) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) return ErrnoStatus(errno, what, path);
  struct stat st;
  if (fstat(fileno(file.get()), &st) == 0 && S_ISDIR(st.st_mode)) {
    return ErrnoStatus(EISDIR, what, path);
  }
  std::string content;
  char buffer[1 << 16];
  for (;;) {
    size_t n = std::fread(buffer, 1, sizeof(buffer), file.get());
    content.append(buffer, n);
    if (n < sizeof(buffer)) break;
  }
  if (std::ferror(file.get())) return ErrnoStatus(errno, what, path);
  return content;
}

StatusOr<std::string> ReadSecretFile(const std::string& path,
                                     std::string_view what) {
  DSFL_ASSIGN_OR_RETURN(std::string secret, ReadFileToString(path, what));
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' ||
                             secret.back() == ' ' || secret.back() == '\t')) {
    secret.pop_back();
  }
  if (secret.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), " '", path, "' is empty"));
  }
  return secret;
}

}  // namespace dsfl::dataproxy
