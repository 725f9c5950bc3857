#include "common/tls/pem_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "absl/strings/str_cat.h"

namespace dsfl::tls {
namespace {

constexpr off_t kMaxPemFileBytes = 1 << 20;

Status ErrnoError(const std::string& what, const std::string& path,
                  int error_number) {
  const std::string message =
      absl::StrCat(what, " '", path, "': ", std::strerror(error_number));
  if (error_number == ENOENT) return absl::NotFoundError(message);
  return absl::InternalError(message);
}

// Closes a file descriptor on scope exit unless released.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Closes now; returns close()'s result (errno set on failure).
  int Close() {
    const int result = ::close(fd_);
    fd_ = -1;
    return result;
  }

 private:
  int fd_;
};

Status WriteAll(int fd, std::string_view contents, const std::string& path) {
  while (!contents.empty()) {
    const ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("writing", path, errno);
    }
    contents.remove_prefix(static_cast<size_t>(written));
  }
  return absl::OkStatus();
}

// Writes, syncs and closes the already-created temporary file.
Status FillTemporary(int fd, std::string_view contents, mode_t mode,
                     const std::string& tmp_path) {
  FdCloser closer(fd);
  // fchmod is not subject to the umask, so the mode is exactly `mode`.
  if (::fchmod(fd, mode) != 0) return ErrnoError("chmod", tmp_path, errno);
  DSFL_RETURN_IF_ERROR(WriteAll(fd, contents, tmp_path));
  if (::fsync(fd) != 0) return ErrnoError("fsync", tmp_path, errno);
  if (closer.Close() != 0) return ErrnoError("closing", tmp_path, errno);
  return absl::OkStatus();
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("opening directory", dir, errno);
  FdCloser closer(fd);
  if (::fsync(fd) != 0) return ErrnoError("fsync", dir, errno);
  return absl::OkStatus();
}

}  // namespace

Status WritePemFile(const std::string& path, std::string_view contents,
                    mode_t mode) {
  if (path.empty()) return absl::InvalidArgumentError("empty PEM file path");
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";

  std::string tmp_path = absl::StrCat(path, ".tmp.XXXXXX");
  std::vector<char> tmp_template(tmp_path.begin(), tmp_path.end());
  tmp_template.push_back('\0');
  // mkostemp creates the file with mode 0600: never wider than a key needs.
  const int fd = ::mkostemp(tmp_template.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("creating a temporary file for", path, errno);
  tmp_path = tmp_template.data();

  Status status = FillTemporary(fd, contents, mode, tmp_path);
  if (status.ok() && ::rename(tmp_path.c_str(), path.c_str()) != 0) {
    status =
        ErrnoError(absl::StrCat("renaming ", tmp_path, " to"), path, errno);
  }
  if (!status.ok()) {
    ::unlink(tmp_path.c_str());
    return status;
  }
  return SyncDirectory(dir);
}

StatusOr<std::string> ReadPemFile(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("empty PEM file path");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("opening", path, errno);
  FdCloser closer(fd);
  struct stat info;
  if (::fstat(fd, &info) != 0) return ErrnoError("stat", path, errno);
  if (!S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "' is not a regular file"));
  }
  if (info.st_size > kMaxPemFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", path, "' is larger than ", kMaxPemFileBytes, " bytes"));
  }
  std::string contents;
  char buffer[8192];
  while (true) {
    const ssize_t got = ::read(fd, buffer, sizeof(buffer));
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("reading", path, errno);
    }
    if (got == 0) break;
    contents.append(buffer, static_cast<size_t>(got));
    if (contents.size() > static_cast<size_t>(kMaxPemFileBytes)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", path, "' is larger than ", kMaxPemFileBytes, " bytes"));
    }
  }
  if (contents.find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", path, "' holds no PEM block"));
  }
  return contents;
}

}  // namespace dsfl::tls
