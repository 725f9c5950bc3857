#include "master/daemon/job_store.h"

#include <sqlite3.h>

#include "absl/strings/str_cat.h"

namespace dsfl::master {
namespace {

constexpr const char* kStateNames[] = {"queued", "running", "succeeded",
                                       "failed", "cancelled"};

JobState StateFromName(const std::string& name) {
  for (int i = 0; i < 5; ++i) {
    if (name == kStateNames[i]) return static_cast<JobState>(i);
  }
  return JobState::kFailed;
}

// A prepared statement that finalizes itself.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Status status() const {
    return rc_ == SQLITE_OK
               ? absl::OkStatus()
               : absl::InternalError(
                     absl::StrCat("sqlite: ", sqlite3_errmsg(db_)));
  }
  Statement& Bind(int index, const std::string& value) {
    sqlite3_bind_text(stmt_, index, value.data(),
                      static_cast<int>(value.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(stmt_); }
  Status Run() {
    DSFL_RETURN_IF_ERROR(status());
    int rc = Step();
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      return absl::InternalError(absl::StrCat("sqlite: ", sqlite3_errmsg(db_)));
    }
    return absl::OkStatus();
  }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text == nullptr ? std::string()
                           : std::string(reinterpret_cast<const char*>(text));
  }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

constexpr const char* kJobColumns =
    "id, name, state, spec, created, updated, rounds_total, rounds_done, "
    "error, model_path, model_sha256, last_evaluation";

JobRecord ReadJob(const Statement& s) {
  JobRecord job;
  job.id = s.Text(0);
  job.name = s.Text(1);
  job.state = StateFromName(s.Text(2));
  job.spec_json = s.Text(3);
  job.created_unix = s.Int(4);
  job.updated_unix = s.Int(5);
  job.rounds_total = static_cast<uint32_t>(s.Int(6));
  job.rounds_done = static_cast<uint32_t>(s.Int(7));
  job.error = s.Text(8);
  job.model_path = s.Text(9);
  job.model_digest = s.Text(10);
  std::string evaluation = s.Text(11);
  job.last_evaluation = evaluation.empty()
                            ? nlohmann::json()
                            : nlohmann::json::parse(evaluation, nullptr, false);
  return job;
}

}  // namespace

const char* JobStateName(JobState state) {
  return kStateNames[static_cast<int>(state)];
}

bool IsFinal(JobState state) {
  return state == JobState::kSucceeded || state == JobState::kFailed ||
         state == JobState::kCancelled;
}

nlohmann::json ToJson(const JobRecord& job) {
  return {{"id", job.id},
          {"name", job.name},
          {"state", JobStateName(job.state)},
          {"created", job.created_unix},
          {"updated", job.updated_unix},
          {"rounds_total", job.rounds_total},
          {"rounds_done", job.rounds_done},
          {"error", job.error},
          {"model_digest", job.model_digest},
          {"evaluation", job.last_evaluation}};
}

StatusOr<std::unique_ptr<JobStore>> JobStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                          SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::InternalError(
        absl::StrCat("cannot open job store ", path, ": ", message));
  }
  std::unique_ptr<JobStore> store(new JobStore(db));
  DSFL_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL"));
  DSFL_RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL"));
  DSFL_RETURN_IF_ERROR(store->Exec(
      "CREATE TABLE IF NOT EXISTS jobs ("
      " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
      " id TEXT UNIQUE, name TEXT NOT NULL, state TEXT NOT NULL,"
      " spec TEXT NOT NULL, created INTEGER, updated INTEGER,"
      " rounds_total INTEGER, rounds_done INTEGER DEFAULT 0,"
      " error TEXT DEFAULT '', model_path TEXT DEFAULT '',"
      // model_sha256 holds JobRecord::model_digest (a ModelDigest); the
      // column keeps its first name so that existing stores still open.
      " model_sha256 TEXT DEFAULT '', last_evaluation TEXT DEFAULT '')"));
  DSFL_RETURN_IF_ERROR(store->Exec(
      "CREATE TABLE IF NOT EXISTS rounds ("
      " job_id TEXT NOT NULL, round INTEGER NOT NULL, report TEXT NOT NULL,"
      " PRIMARY KEY (job_id, round))"));
  return store;
}

JobStore::~JobStore() { sqlite3_close(db_); }

Status JobStore::Exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    return absl::InternalError(absl::StrCat("sqlite: ", message));
  }
  return absl::OkStatus();
}

