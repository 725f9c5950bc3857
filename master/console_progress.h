// ConsoleProgress: prints a job's progress for people: stage messages, and
// one line per round (round, participants, loss, C-index or AUC, seconds).
// With `json` it prints one JSON object per event instead, for scripts.
// Thread-safe (the engine calls it from worker threads).
#ifndef DSFL_MASTER_CONSOLE_PROGRESS_H_
#define DSFL_MASTER_CONSOLE_PROGRESS_H_

#include <cstdio>
#include <mutex>

#include "master/core/job_runner.h"

namespace dsfl::master {

class ConsoleProgress : public JobListener {
 public:
  ConsoleProgress(std::FILE* out, bool json) : out_(out), json_(json) {}

  void OnJobMessage(const std::string& text) override;
  void OnNodeDone(uint32_t round, const NodeOutcome& node) override;
  void OnRoundDone(const RoundReport& report) override;

  // The final summary line(s) of a finished job.
  void PrintResult(const JobResult& result);

 private:
  std::FILE* out_;
  bool json_;
  std::mutex mu_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CONSOLE_PROGRESS_H_
