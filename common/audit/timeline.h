// The auditor's timeline: the records of several nodes' audit logs merged
// into one story (`dsfl audit show`), ordered by time, then node (actor),
// then seq, and grouped visually by job and round.
//
// Loading parses every complete line of every log's files (no signature
// checks: the caller verifies separately and says so); a line that does not
// parse is skipped and counted. Filters: job id, event type pattern (exact,
// or a prefix ending in "*" or ".", e.g. "admission.*"), and a start time.
// The log's own records (log.genesis, log.checkpoint, log.recovered) are
// hidden unless asked for (`include_log_events` or an event filter that
// names them).
//
// Errors: NotFound/Internal for unreadable logs; InvalidArgument from
// ParseSince naming the text. Thread-safe (no shared state).
#ifndef DSFL_COMMON_AUDIT_TIMELINE_H_
#define DSFL_COMMON_AUDIT_TIMELINE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/audit/record.h"
#include "common/status.h"

namespace dsfl::audit {

struct TimelineEntry {
  std::string log;  // the LOG argument it came from
  absl::Time time;
  AuditRecord record;
};

struct TimelineFilter {
  std::string job;    // empty = all
  std::string event;  // empty = all
  std::optional<absl::Time> since;
  bool include_log_events = false;
};

struct Timeline {
  std::vector<TimelineEntry> entries;
  uint64_t skipped_lines = 0;
};

StatusOr<Timeline> LoadTimeline(const std::vector<std::string>& logs);

bool EventMatches(const std::string& pattern, const std::string& type);

// Filtered and sorted (time, actor, seq).
std::vector<TimelineEntry> SelectTimeline(const Timeline& timeline,
                                          const TimelineFilter& filter);

// Readable text, one line per record, with a header whenever the job or
// round changes.
std::string FormatTimelineText(const std::vector<TimelineEntry>& entries);
// JSON lines: each record plus "log" (the file it came from).
std::string FormatTimelineJson(const std::vector<TimelineEntry>& entries);

// RFC 3339 ("2025-01-31T12:00:00Z", offsets allowed, fractions optional),
// or a UTC date ("2025-01-31") or minute ("2025-01-31T12:00").
StatusOr<absl::Time> ParseSince(const std::string& text);

}  // namespace dsfl::audit

#endif  // DSFL_COMMON_AUDIT_TIMELINE_H_
