#include "common/model_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/sha256.h"
#include "common/tree_digest.h"

namespace dsfl {
namespace {

constexpr char kMagic[8] = {'D', 'S', 'F', 'L', 'M', 'D', 'L', '1'};

Status ErrnoError(const std::string& what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

// Owns a file descriptor.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

Status WriteAll(int fd, const void* data, size_t size,
                const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write", path);
    }
    p += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// Writes via `fill` into a temporary file beside `path`, then renames. The
// temporary file is `recycle` (see WriteModelFile) when that exists.
template <typename Fill>
Status WriteAtomically(const std::string& path, int mode, Fill fill,
                       const std::string& recycle = "") {
  std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  const bool recycled =
      !recycle.empty() && ::rename(recycle.c_str(), tmp.c_str()) == 0;
  Fd fd(::open(tmp.c_str(),
               O_WRONLY | O_CREAT | O_CLOEXEC | (recycled ? 0 : O_TRUNC),
               mode));
  if (fd.get() < 0) {
    if (recycled) ::unlink(tmp.c_str());
    return ErrnoError("cannot create", tmp);
  }
  Status status = fill(fd.get(), tmp);
  if (status.ok() && recycled) {
    // Cut what the old file had beyond the new contents.
    const off_t end = ::lseek(fd.get(), 0, SEEK_CUR);
    if (end < 0 || ::ftruncate(fd.get(), end) != 0) {
      status = ErrnoError("cannot truncate", tmp);
    }
  }
  if (status.ok() && ::fsync(fd.get()) != 0) {
    status = ErrnoError("cannot fsync", tmp);
  }
  if (::close(fd.Release()) != 0 && status.ok()) {
    status = ErrnoError("cannot close", tmp);
  }
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = ErrnoError("cannot rename to", path);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  Fd dir_fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY));
  if (dir_fd.get() >= 0) ::fsync(dir_fd.get());
  return absl::OkStatus();
}

}  // namespace

Status WriteFileAtomically(const std::string& path, std::string_view contents,
                           int mode) {
  return WriteAtomically(path, mode, [&](int fd, const std::string& tmp) {
    return WriteAll(fd, contents.data(), contents.size(), tmp);
  });
}

Status WriteModelFile(const std::string& path, const HashedModel& hashed,
                      const nlohmann::json& metadata,
                      const std::string& recycle) {
  const FlatModel& model = hashed.model();
  nlohmann::json meta = metadata;
  nlohmann::json tensors = nlohmann::json::array();
  for (const TensorSpec& t : model.spec.tensors()) {
    tensors.push_back(
        {{"name", t.name}, {"shape", t.shape}, {"dtype", "float32"}});
  }
  const uint64_t total_bytes = model.values.size() * sizeof(float);
  meta["tensors"] = tensors;
  meta["total_bytes"] = total_bytes;
  meta["digest"] = hashed.digest_hex();
  meta["digest_algorithm"] = kTreeDigestAlgorithm;
  const std::string header = meta.dump();
  const uint64_t header_size = header.size();
  auto fill = [&](int fd, const std::string& tmp) {
    DSFL_RETURN_IF_ERROR(WriteAll(fd, kMagic, sizeof(kMagic), tmp));
    DSFL_RETURN_IF_ERROR(WriteAll(fd, &header_size, sizeof(header_size), tmp));
    DSFL_RETURN_IF_ERROR(WriteAll(fd, header.data(), header.size(), tmp));
    return WriteAll(fd, model.values.data(), total_bytes, tmp);
  };
  return WriteAtomically(path, 0644, fill, recycle);
}

StatusOr<ModelFile> ReadModelFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  char magic[8];
  uint64_t header_size = 0;
  if (!in.read(magic, sizeof(magic)) ||
      std::memcmp(magic, kMagic, sizeof(kMagic)) != 0) {
    return absl::DataLossError(absl::StrCat(path, " is not a dsfl model file"));
  }
  if (!in.read(reinterpret_cast<char*>(&header_size), sizeof(header_size)) ||
      header_size > (64u << 20)) {
    return absl::DataLossError(absl::StrCat(path, ": bad metadata length"));
  }
  std::string header(header_size, '\0');
  if (!in.read(header.data(), static_cast<std::streamsize>(header_size))) {
    return absl::DataLossError(absl::StrCat(path, ": truncated metadata"));
  }
  ModelFile file;
  std::string algorithm;
  std::string recorded_digest;
  try {
    file.metadata = nlohmann::json::parse(header);
    algorithm = file.metadata.value("digest_algorithm", "");
    recorded_digest = file.metadata.value("digest", "");
    std::vector<TensorSpec> tensors;
    for (const auto& t : file.metadata.at("tensors")) {
      TensorSpec spec;
      spec.name = t.at("name").get<std::string>();
      spec.shape = t.at("shape").get<std::vector<int64_t>>();
      tensors.push_back(std::move(spec));
    }
    file.model.spec = ModelSpec(std::move(tensors));
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(
        absl::StrCat(path, ": bad metadata: ", e.what()));
  }
  DSFL_RETURN_IF_ERROR(file.model.spec.Validate());
  file.model.values.resize(file.model.spec.total_numel());
  const auto bytes =
      static_cast<std::streamsize>(file.model.values.size() * sizeof(float));
  if (!in.read(reinterpret_cast<char*>(file.model.values.data()), bytes)) {
    return absl::DataLossError(absl::StrCat(path, ": truncated payload"));
  }
  const std::string_view payload(
      reinterpret_cast<const char*>(file.model.values.data()),
      static_cast<size_t>(bytes));
  file.legacy = !file.metadata.contains("digest_algorithm") &&
                file.metadata.contains("sha256");
  if (file.legacy) {
    // Written before the model digest became a tree (up to 83cc728): its
    // "sha256" is plain SHA-256 of the payload. Still read, checked that
    // way, so that a job checkpointed before an upgrade resumes.
    const std::string recorded =
        file.metadata["sha256"].is_string()
            ? file.metadata["sha256"].get<std::string>()
            : "";
    file.digest = Sha256::HexOf(payload);
    if (file.digest != recorded) {
      return absl::DataLossError(absl::StrCat(
          path, ": payload SHA-256 ", file.digest,
          " differs from the metadata's sha256 \"", recorded, "\""));
    }
    return file;
  }
  if (algorithm != kTreeDigestAlgorithm) {
    return absl::DataLossError(
        absl::StrCat(path, ": metadata digest_algorithm \"", algorithm,
                     "\", expected \"", kTreeDigestAlgorithm, "\""));
  }
  file.digest = ModelDigestHex(file.model);
  if (file.digest != recorded_digest) {
    return absl::DataLossError(
        absl::StrCat(path, ": payload digest ", file.digest,
                     " differs from the metadata's \"", recorded_digest, "\""));
  }
  return file;
}

}  // namespace dsfl
