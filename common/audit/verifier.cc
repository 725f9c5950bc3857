#include "common/audit/verifier.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/audit/log_paths.h"
#include "common/crypto/jcs.h"

namespace dsfl::audit {
namespace {

namespace fs = std::filesystem;

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::InternalError(absl::StrCat("cannot read ", path));
  return buffer.str();
}

void SetFailure(VerifyReport* report, FailureKind kind, const std::string& file,
                uint64_t line, const std::string& why) {
  report->ok = false;
  report->failure = kind;
  report->file = file;
  report->line = line;
  report->error = line > 0
                      ? absl::StrCat(file, ":", line, ": ", why)
                      : (file.empty() ? why : absl::StrCat(file, ": ", why));
}

}  // namespace

StatusOr<SealedRecord> LoadHeldCheckpoint(const std::string& path) {
  DSFL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::string line(absl::StripTrailingAsciiWhitespace(text));
  auto direct = ParseRecordLine(line);
  if (direct.ok()) return direct;
  try {
    nlohmann::json j = nlohmann::json::parse(line);
    if (j.is_object() && j.contains("checkpoint") &&
        j["checkpoint"].is_object()) {
      // The record as an object: its canonical form carries the hash and
      // signature checks.
      auto canonical = crypto::JcsCanonicalize(j["checkpoint"]);
      if (!canonical.ok()) return canonical.status();
      auto again = ParseRecordLine(*canonical);
      if (again.ok()) return again;
      return absl::DataLossError(
          absl::StrCat(path, ": member \"checkpoint\" is not a valid record: ",
                       again.status().message()));
    }
  } catch (const nlohmann::json::exception&) {
  }
  return absl::DataLossError(absl::StrCat(path, ": not a checkpoint record (",
                                          direct.status().message(), ")"));
}

namespace {

// Checks that a held record (head or checkpoint) is in the verified log.
bool CheckHeld(const SealedRecord& held, const std::string& source,
               const ChainVerifier& chain, VerifyReport* report) {
  const AuditRecord& r = held.record;
  if (r.event != "log.checkpoint" && r.event != "log.genesis") {
    SetFailure(
        report, FailureKind::kMalformed, source, 0,
        absl::StrCat("holds a '", r.event, "' record, not a checkpoint"));
    return false;
  }
  if (!chain.key().has_value() || !VerifyRecordSignature(held, *chain.key())) {
    SetFailure(report, FailureKind::kSignature, source, 0,
               "checkpoint signature does not verify under the log's key");
    return false;
  }
  if (r.seq >= chain.records()) {
    SetFailure(
        report, FailureKind::kTruncated, source, 0,
        absl::StrCat("commits to the log up to seq ", r.seq, " (checkpoint at ",
                     r.time, "), but the log ends at ",
                     chain.records() == 0
                         ? std::string("no record")
                         : absl::StrCat("seq ", chain.records() - 1),
                     ": records were cut off (truncation)",
                     report->torn.has_value()
                         ? absl::StrCat("; the last file also ends with a torn "
                                        "line of ",
                                        report->torn->bytes, " bytes")
                         : std::string()));
    report->failed_seq = r.seq;
    return false;
  }
  if (chain.HashOf(r.seq) != r.hash) {
    SetFailure(report, FailureKind::kChain, source, 0,
               absl::StrCat("the log's record seq ", r.seq,
                            " differs from the checkpoint held for it "
                            "(history was rewritten)"));
    report->failed_seq = r.seq;
    return false;
  }
  return true;
}

CheckpointInfo InfoOf(const SealedRecord& r) {
  CheckpointInfo info;
  info.seq = r.record.seq;
  if (r.record.details.contains("tree_size") &&
      r.record.details["tree_size"].is_number_unsigned()) {
    info.tree_size = r.record.details["tree_size"].get<uint64_t>();
  }
  if (r.record.details.contains("root") &&
      r.record.details["root"].is_string()) {
    info.root = r.record.details["root"].get<std::string>();
  }
  info.time = r.record.time;
  info.hash = r.record.hash;
  info.line = r.line;
  return info;
}

}  // namespace

