// AdmissionSessions: the jobs this slave has admitted through Authorize
// (docs/dataspace.md, Flow 1 step 5), so that every later job call can be
// checked against them.
//
// A session binds a random 128-bit id (32 lower-case hex characters, from
// an injected RandomBytes) to the job, the TLS peer that was authorized
// (SHA-256 of its client certificate's DER), the master's DID, the
// agreement, the admitted model's SHA-256 and the privacy settings. Check()
// passes only when all three of job id, peer and session id match; each
// mismatch has its own problem (no_session, unknown_session,
// session_wrong_job, session_wrong_peer, session_expired).
//
// Bounds: at most `max_sessions` (the least recently used is evicted
// first); a session not used (admitted or checked) for `idle_timeout` of
// the injected clock expires, which is how sessions of finished jobs go
// away (the slave is never told that a job ended). A new admission for the
// same job and peer replaces the previous session.
//
// Errors: Admit() fails (Internal) only when the random source fails.
// Ownership: borrows `clock` and `random`, which must outlive it.
// Threading: thread-safe (one mutex; no call blocks on I/O).
#ifndef DSFL_SLAVE_CORE_ADMISSION_SESSIONS_H_
#define DSFL_SLAVE_CORE_ADMISSION_SESSIONS_H_

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/status.h"

namespace dsfl::slave {

// Where session ids come from: the real one is the OS CSPRNG (OpenSSL
// RAND_bytes); tests inject a deterministic source.
class RandomBytes {
 public:
  virtual ~RandomBytes() = default;
  virtual Status Fill(unsigned char* out, size_t size) = 0;
};
// OpenSSL's RAND_bytes; process-wide, never destroyed, thread-safe.
RandomBytes& SecureRandomBytes();

// What an Authorize admitted.
struct SessionGrant {
  std::string job_id;
  std::string peer_sha256;  // SHA-256 (hex) of the master's TLS certificate
  std::string master_did;
  std::string agreement_id;
  std::string model_sha256;  // lower-case hex, training::ModelDefinitionSha256
  std::map<std::string, std::string> privacy;
};

struct AdmittedSession {
  std::string session_id;  // 32 lower-case hex characters
  SessionGrant grant;
  absl::Time admitted_at;
  absl::Time last_used;
};

enum class SessionProblem {
  kNone,
  kNoSession,       // the call carries no session id
  kUnknownSession,  // no such session (never issued, evicted, revoked)
  kWrongJob,        // the session was admitted for another job
  kWrongPeer,       // the session belongs to another TLS peer
  kExpired,         // idle for longer than the idle timeout
};
// "no_session", "unknown_session", "session_wrong_job",
// "session_wrong_peer", "session_expired" ("" for kNone).
const char* SessionProblemName(SessionProblem problem);

struct SessionCheck {
  SessionProblem problem = SessionProblem::kNone;
  AdmittedSession session;  // set when problem == kNone
  bool ok() const { return problem == SessionProblem::kNone; }
};

struct SessionLimits {
  size_t max_sessions = 1024;
  absl::Duration idle_timeout = absl::Hours(24);
};

class AdmissionSessions {
 public:
  AdmissionSessions(const Clock* clock, RandomBytes* random,
                    SessionLimits limits = {});
  AdmissionSessions(const AdmissionSessions&) = delete;
  AdmissionSessions& operator=(const AdmissionSessions&) = delete;

  // A new session for `grant` (replacing the one of the same job and peer).
  StatusOr<AdmittedSession> Admit(SessionGrant grant);
  // Whether `session_id` admits a call of `job_id` from `peer_sha256`;
  // marks the session used.
  SessionCheck Check(const std::string& job_id, const std::string& peer_sha256,
                     const std::string& session_id);
  // Removes one session; false if it did not exist.
  bool Revoke(const std::string& session_id);
  // Removes every session for which `revoke` is true; returns how many.
  size_t RevokeIf(const std::function<bool(const AdmittedSession&)>& revoke);

  void set_idle_timeout(absl::Duration timeout);
  size_t size() const;

 private:
  bool Expired(const AdmittedSession& session, absl::Time now) const;
  void EvictExpiredLocked(absl::Time now);

  const Clock* clock_;
  RandomBytes* random_;
  mutable std::mutex mu_;
  SessionLimits limits_;
  std::map<std::string, AdmittedSession> sessions_;  // by session id
};

}  // namespace dsfl::slave

#endif  // DSFL_SLAVE_CORE_ADMISSION_SESSIONS_H_
