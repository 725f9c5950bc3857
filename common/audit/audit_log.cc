#include "common/audit/audit_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/audit/node_key.h"
#include "common/audit/verifier.h"
#include "common/crypto/base64url.h"
#include "common/model_file.h"

namespace dsfl::audit {
namespace {

namespace fs = std::filesystem;

Status ErrnoError(const std::string& what, const std::string& path, int error) {
  return absl::InternalError(absl::StrCat("audit log: cannot ", what, " ", path,
                                          ": ", std::strerror(error)));
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write", path, errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

void SyncDirectoryOf(const std::string& path) {
  std::string dir = fs::path(path).parent_path().string();
  int fd = ::open(dir.empty() ? "." : dir.c_str(),
                  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

struct AuditLog::File {
  explicit File(int f) : fd(f) {}
  ~File() {
    if (fd >= 0) ::close(fd);
  }
  int fd;
};

AuditLog::AuditLog(AuditLogOptions options, crypto::Ed25519PrivateKey key)
    : options_(std::move(options)),
      key_(std::move(key)),
      clock_(options_.clock != nullptr ? options_.clock : &SystemClock()),
      paths_(PathsForLog(options_.path)) {}

AuditLog::~AuditLog() {
  if (!closed_) (void)Close();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(
    AuditLogOptions options, crypto::Ed25519PrivateKey key) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("audit log: path is empty");
  }
  if (options.actor.empty()) {
    return absl::InvalidArgumentError("audit log: actor is empty");
  }
  std::unique_ptr<AuditLog> log(
      new AuditLog(std::move(options), std::move(key)));
  std::unique_lock<std::mutex> lock(log->mu_);
  Status status = log->OpenLocked();
  if (!status.ok()) {
    log->closed_ = true;
    return status;
  }
  return log;
}

Status AuditLog::OpenLocked() {
  std::error_code ec;
  const fs::path parent = fs::path(paths_.active).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);

  lock_fd_ = ::open(paths_.lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) return ErrnoError("create", paths_.lock, errno);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "audit log ", paths_.active, " is open in another process (",
        paths_.lock, " is locked)"));
  }

  // Verify what is there, with this node's key pinned.
  ChainVerifier chain({key_.public_key()});
  VerifyOptions verify;
  verify.pinned_keys = {key_.public_key()};
  // A missing head is tolerated only before the first checkpoint (a crash
  // between the genesis record and the head's creation); see below.
  verify.require_head = false;
  VerifyReport report = VerifyLog(paths_.active, verify, &chain);
  if (!report.head.has_value() && chain.checkpoints() > 0) {
    return absl::DataLossError(absl::StrCat(
        "audit log ", paths_.active, " has checkpoints but its head file ",
        paths_.head,
        " is missing, so truncation cannot be ruled out; refusing to continue "
        "it (restore the head file, or move the log aside)"));
  }
  const bool nothing_there =
      report.files.empty() && report.failure == FailureKind::kMissingFile;
  if (!report.ok && !nothing_there &&
      report.failure != FailureKind::kTornTail &&
      !(report.failure == FailureKind::kMissingFile && report.records == 0)) {
    return report.failure == FailureKind::kWrongKey
               ? absl::FailedPreconditionError(absl::StrCat(
                     "audit log ", paths_.active,
                     " belongs to another key; refusing to continue it: ",
                     report.error))
               : absl::DataLossError(absl::StrCat(
                     "audit log ", paths_.active,
                     " does not verify; refusing to continue it (move it "
                     "aside and investigate): ",
                     report.error));
  }
  // One log, one node: records under another name would make the log say
  // that someone else wrote them, with this node's key.
  if (chain.records() > 0 && chain.genesis_actor() != options_.actor) {
    return absl::FailedPreconditionError(absl::StrCat(
        "audit log ", paths_.active, " belongs to actor '",
        chain.genesis_actor(), "', not '", options_.actor,
        "'; refusing to continue it under another name (restore the node's "
        "name, or move the log aside, keep it for the auditor, and start a "
        "new one)"));
  }
  std::optional<TornTail> torn = report.torn;
  if (torn.has_value()) {
    DSFL_RETURN_IF_ERROR(RecoverTornTail(*torn, chain.records()));
  }