VerifyReport VerifyLog(const std::string& log_path,
                       const VerifyOptions& options, ChainVerifier* chain_out) {
  VerifyReport report;
  report.key_pinned = !options.pinned_keys.empty();
  const LogPaths paths = PathsForLog(log_path);
  ChainVerifier local(options.pinned_keys);
  ChainVerifier& chain = chain_out != nullptr ? *chain_out : local;

  auto segments = ListSegments(paths);
  if (!segments.ok()) {
    SetFailure(&report, FailureKind::kIo, log_path, 0,
               std::string(segments.status().message()));
    return report;
  }
  std::vector<std::pair<std::string, std::optional<uint64_t>>> files;
  for (const SegmentFile& s : *segments)
    files.emplace_back(s.path, s.first_seq);
  std::error_code ec;
  if (fs::exists(paths.active, ec))
    files.emplace_back(paths.active, std::nullopt);
  if (files.empty()) {
    SetFailure(&report, FailureKind::kMissingFile, log_path, 0,
               "no audit log here (neither the file nor rotated segments)");
    return report;
  }

  auto finish_counts = [&] {
    report.records = chain.records();
    if (chain.records() > 0) report.last_verified_seq = chain.records() - 1;
    report.checkpoints = chain.checkpoints();
    report.last_checkpoint = chain.last_checkpoint();
    report.key = chain.key();
    report.actor = chain.genesis_actor();
    report.warnings = chain.warnings();
  };

  std::optional<TornTail> torn;
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& file = files[i].first;
    report.files.push_back(file);
    if (files[i].second.has_value() && *files[i].second != chain.records()) {
      const uint64_t first = *files[i].second;
      const std::string before =
          chain.records() == 0 ? std::string("no earlier record exists")
                               : absl::StrCat("the files before it end at seq ",
                                              chain.records() - 1);
      SetFailure(
          &report, FailureKind::kSequence, file, 0,
          first > chain.records()
              ? absl::StrCat("this segment starts at seq ", first, " but ",
                             before, ": records ", chain.records(), "..",
                             first - 1,
                             " are missing (a segment was deleted or "
                             "truncated)")
              : absl::StrCat("this segment's name says seq ", first, " but ",
                             before, " (segments were renamed or overlap)"));
      report.failed_seq = chain.records();
      finish_counts();
      return report;
    }
    auto content = ReadFile(file);
    if (!content.ok()) {
      SetFailure(&report, FailureKind::kIo, file, 0,
                 std::string(content.status().message()));
      finish_counts();
      return report;
    }
    const std::string& text = *content;
    size_t pos = 0;
    uint64_t line_no = 1;
    while (pos < text.size()) {
      const size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) {
        torn = TornTail{file, line_no, pos, text.size() - pos};
        break;
      }
      std::string_view line(text.data() + pos, nl - pos);
      if (line.empty()) {
        SetFailure(&report, FailureKind::kMalformed, file, line_no,
                   "empty line (records were removed or the file was "
                   "edited)");
        finish_counts();
        return report;
      }
      Status status = chain.Add(line);
      if (!status.ok()) {
        SetFailure(&report, chain.failure_kind(), file, line_no,
                   absl::StrCat(status.message(), " [expected seq ",
                                chain.records(), "]"));
        report.failed_seq = chain.records();
        finish_counts();
        return report;
      }
      pos = nl + 1;
      ++line_no;
    }
    if (torn.has_value() && i + 1 < files.size()) {
      SetFailure(
          &report, FailureKind::kMalformed, file, torn->line,
          absl::StrCat("a rotated segment ends with an incomplete line (",
                       torn->bytes, " bytes): it was truncated"));
      finish_counts();
      return report;
    }
  }
  finish_counts();

  if (chain.records() == 0 && !torn.has_value()) {
    SetFailure(&report, FailureKind::kMissingFile, log_path, 0,
               "the log holds no record (not even its genesis)");
    return report;
  }
  if (options.expected_actor.has_value() && chain.records() > 0 &&
      chain.genesis_actor() != *options.expected_actor) {
    SetFailure(
        &report, FailureKind::kWrongKey, report.files.front(), 1,
        absl::StrCat("the log's actor '", chain.genesis_actor(),
                     "' is not the key owner '", *options.expected_actor, "'"));
    return report;
  }

  // The head file and held checkpoints must still be in the log (checked
  // before the torn tail: a torn line that held a committed record is
  // truncation, not an interrupted write).
  report.torn = torn;
  if (fs::exists(paths.head, ec)) {
    auto head = LoadHeldCheckpoint(paths.head);
    if (!head.ok()) {
      SetFailure(&report, FailureKind::kMalformed, paths.head, 0,
                 std::string(head.status().message()));
      return report;
    }
    if (!CheckHeld(*head, paths.head, chain, &report)) return report;
    report.head = InfoOf(*head);
  } else if (options.require_head && chain.records() > 0) {
    SetFailure(&report, FailureKind::kMissingFile, paths.head, 0,
               "the head file is missing, so truncation cannot be ruled out "
               "(restore it, pass a checkpoint you hold, or accept the risk "
               "explicitly)");
    return report;
  }
  for (const std::string& file : options.checkpoint_files) {
    auto held = LoadHeldCheckpoint(file);
    if (!held.ok()) {
      SetFailure(&report, FailureKind::kMalformed, file, 0,
                 std::string(held.status().message()));
      return report;
    }
    if (!CheckHeld(*held, file, chain, &report)) return report;
  }

  if (torn.has_value()) {
    SetFailure(
        &report, FailureKind::kTornTail, torn->file, torn->line,
        absl::StrCat(
            "torn last line: ", torn->bytes, " bytes at offset ", torn->offset,
            " without a newline (a write was interrupted); the log "
            "verifies through ",
            chain.records() == 0 ? std::string("no record")
                                 : absl::StrCat("seq ", chain.records() - 1)));
    return report;
  }
  report.ok = true;
  return report;
}

