#include "common/audit/log_paths.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dsfl::audit {

namespace fs = std::filesystem;

std::string LogPaths::Segment(uint64_t first_seq) const {
  return absl::StrFormat("%s.%012u.jsonl", base, first_seq);
}

std::string LogPaths::Torn(uint64_t after_seq, int n) const {
  return absl::StrCat(base, ".torn.", after_seq, ".", n);
}

LogPaths PathsForLog(const std::string& active_path) {
  LogPaths p;
  p.active = active_path;
  p.base = absl::EndsWith(active_path, ".jsonl")
               ? active_path.substr(0, active_path.size() - 6)
               : active_path;
  p.head = p.base + ".head.json";
  p.public_key = p.base + ".pub.pem";
  p.lock = p.base + ".lock";
  return p;
}

StatusOr<std::vector<SegmentFile>> ListSegments(const LogPaths& paths) {
  fs::path base(paths.base);
  fs::path dir = base.parent_path();
  if (dir.empty()) dir = ".";
  const std::string prefix = base.filename().string() + ".";
  std::vector<SegmentFile> out;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return out;
    return absl::InternalError(
        absl::StrCat("cannot list ", dir.string(), ": ", ec.message()));
  }
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    // <prefix><12 digits>.jsonl
    if (name.size() != prefix.size() + 12 + 6 ||
        !absl::StartsWith(name, prefix) || !absl::EndsWith(name, ".jsonl")) {
      continue;
    }
    const std::string digits = name.substr(prefix.size(), 12);
    if (!std::all_of(digits.begin(), digits.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    out.push_back({std::stoull(digits), (dir / name).string()});
  }
  std::sort(out.begin(), out.end(),
            [](const SegmentFile& a, const SegmentFile& b) {
              return a.first_seq < b.first_seq;
            });
  return out;
}

StatusOr<std::vector<std::string>> ListLogFiles(const LogPaths& paths) {
  DSFL_ASSIGN_OR_RETURN(std::vector<SegmentFile> segments, ListSegments(paths));
  std::vector<std::string> files;
  for (const SegmentFile& s : segments) files.push_back(s.path);
  std::error_code ec;
  if (fs::exists(paths.active, ec)) files.push_back(paths.active);
  return files;
}

}  // namespace dsfl::audit