StatusOr<std::string> JobStore::Create(const std::string& name,
                                       const std::string& spec_json,
                                       uint32_t rounds_total,
                                       int64_t now_unix) {
  std::lock_guard<std::mutex> lock(mu_);
  DSFL_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Statement insert(db_,
                   "INSERT INTO jobs (name, state, spec, created, updated, "
                   "rounds_total) VALUES (?, 'queued', ?, ?, ?, ?)");
  insert.Bind(1, name).Bind(2, spec_json).Bind(3, now_unix).Bind(4, now_unix);
  insert.Bind(5, static_cast<int64_t>(rounds_total));
  Status status = insert.Run();
  std::string id = absl::StrCat(name, "-", sqlite3_last_insert_rowid(db_));
  if (status.ok()) {
    Statement name_it(db_, "UPDATE jobs SET id = ? WHERE seq = ?");
    name_it.Bind(1, id).Bind(2, sqlite3_last_insert_rowid(db_));
    status = name_it.Run();
  }
  DSFL_RETURN_IF_ERROR(Exec(status.ok() ? "COMMIT" : "ROLLBACK"));
  DSFL_RETURN_IF_ERROR(status);
  return id;
}

Status JobStore::SetState(const std::string& id, JobState state,
                          const std::string& error, int64_t now_unix) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "UPDATE jobs SET state = ?, error = ?, updated = ? WHERE id = ?");
  s.Bind(1, JobStateName(state)).Bind(2, error).Bind(3, now_unix).Bind(4, id);
  DSFL_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db_) == 0) {
    return absl::NotFoundError(absl::StrCat("no job '", id, "'"));
  }
  return absl::OkStatus();
}

Status JobStore::RecordRound(const std::string& id, uint32_t round,
                             const nlohmann::json& report, int64_t now_unix) {
  std::lock_guard<std::mutex> lock(mu_);
  DSFL_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Statement insert(db_,
                   "INSERT OR REPLACE INTO rounds (job_id, round, report) "
                   "VALUES (?, ?, ?)");
  insert.Bind(1, id).Bind(2, static_cast<int64_t>(round)).Bind(3, report.dump());
  Status status = insert.Run();
  if (status.ok()) {
    Statement update(
        db_,
        "UPDATE jobs SET rounds_done = ?, updated = ?, last_evaluation = "
        "CASE WHEN ? = '' THEN last_evaluation ELSE ? END WHERE id = ?");
    std::string evaluation =
        report.contains("evaluation") ? report["evaluation"].dump() : "";
    update.Bind(1, static_cast<int64_t>(round)).Bind(2, now_unix);
    update.Bind(3, evaluation).Bind(4, evaluation).Bind(5, id);
    status = update.Run();
  }
  DSFL_RETURN_IF_ERROR(Exec(status.ok() ? "COMMIT" : "ROLLBACK"));
  return status;
}

Status JobStore::SetModel(const std::string& id, const std::string& path,
                          const std::string& sha256, int64_t now_unix) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "UPDATE jobs SET model_path = ?, model_sha256 = ?, updated = ? "
              "WHERE id = ?");
  s.Bind(1, path).Bind(2, sha256).Bind(3, now_unix).Bind(4, id);
  return s.Run();
}

StatusOr<JobRecord> JobStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, absl::StrCat("SELECT ", kJobColumns,
                                " FROM jobs WHERE id = ?")
                       .c_str());
  DSFL_RETURN_IF_ERROR(s.status());
  s.Bind(1, id);
  if (s.Step() != SQLITE_ROW) {
    return absl::NotFoundError(absl::StrCat("no job '", id, "'"));
  }
  return ReadJob(s);
}

StatusOr<std::vector<JobRecord>> JobStore::List() {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_, absl::StrCat("SELECT ", kJobColumns,
                                " FROM jobs ORDER BY seq")
                       .c_str());
  DSFL_RETURN_IF_ERROR(s.status());
  std::vector<JobRecord> jobs;
  while (s.Step() == SQLITE_ROW) jobs.push_back(ReadJob(s));
  return jobs;
}

StatusOr<std::vector<nlohmann::json>> JobStore::Rounds(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "SELECT report FROM rounds WHERE job_id = ? ORDER BY round");
  DSFL_RETURN_IF_ERROR(s.status());
  s.Bind(1, id);
  std::vector<nlohmann::json> rounds;
  while (s.Step() == SQLITE_ROW) {
    rounds.push_back(nlohmann::json::parse(s.Text(0), nullptr, false));
  }
  return rounds;
}

StatusOr<std::vector<std::string>> JobStore::Unfinished() {
  std::lock_guard<std::mutex> lock(mu_);
  Statement s(db_,
              "SELECT id FROM jobs WHERE state IN ('queued', 'running') "
              "ORDER BY seq");
  DSFL_RETURN_IF_ERROR(s.status());
  std::vector<std::string> ids;
  while (s.Step() == SQLITE_ROW) ids.push_back(s.Text(0));
  return ids;
}

}  // namespace dsfl::master
