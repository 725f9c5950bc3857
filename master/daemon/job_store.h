// JobStore: the master daemon's persistent record of jobs and their rounds,
// in SQLite (WAL journal, synchronous=FULL: a state change is on disk when
// the call returns). Models and checkpoints live in files under the job's
// output directory; the store holds their paths and digests.
//
// States: queued -> running -> succeeded | failed | cancelled. A job that
// is `running` when the daemon starts again was interrupted and is resumed
// from its last checkpoint.
// Errors: Internal with SQLite's message; NotFound for an unknown job id.
// Thread-safe (one connection behind a mutex).
#ifndef DSFL_MASTER_DAEMON_JOB_STORE_H_
#define DSFL_MASTER_DAEMON_JOB_STORE_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

struct sqlite3;

namespace dsfl::master {

enum class JobState { kQueued, kRunning, kSucceeded, kFailed, kCancelled };
const char* JobStateName(JobState state);
bool IsFinal(JobState state);

struct JobRecord {
  std::string id;
  std::string name;  // the spec's job_id
  JobState state = JobState::kQueued;
  std::string spec_json;
  int64_t created_unix = 0;
  int64_t updated_unix = 0;
  uint32_t rounds_total = 0;
  uint32_t rounds_done = 0;
  std::string error;
  std::string model_path;
  std::string model_digest;
  nlohmann::json last_evaluation;  // null until the first evaluation
};

nlohmann::json ToJson(const JobRecord& job);

class JobStore {
 public:
  static StatusOr<std::unique_ptr<JobStore>> Open(const std::string& path);
  ~JobStore();

  // Stores a queued job; returns its id "<name>-<n>".
  StatusOr<std::string> Create(const std::string& name,
                               const std::string& spec_json,
                               uint32_t rounds_total, int64_t now_unix);
  Status SetState(const std::string& id, JobState state,
                  const std::string& error, int64_t now_unix);
  // Appends a round's report (JSON) and updates progress and metrics.
  Status RecordRound(const std::string& id, uint32_t round,
                     const nlohmann::json& report, int64_t now_unix);
  Status SetModel(const std::string& id, const std::string& path,
                  const std::string& sha256, int64_t now_unix);

  StatusOr<JobRecord> Get(const std::string& id);
  StatusOr<std::vector<JobRecord>> List();
  StatusOr<std::vector<nlohmann::json>> Rounds(const std::string& id);
  // Jobs queued or running (to schedule or resume at start-up).
  StatusOr<std::vector<std::string>> Unfinished();

 private:
  explicit JobStore(sqlite3* db) : db_(db) {}
  Status Exec(const std::string& sql);

  std::mutex mu_;
  sqlite3* db_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_DAEMON_JOB_STORE_H_