std::string FormatVerifyReport(const std::string& log_path,
                               const VerifyReport& report) {
  std::string out;
  if (report.ok) {
    absl::StrAppend(&out, "OK   ", log_path, ": ", report.records,
                    " records (seq 0..", report.records - 1, ") in ",
                    report.files.size(), " file(s), ", report.checkpoints,
                    " checkpoint(s)");
  } else {
    absl::StrAppend(&out, "FAIL ", log_path, ": ", report.error, " [",
                    FailureKindName(report.failure), "]");
    absl::StrAppend(&out, "\n     verified through: ",
                    report.last_verified_seq.has_value()
                        ? absl::StrCat("seq ", *report.last_verified_seq)
                        : std::string("no record"));
  }
  if (report.last_checkpoint.has_value()) {
    absl::StrAppend(
        &out, "\n     last checkpoint: seq ", report.last_checkpoint->seq,
        ", tree size ", report.last_checkpoint->tree_size, ", root ",
        report.last_checkpoint->root, " at ", report.last_checkpoint->time);
  }
  if (report.head.has_value()) {
    absl::StrAppend(&out, "\n     head file: seq ", report.head->seq);
  }
  if (report.key.has_value()) {
    absl::StrAppend(&out, "\n     key: ", Ed25519KeyId(*report.key),
                    report.key_pinned
                        ? " (pinned)"
                        : " (NOT pinned: taken from the log itself; pass "
                          "--key or --did-doc)");
  }
  if (!report.actor.empty())
    absl::StrAppend(&out, "\n     actor: ", report.actor);
  if (report.ok && report.last_checkpoint.has_value() &&
      report.records > report.last_checkpoint->seq + 1) {
    absl::StrAppend(
        &out, "\n     note: ", report.records - report.last_checkpoint->seq - 1,
        " record(s) after the last checkpoint are chained but not "
        "yet covered by a checkpoint");
  }
  for (const std::string& w : report.warnings) {
    absl::StrAppend(&out, "\n     warning: ", w);
  }
  return out;
}

}  // namespace dsfl::audit
