#include "common/audit/auditor_commands.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/audit/did_keys.h"
#include "common/audit/log_paths.h"
#include "common/audit/node_key.h"
#include "common/audit/proof.h"
#include "common/audit/record.h"
#include "common/audit/timeline.h"
#include "common/audit/verifier.h"
#include "common/model_file.h"
#include "common/tree_digest.h"

namespace dsfl::audit {
namespace {

using Json = nlohmann::json;

constexpr int kValid = 0;
constexpr int kInvalid = 1;
constexpr int kUsage = 2;

// The actor of a log's first record (to match DID documents), or "".
std::string GenesisActor(const std::string& log) {
  auto files = ListLogFiles(PathsForLog(log));
  if (!files.ok() || files->empty()) return "";
  std::ifstream in(files->front(), std::ios::binary);
  std::string line;
  if (!std::getline(in, line)) return "";
  auto record = ParseRecordLine(line);
  return record.ok() ? record->record.actor : "";
}

StatusOr<std::vector<crypto::Ed25519PublicKey>> LoadKeys(
    const std::vector<std::string>& files) {
  std::vector<crypto::Ed25519PublicKey> keys;
  for (const std::string& f : files) {
    DSFL_ASSIGN_OR_RETURN(crypto::Ed25519PublicKey key, ReadPublicKeyFile(f));
    keys.push_back(key);
  }
  return keys;
}

Json ReportJson(const std::string& log, const VerifyReport& r) {
  Json j = {{"log", log},
            {"ok", r.ok},
            {"failure", FailureKindName(r.failure)},
            {"error", r.error},
            {"records", r.records},
            {"files", r.files},
            {"checkpoints", r.checkpoints},
            {"key_pinned", r.key_pinned},
            {"actor", r.actor},
            {"warnings", r.warnings}};
  j["last_verified_seq"] = r.last_verified_seq.has_value()
                               ? Json(*r.last_verified_seq)
                               : Json(nullptr);
  j["failed_seq"] =
      r.failed_seq.has_value() ? Json(*r.failed_seq) : Json(nullptr);
  j["key_id"] = r.key.has_value() ? Json(Ed25519KeyId(*r.key)) : Json(nullptr);
  if (r.last_checkpoint.has_value()) {
    j["last_checkpoint"] = {{"seq", r.last_checkpoint->seq},
                            {"tree_size", r.last_checkpoint->tree_size},
                            {"root", r.last_checkpoint->root},
                            {"time", r.last_checkpoint->time}};
  } else {
    j["last_checkpoint"] = nullptr;
  }
  j["head_seq"] = r.head.has_value() ? Json(r.head->seq) : Json(nullptr);
  if (r.torn.has_value()) {
    j["torn"] = {{"file", r.torn->file},
                 {"line", r.torn->line},
                 {"offset", r.torn->offset},
                 {"bytes", r.torn->bytes}};
  } else {
    j["torn"] = nullptr;
  }
  return j;
}

}  // namespace

int RunAuditVerify(const VerifyCommandArgs& args, std::ostream& out,
                   std::ostream& err) {
  if (args.logs.empty()) {
    err << "dsfl audit verify: give at least one LOG\n";
    return kUsage;
  }
  if (!args.keys.empty() && !args.did_docs.empty()) {
    err << "dsfl audit verify: use --key or --did-doc, not both\n";
    return kUsage;
  }
  if (!args.keys.empty() && args.keys.size() != 1 &&
      args.keys.size() != args.logs.size()) {
    err << "dsfl audit verify: give one --key for all logs or one per LOG ("
        << args.logs.size() << " logs, " << args.keys.size() << " keys)\n";
    return kUsage;
  }
  auto keys = LoadKeys(args.keys);
  if (!keys.ok()) {
    err << "dsfl audit verify: " << keys.status().message() << "\n";
    return kUsage;
  }
  std::vector<DidKeys> docs;
  for (const std::string& path : args.did_docs) {
    auto doc = ReadDidDocumentKeys(path);
    if (!doc.ok()) {
      err << "dsfl audit verify: " << doc.status().message() << "\n";
      return kUsage;
    }
    docs.push_back(*doc);
  }

  // Held checkpoints go to the log of the same actor.
  std::vector<std::string> actors;
  for (const std::string& log : args.logs) actors.push_back(GenesisActor(log));
  std::vector<std::vector<std::string>> held(args.logs.size());
  int exit_code = kValid;
  for (const std::string& file : args.checkpoints) {
    auto checkpoint = LoadHeldCheckpoint(file);
    if (!checkpoint.ok()) {
      err << "dsfl audit verify: " << checkpoint.status().message() << "\n";
      return kUsage;
    }
    bool matched = false;
    for (size_t i = 0; i < args.logs.size(); ++i) {
      if (args.logs.size() == 1 || actors[i] == checkpoint->record.actor) {
        held[i].push_back(file);
        matched = true;
      }
    }
    if (!matched) {
      out << "FAIL " << file << ": a checkpoint of '"
          << checkpoint->record.actor << "', whose log is not among the LOGs\n";
      exit_code = kInvalid;
    }
  }
  for (size_t i = 0; i < args.logs.size(); ++i) {
    const std::string& log = args.logs[i];
    VerifyOptions options;
    options.checkpoint_files = held[i];
    options.require_head = !args.allow_missing_head;
    if (!keys->empty()) {
      options.pinned_keys = {keys->size() == 1 ? keys->front() : (*keys)[i]};
    }
    std::string note;
    if (!docs.empty()) {
      const std::string& actor = actors[i];
      const DidKeys* doc = docs.size() == 1 ? &docs.front() : nullptr;
      for (const DidKeys& d : docs) {
        if (d.did == actor) doc = &d;
      }
      if (doc == nullptr) {
        out << "FAIL " << log << ": no --did-doc for the log's actor '" << actor
            << "'\n";
        exit_code = kInvalid;
        continue;
      }
      for (const DidEd25519Key& k : doc->keys) {
        options.pinned_keys.push_back(k.key);
      }
      if (absl::StartsWith(actor, "did:")) {
        options.expected_actor = doc->did;
      } else {
        note = absl::StrCat("\n     note: the actor '", actor,
                            "' is not a DID; only the key was matched to ",
                            doc->did);
      }
    }
    VerifyReport report = VerifyLog(log, options);
    if (args.json) {
      out << ReportJson(log, report).dump() << "\n";
    } else {
      out << FormatVerifyReport(log, report) << note << "\n";
    }
    if (!report.ok) exit_code = kInvalid;
  }
  return exit_code;
}

int RunAuditShow(const ShowCommandArgs& args, std::ostream& out,
                 std::ostream& err) {
  if (args.logs.empty()) {
    err << "dsfl audit show: give at least one LOG\n";
    return kUsage;
  }
  TimelineFilter filter;
  filter.job = args.job;
  filter.event = args.event;
  filter.include_log_events = args.all;
  if (!args.since.empty()) {
    auto since = ParseSince(args.since);
    if (!since.ok()) {
      err << "dsfl audit show: " << since.status().message() << "\n";
      return kUsage;
    }
    filter.since = *since;
  }
  int exit_code = kValid;
  for (const std::string& log : args.logs) {
    VerifyReport report = VerifyLog(log, VerifyOptions());
    if (!report.ok) {
      err << "WARNING: " << log << " does not verify: " << report.error << " ["
          << FailureKindName(report.failure)
          << "]; its records are shown but are not trustworthy\n";
      exit_code = kInvalid;
    } else if (!report.key_pinned) {
      // Unpinned by design here: `dsfl audit verify --key` pins.
    }
  }
  auto timeline = LoadTimeline(args.logs);
  if (!timeline.ok()) {
    err << "dsfl audit show: " << timeline.status().message() << "\n";
    return kInvalid;
  }
  std::vector<TimelineEntry> entries = SelectTimeline(*timeline, filter);
  out << (args.json ? FormatTimelineJson(entries)
                    : FormatTimelineText(entries));
  if (timeline->skipped_lines > 0) {
    err << "note: " << timeline->skipped_lines
        << " line(s) could not be read as records and were skipped\n";
  }
  return exit_code;
}

int RunAuditProve(const ProveCommandArgs& args, std::ostream& out,
                  std::ostream& err) {
  if (args.seq.has_value() == args.from_size.has_value()) {
    err << "dsfl audit prove: give exactly one of --seq N (inclusion) and "
           "--from-size M (consistency)\n";
    return kUsage;
  }
  auto keys = LoadKeys(args.keys);
  if (!keys.ok()) {
    err << "dsfl audit prove: " << keys.status().message() << "\n";
    return kUsage;
  }
  VerifyOptions options;
  options.pinned_keys = *keys;
  auto proof = args.seq.has_value()
                   ? BuildInclusionProof(args.log, *args.seq, options)
                   : BuildConsistencyProof(args.log, *args.from_size, options);
  if (!proof.ok()) {
    err << "dsfl audit prove: " << args.log << ": " << proof.status().message()
        << "\n";
    return proof.status().code() == absl::StatusCode::kInvalidArgument
               ? kUsage
               : kInvalid;
  }
  // Never print a proof that does not check out.
  auto check = VerifyProof(*proof, *keys);
  if (!check.ok()) {
    err << "dsfl audit prove: internal error, the proof does not verify: "
        << check.status().message() << "\n";
    return kInvalid;
  }
  out << proof->dump(2) << "\n";
  return kValid;
}

int RunAuditVerifyProof(const VerifyProofCommandArgs& args, std::ostream& out,
                        std::ostream& err) {
  auto keys = LoadKeys(args.keys);
  if (!keys.ok()) {
    err << "dsfl audit verify-proof: " << keys.status().message() << "\n";
    return kUsage;
  }
  std::ifstream in(args.proof_file, std::ios::binary);
  if (!in) {
    err << "dsfl audit verify-proof: cannot open " << args.proof_file << "\n";
    return kUsage;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  Json proof;
  try {
    proof = Json::parse(buffer.str());
  } catch (const Json::exception& e) {
    out << "FAIL " << args.proof_file << ": not JSON: " << e.what() << "\n";
    return kInvalid;
  }
  auto check = VerifyProof(proof, *keys);
  if (!check.ok()) {
    out << "FAIL " << args.proof_file << ": " << check.status().message()
        << "\n";
    return kInvalid;
  }
  out << "OK   " << args.proof_file << ": " << check->summary
      << (check->key_pinned ? " (key pinned)"
                            : " (key NOT pinned: taken from the proof; pass "
                              "--key)")
      << "\n";
  return kValid;
}

int RunAuditModelDigest(const std::vector<std::string>& files,
                        std::ostream& out, std::ostream& err) {
  int exit_code = 0;
  for (const std::string& path : files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      err << path << ": cannot be read\n";
      exit_code = 2;
      continue;
    }
    char magic[8] = {};
    in.read(magic, sizeof(magic));
    if (in.gcount() == sizeof(magic) &&
        std::string_view(magic, sizeof(magic)) == "DSFLMDL1") {
      auto file = ReadModelFile(path);  // checks the payload's digest
      if (!file.ok()) {
        const std::string message(file.status().message());
        err << (absl::StartsWith(message, path) ? "" : path + ": ") << message
            << "\n";
        exit_code = std::max(
            exit_code,
            file.status().code() == absl::StatusCode::kNotFound ? 2 : 1);
        continue;
      }
      if (file->legacy) {
        err << path
            << ": written before model digests were trees; its metadata's "
               "sha256 (plain SHA-256, verified) is what records of that "
               "time name *_sha256\n";
      }
      // ReadModelFile verified the file's own digest; a legacy file's is
      // SHA-256, so its model digest is computed here.
      out << (file->legacy ? ModelDigestHex(file->model) : file->digest) << "  "
          << path << "\n";
      continue;
    }
    in.clear();
    in.seekg(0);
    TreeDigest digest;
    std::vector<char> buffer(1 << 20);
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      digest.Update(buffer.data(), static_cast<size_t>(in.gcount()));
    }
    if (in.bad()) {
      err << path << ": read error\n";
      exit_code = 2;
      continue;
    }
    out << ToHex(digest.Finish()) << "  " << path << "\n";
  }
  return exit_code;
}

}  // namespace dsfl::audit
