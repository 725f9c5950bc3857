#include "slave/core/admission_sessions.h"

#include <openssl/rand.h>

#include <algorithm>
#include <limits>

namespace dsfl::slave {
namespace {

class OpenSslRandomBytes final : public RandomBytes {
 public:
  Status Fill(unsigned char* out, size_t size) override {
    if (size > static_cast<size_t>(std::numeric_limits<int>::max()) ||
        RAND_bytes(out, static_cast<int>(size)) != 1) {
      return absl::InternalError("the system random generator failed");
    }
    return absl::OkStatus();
  }
};

std::string Hex(const unsigned char* bytes, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

}  // namespace

RandomBytes& SecureRandomBytes() {
  static OpenSslRandomBytes* random = new OpenSslRandomBytes();
  return *random;
}

const char* SessionProblemName(SessionProblem problem) {
  switch (problem) {
    case SessionProblem::kNone:
      return "";
    case SessionProblem::kNoSession:
      return "no_session";
    case SessionProblem::kUnknownSession:
      return "unknown_session";
    case SessionProblem::kWrongJob:
      return "session_wrong_job";
    case SessionProblem::kWrongPeer:
      return "session_wrong_peer";
    case SessionProblem::kExpired:
      return "session_expired";
  }
  return "unknown_session";
}

AdmissionSessions::AdmissionSessions(const Clock* clock, RandomBytes* random,
                                     SessionLimits limits)
    : clock_(clock), random_(random), limits_(limits) {
  limits_.max_sessions = std::max<size_t>(limits_.max_sessions, 1);
}

bool AdmissionSessions::Expired(const AdmittedSession& session,
                                absl::Time now) const {
  return now - session.last_used > limits_.idle_timeout;
}

void AdmissionSessions::EvictExpiredLocked(absl::Time now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    it = Expired(it->second, now) ? sessions_.erase(it) : std::next(it);
  }
}

StatusOr<AdmittedSession> AdmissionSessions::Admit(SessionGrant grant) {
  unsigned char bytes[16];
  DSFL_RETURN_IF_ERROR(random_->Fill(bytes, sizeof(bytes)));
  AdmittedSession session;
  session.session_id = Hex(bytes, sizeof(bytes));
  session.grant = std::move(grant);
  std::lock_guard<std::mutex> lock(mu_);
  const absl::Time now = clock_->Now();
  session.admitted_at = now;
  session.last_used = now;
  EvictExpiredLocked(now);
  if (sessions_.count(session.session_id) != 0) {
    // 2^-128 with a real generator; a broken one must not merge sessions.
    return absl::InternalError("session id collision: bad random source");
  }
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    const SessionGrant& other = it->second.grant;
    it = other.job_id == session.grant.job_id &&
                 other.peer_sha256 == session.grant.peer_sha256
             ? sessions_.erase(it)
             : std::next(it);
  }
  while (sessions_.size() >= limits_.max_sessions) {
    auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
          return a.second.last_used < b.second.last_used;
        });
    sessions_.erase(oldest);
  }
  sessions_.emplace(session.session_id, session);
  return session;
}

SessionCheck AdmissionSessions::Check(const std::string& job_id,
                                      const std::string& peer_sha256,
                                      const std::string& session_id) {
  SessionCheck check;
  if (session_id.empty()) {
    check.problem = SessionProblem::kNoSession;
    return check;
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) {
    check.problem = SessionProblem::kUnknownSession;
    return check;
  }
  const absl::Time now = clock_->Now();
  if (Expired(it->second, now)) {
    sessions_.erase(it);
    check.problem = SessionProblem::kExpired;
    return check;
  }
  // The peer first: a stolen id tells its thief nothing about the job.
  if (it->second.grant.peer_sha256 != peer_sha256) {
    check.problem = SessionProblem::kWrongPeer;
    return check;
  }
  if (it->second.grant.job_id != job_id) {
    check.problem = SessionProblem::kWrongJob;
    return check;
  }
  it->second.last_used = now;
  check.session = it->second;
  return check;
}

bool AdmissionSessions::Revoke(const std::string& session_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.erase(session_id) != 0;
}

size_t AdmissionSessions::RevokeIf(
    const std::function<bool(const AdmittedSession&)>& revoke) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t removed = 0;
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (revoke(it->second)) {
      it = sessions_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

void AdmissionSessions::set_idle_timeout(absl::Duration timeout) {
  std::lock_guard<std::mutex> lock(mu_);
  limits_.idle_timeout = timeout;
}

size_t AdmissionSessions::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

}  // namespace dsfl::slave
