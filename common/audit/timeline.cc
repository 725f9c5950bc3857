#include "common/audit/timeline.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/audit/log_paths.h"

namespace dsfl::audit {
namespace {

using Json = nlohmann::json;

std::string Short(const std::string& value) {
  return value.size() > 16 ? value.substr(0, 12) + "…" : value;
}

// "key=value" pairs of the details, hashes shortened.
std::string DetailsText(const Json& details) {
  std::string out;
  for (const auto& item : details.items()) {
    if (!out.empty()) out += ' ';
    const Json& v = item.value();
    std::string text;
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      const bool is_hash = absl::EndsWith(item.key(), "_sha256") ||
                           absl::EndsWith(item.key(), "_digest") ||
                           item.key() == "root" || item.key() == "public_key";
      text = is_hash ? Short(s) : s;
      if (text.find(' ') != std::string::npos) text = Json(text).dump();
    } else {
      text = v.dump();
    }
    absl::StrAppend(&out, item.key(), "=", text);
  }
  return out;
}

std::string GroupOf(const AuditRecord& r) {
  if (!r.job.has_value()) return "";
  return r.round.has_value()
             ? absl::StrCat("job ", *r.job, " · round ", *r.round)
             : absl::StrCat("job ", *r.job);
}

}  // namespace

StatusOr<Timeline> LoadTimeline(const std::vector<std::string>& logs) {
  Timeline timeline;
  for (const std::string& log : logs) {
    DSFL_ASSIGN_OR_RETURN(std::vector<std::string> files,
                          ListLogFiles(PathsForLog(log)));
    if (files.empty()) {
      return absl::NotFoundError(absl::StrCat("no audit log at ", log));
    }
    for (const std::string& file : files) {
      std::ifstream in(file, std::ios::binary);
      if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", file));
      std::string line;
      while (std::getline(in, line)) {
        if (in.eof()) {  // a torn last line
          ++timeline.skipped_lines;
          break;
        }
        auto parsed = ParseRecordLine(line);
        if (!parsed.ok()) {
          ++timeline.skipped_lines;
          continue;
        }
        auto time = ParseRecordTime(parsed->record.time);
        if (!time.ok()) {
          ++timeline.skipped_lines;
          continue;
        }
        timeline.entries.push_back({log, *time, std::move(parsed->record)});
      }
    }
  }
  return timeline;
}

bool EventMatches(const std::string& pattern, const std::string& type) {
  if (pattern.empty() || pattern == "*") return true;
  if (absl::EndsWith(pattern, "*")) {
    return absl::StartsWith(type, pattern.substr(0, pattern.size() - 1));
  }
  if (absl::EndsWith(pattern, ".")) return absl::StartsWith(type, pattern);
  return type == pattern;
}

std::vector<TimelineEntry> SelectTimeline(const Timeline& timeline,
                                          const TimelineFilter& filter) {
  const bool show_log_events =
      filter.include_log_events || absl::StartsWith(filter.event, "log.");
  std::vector<TimelineEntry> out;
  for (const TimelineEntry& e : timeline.entries) {
    const AuditRecord& r = e.record;
    if (!show_log_events && absl::StartsWith(r.event, "log.")) continue;
    if (!filter.job.empty() && r.job != filter.job) continue;
    if (!EventMatches(filter.event, r.event)) continue;
    if (filter.since.has_value() && e.time < *filter.since) continue;
    out.push_back(e);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const TimelineEntry& a, const TimelineEntry& b) {
                     if (a.time != b.time) return a.time < b.time;
                     if (a.record.actor != b.record.actor) {
                       return a.record.actor < b.record.actor;
                     }
                     return a.record.seq < b.record.seq;
                   });
  return out;
}

std::string FormatTimelineText(const std::vector<TimelineEntry>& entries) {
  size_t actor_width = 5;
  size_t event_width = 5;
  for (const TimelineEntry& e : entries) {
    actor_width = std::max(actor_width, e.record.actor.size());
    event_width = std::max(event_width, e.record.event.size());
  }
  std::string out;
  std::string group = "\x01";
  for (const TimelineEntry& e : entries) {
    const AuditRecord& r = e.record;
    const std::string g = GroupOf(r);
    if (g != group) {
      if (!g.empty()) absl::StrAppend(&out, "── ", g, " ──\n");
      group = g;
    }
    std::string line = absl::StrCat(
        r.time, "  ", r.actor,
        std::string(actor_width - r.actor.size() + 2, ' '), r.event,
        std::string(event_width - r.event.size() + 2, ' '));
    if (r.subject.has_value()) absl::StrAppend(&line, "[", *r.subject, "] ");
    absl::StrAppend(&line, DetailsText(r.details));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string FormatTimelineJson(const std::vector<TimelineEntry>& entries) {
  std::string out;
  for (const TimelineEntry& e : entries) {
    Json j = RecordToJson(e.record);
    j["log"] = e.log;
    absl::StrAppend(&out, j.dump(), "\n");
  }
  return out;
}

StatusOr<absl::Time> ParseSince(const std::string& text) {
  absl::Time t;
  std::string error;
  for (const char* format :
       {"%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M%Ez",
        "%Y-%m-%d%ET%H:%M:%E*S", "%Y-%m-%d%ET%H:%M", "%Y-%m-%d"}) {
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &t, &error)) {
      return t;
    }
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--since '", text,
      "' is not a time (use RFC 3339, e.g. 2025-01-31T12:00:00Z, or a date)"));
}

}  // namespace dsfl::audit