  next_seq_ = chain.records();
  prev_hash_ = chain.prev_hash();
  last_time_ = chain.last_time();
  tree_ = std::move(chain.mutable_tree());
  open_info_.existing_records = next_seq_;
  written_ = durable_ = next_seq_;
  if (chain.last_checkpoint().has_value()) {
    last_checkpoint_seq_ = chain.last_checkpoint()->seq;
    head_line_ = chain.last_checkpoint()->line;
    head_seq_ = last_checkpoint_seq_;
    auto t = ParseRecordTime(chain.last_checkpoint()->time);
    last_checkpoint_time_ = t.ok() ? *t : clock_->Now();
  } else {
    last_checkpoint_seq_ = 0;
    head_line_ = chain.genesis_line();
    head_seq_ = 0;
    last_checkpoint_time_ = clock_->Now();
  }
  if (report.head.has_value()) {
    head_written_ = true;
    head_seq_written_ = report.head->seq;
  }

  // The active file: continue it, or create it (new log, or a crash
  // between a rotation's rename and the new file).
  if (fs::exists(paths_.active, ec)) {
    int fd = ::open(paths_.active.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return ErrnoError("open", paths_.active, errno);
    file_ = std::make_shared<File>(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) return ErrnoError("stat", paths_.active, errno);
    active_bytes_ = static_cast<uint64_t>(st.st_size);
    active_first_seq_ = next_seq_;
    if (active_bytes_ > 0) {
      DSFL_ASSIGN_OR_RETURN(std::string text, ReadAll(paths_.active));
      auto first =
          ParseRecordLine(std::string_view(text).substr(0, text.find('\n')));
      if (first.ok()) active_first_seq_ = first->record.seq;
    }
  } else {
    DSFL_RETURN_IF_ERROR(CreateActiveFileLocked());
  }

  if (next_seq_ == 0) {
    open_info_.created = true;
    nlohmann::json details = {
        {"format", kLogFormat},
        {"public_key",
         crypto::Base64UrlEncode(std::string_view(
             reinterpret_cast<const char*>(key_.public_key().data()), 32))},
        {"key_id", Ed25519KeyId(key_.public_key())}};
    DSFL_RETURN_IF_ERROR(
        WriteRecordLocked("log.genesis", "", std::nullopt, "", details)
            .status());
    last_checkpoint_seq_ = 0;
    last_checkpoint_time_ = clock_->Now();
  }
  if (open_info_.torn_moved_to.has_value()) {
    nlohmann::json details = {
        {"torn_file", fs::path(*open_info_.torn_moved_to).filename().string()},
        {"torn_bytes", open_info_.torn_bytes},
        {"after_seq", open_info_.existing_records == 0
                          ? nlohmann::json(nullptr)
                          : nlohmann::json(open_info_.existing_records - 1)}};
    DSFL_ASSIGN_OR_RETURN(std::string torn_bytes,
                          ReadAll(*open_info_.torn_moved_to));
    details["torn_sha256"] = Sha256::HexOf(torn_bytes);
    DSFL_RETURN_IF_ERROR(
        WriteRecordLocked("log.recovered", "", std::nullopt, "", details)
            .status());
  }
  // Make what Open wrote durable; bring the head file up to date.
  if (written_ > durable_) {
    if (::fdatasync(file_->fd) != 0) {
      return ErrnoError("fdatasync", paths_.active, errno);
    }
    durable_ = written_;
  }
  DSFL_RETURN_IF_ERROR(WriteHeadLocked());

  // The public key beside the log (rewritten only when it differs).
  const std::string pem = key_.PublicKeyPem();
  auto existing = ReadAll(paths_.public_key);
  if (!existing.ok() || *existing != pem) {
    DSFL_RETURN_IF_ERROR(WriteFileAtomically(paths_.public_key, pem, 0644));
  }
  return absl::OkStatus();
}

Status AuditLog::RecoverTornTail(const TornTail& torn, uint64_t records) {
  DSFL_ASSIGN_OR_RETURN(std::string text, ReadAll(torn.file));
  if (torn.offset > text.size()) {
    return absl::InternalError(absl::StrCat("audit log: ", torn.file,
                                            " changed while being recovered"));
  }
  const std::string bytes = text.substr(torn.offset);
  const uint64_t after = records == 0 ? 0 : records - 1;
  std::string target;
  std::error_code ec;
  for (int n = 0;; ++n) {
    target = paths_.Torn(after, n);
    if (!fs::exists(target, ec)) break;
  }
  DSFL_RETURN_IF_ERROR(WriteFileAtomically(target, bytes, 0600));
  if (::truncate(torn.file.c_str(), static_cast<off_t>(torn.offset)) != 0) {
    return ErrnoError("truncate", torn.file, errno);
  }
  int fd = ::open(torn.file.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("open", torn.file, errno);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return ErrnoError("fsync", torn.file, error);
  open_info_.torn_moved_to = target;
  open_info_.torn_bytes = bytes.size();
  return absl::OkStatus();
}

Status AuditLog::CreateActiveFileLocked() {
  int fd = ::open(paths_.active.c_str(),
                  O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError("create", paths_.active, errno);
  file_ = std::make_shared<File>(fd);
  SyncDirectoryOf(paths_.active);
  active_bytes_ = 0;
  active_first_seq_ = next_seq_;
  return absl::OkStatus();
}

Status AuditLog::FailLocked(Status status) {
  if (failed_.ok()) failed_ = status;
  synced_.notify_all();
  return failed_;
}

StatusOr<uint64_t> AuditLog::WriteRecordLocked(const std::string& event,
                                               const std::string& job,
                                               std::optional<int64_t> round,
                                               const std::string& subject,
                                               nlohmann::json details) {
  AuditRecord record;
  record.seq = next_seq_;
  record.time = FormatRecordTime(clock_->Now());
  // Times never go backwards within a log (the clock may step back).
  if (record.time < last_time_) record.time = last_time_;
  record.actor = options_.actor;
  record.event = event;
  if (!job.empty()) record.job = job;
  record.round = round;
  if (!subject.empty()) record.subject = subject;
  record.details = std::move(details);
  record.prev = prev_hash_;
  DSFL_ASSIGN_OR_RETURN(SealedRecord sealed,
                        SealRecord(std::move(record), key_));
  const std::string line = sealed.line + "\n";
  Status status = WriteAll(file_->fd, line, paths_.active);
  if (!status.ok()) return FailLocked(status);
  active_bytes_ += line.size();
  tree_.AppendLeafHash(sealed.leaf);
  prev_hash_ = sealed.record.hash;
  last_time_ = sealed.record.time;
  ++written_;
  const uint64_t seq = next_seq_++;
  if (event == "log.checkpoint" || event == "log.genesis") {
    head_line_ = sealed.line;
    head_seq_ = seq;
    last_checkpoint_seq_ = seq;
  }
  return seq;
}

Status AuditLog::WriteCheckpointLocked(const char* reason) {
  nlohmann::json details = {{"tree_size", next_seq_},
                            {"root", ToHex(tree_.Root())},
                            {"reason", reason}};
  DSFL_RETURN_IF_ERROR(
      WriteRecordLocked("log.checkpoint", "", std::nullopt, "", details)
          .status());
  last_checkpoint_time_ = clock_->Now();
  return absl::OkStatus();
}

Status AuditLog::MaybeCheckpointLocked(bool by_time_only) {
  const uint64_t uncovered = next_seq_ - last_checkpoint_seq_ - 1;
  if (uncovered == 0) return absl::OkStatus();
  if (!by_time_only && options_.checkpoint_every > 0 &&
      uncovered >= options_.checkpoint_every) {
    return WriteCheckpointLocked("count");
  }
  if (options_.checkpoint_interval > absl::ZeroDuration() &&
      clock_->Now() - last_checkpoint_time_ >= options_.checkpoint_interval) {
    return WriteCheckpointLocked("time");
  }
  return absl::OkStatus();
}

Status AuditLog::RotateLocked() {
  DSFL_RETURN_IF_ERROR(WriteCheckpointLocked("rotate"));
  if (::fdatasync(file_->fd) != 0) {
    return FailLocked(ErrnoError("fdatasync", paths_.active, errno));
  }
  durable_ = written_;
  const std::string segment = paths_.Segment(active_first_seq_);
  std::error_code ec;
  if (fs::exists(segment, ec)) {
    return FailLocked(absl::InternalError(absl::StrCat(
        "audit log: cannot rotate: ", segment, " already exists")));
  }
  if (::rename(paths_.active.c_str(), segment.c_str()) != 0) {
    return FailLocked(ErrnoError("rename to", segment, errno));
  }
  SyncDirectoryOf(segment);
  Status status = CreateActiveFileLocked();
  if (!status.ok()) return FailLocked(status);
  return WriteHeadLocked();
}

Status AuditLog::SyncLocked(std::unique_lock<std::mutex>* lock) {
  const uint64_t target = written_;
  while (durable_ < target) {
    if (!failed_.ok()) return failed_;
    if (syncing_) {
      synced_.wait(*lock);
      continue;
    }
    syncing_ = true;
    const uint64_t covering = written_;
    std::shared_ptr<File> file = file_;
    lock->unlock();
    const int rc = ::fdatasync(file->fd);
    const int error = errno;
    lock->lock();
    syncing_ = false;
    if (rc != 0)
      return FailLocked(ErrnoError("fdatasync", paths_.active, error));
    if (covering > durable_) durable_ = covering;
    synced_.notify_all();
  }
  return failed_;
}

Status AuditLog::WriteHeadLocked() {
  if (head_line_.empty()) return absl::OkStatus();
  const uint64_t seq = head_seq_;
  // Only a durable record may be named by the head, and never go back.
  if (seq >= durable_ || (head_written_ && seq <= head_seq_written_)) {
    return absl::OkStatus();
  }
  Status status = WriteFileAtomically(paths_.head, head_line_ + "\n", 0644);
  if (!status.ok()) return FailLocked(status);
  head_written_ = true;
  head_seq_written_ = seq;
  return absl::OkStatus();
}

StatusOr<uint64_t> AuditLog::Append(const AuditEvent& event) {
  DSFL_RETURN_IF_ERROR(ValidateAuditEvent(event));
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit log ", paths_.active, " is closed"));
  }
  DSFL_RETURN_IF_ERROR(failed_);
  if (options_.rotate_bytes > 0 && active_bytes_ >= options_.rotate_bytes) {
    DSFL_RETURN_IF_ERROR(RotateLocked());
  }
  DSFL_ASSIGN_OR_RETURN(
      uint64_t seq,
      WriteRecordLocked(
          event.type, event.job, event.round, event.subject,
          event.details.is_null() ? nlohmann::json::object() : event.details));
  DSFL_RETURN_IF_ERROR(MaybeCheckpointLocked(false));
  DSFL_RETURN_IF_ERROR(SyncLocked(&lock));
  DSFL_RETURN_IF_ERROR(WriteHeadLocked());
  return seq;
}

Status AuditLog::Record(const AuditEvent& event) {
  return Append(event).status();
}

Status AuditLog::Checkpoint() {
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return absl::FailedPreconditionError("audit log is closed");
  DSFL_RETURN_IF_ERROR(failed_);
  DSFL_RETURN_IF_ERROR(WriteCheckpointLocked("manual"));
  DSFL_RETURN_IF_ERROR(SyncLocked(&lock));
  return WriteHeadLocked();
}

Status AuditLog::Tick() {
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return absl::FailedPreconditionError("audit log is closed");
  DSFL_RETURN_IF_ERROR(failed_);
  DSFL_RETURN_IF_ERROR(MaybeCheckpointLocked(true));
  DSFL_RETURN_IF_ERROR(SyncLocked(&lock));
  return WriteHeadLocked();
}

Status AuditLog::Close() {
  std::unique_lock<std::mutex> lock(mu_);
  if (closed_) return absl::FailedPreconditionError("audit log is closed");
  closed_ = true;
  Status status = failed_;
  if (status.ok() && next_seq_ - last_checkpoint_seq_ - 1 > 0) {
    status = WriteCheckpointLocked("close");
  }
  if (status.ok()) status = SyncLocked(&lock);
  if (status.ok()) status = WriteHeadLocked();
  file_.reset();
  if (lock_fd_ >= 0) {
    ::close(lock_fd_);  // releases the flock
    lock_fd_ = -1;
  }
  return status;
}

uint64_t AuditLog::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return next_seq_;
}

std::string AuditLog::LatestHeadLine() const {
  std::lock_guard<std::mutex> lock(mu_);
  return head_line_;
}

StatusOr<std::unique_ptr<AuditLog>> OpenNodeAuditLog(
    const std::string& log_path, const std::string& key_path,
    const std::string& actor, const Clock* clock) {
  DSFL_ASSIGN_OR_RETURN(crypto::Ed25519PrivateKey key,
                        LoadOrCreateNodeKey(key_path));
  AuditLogOptions options;
  options.path = log_path;
  options.actor = actor;
  options.clock = clock;
  return AuditLog::Open(std::move(options), std::move(key));
}

}  // namespace dsfl::audit
