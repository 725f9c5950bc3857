// `dsfl audit ...` exit codes and output, through the real CLI wiring
// (cli/audit_command.cc is compiled into this test, parsed as main() does).
#include "CLI/CLI.hpp"

#include <filesystem>

#include "cli/commands.h"
#include "common/audit/audit_log.h"
#include "common/crypto/base64url.h"
#include "common/model_file.h"
#include "gtest/gtest.h"
#include "tests/testing/legacy_model_file.h"
#include "tests/unit/audit/test_util.h"

namespace dsfl::audit {
namespace {

using testing::DatasetRead;
using testing::FakeClock;
using testing::Options;
using testing::ReadFileText;
using testing::TempDir;
using testing::TestKey;
using testing::WriteFileText;

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun Dsfl(std::vector<std::string> args) {
  args.insert(args.begin(), "dsfl");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  CLI::App app{"dsfl"};
  app.require_subcommand(1);
  cli::CommandContext context;
  cli::AddAuditCommands(&app, &context);
  ::testing::internal::CaptureStdout();
  ::testing::internal::CaptureStderr();
  int code;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
    code = context.exit_code;
  } catch (const CLI::ParseError& e) {
    code = app.exit(e) == 0 ? 0 : 2;
  }
  CliRun run;
  run.code = code;
  run.out = ::testing::internal::GetCapturedStdout();
  run.err = ::testing::internal::GetCapturedStderr();
  return run;
}

class AuditCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* node : {"master", "hospital-a"}) {
      AuditLogOptions o = Options(dir_.File(std::string(node) + "/audit.jsonl"),
                                  &clock_, /*every=*/4);
      o.actor = node;
      auto log = AuditLog::Open(o, TestKey(node[0]));
      ASSERT_TRUE(log.ok());
      for (int i = 0; i < 6; ++i) {
        clock_.Advance(absl::Seconds(1));
        ASSERT_TRUE((*log)->Record(DatasetRead(i, "job-1")).ok());
      }
    }
    master_ = dir_.File("master/audit.jsonl");
    slave_ = dir_.File("hospital-a/audit.jsonl");
    master_key_ = dir_.File("master/audit.pub.pem");
    slave_key_ = dir_.File("hospital-a/audit.pub.pem");
  }

  TempDir dir_;
  FakeClock clock_;
  std::string master_, slave_, master_key_, slave_key_;
};

TEST_F(AuditCliTest, VerifyExitCodes) {
  CliRun ok = Dsfl({"audit", "verify", master_, slave_, "--key", master_key_,
                    "--key", slave_key_});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("OK   " + master_), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("(pinned)"), std::string::npos) << ok.out;

  // The wrong pinned key (keys swapped).
  CliRun swapped = Dsfl({"audit", "verify", master_, slave_, "--key",
                         slave_key_, "--key", master_key_});
  EXPECT_EQ(swapped.code, 1);
  EXPECT_NE(swapped.out.find("[wrong-key]"), std::string::npos) << swapped.out;

  // Unpinned passes but says so.
  CliRun unpinned = Dsfl({"audit", "verify", master_});
  EXPECT_EQ(unpinned.code, 0);
  EXPECT_NE(unpinned.out.find("NOT pinned"), std::string::npos);

  // A changed byte: exit 1 naming file, line and reason.
  std::string text = ReadFileText(slave_);
  const size_t at = text.find("\"rows\":3");
  ASSERT_NE(at, std::string::npos);
  text[at + 7] = '4';
  WriteFileText(slave_, text);
  CliRun bad = Dsfl({"audit", "verify", slave_, "--key", slave_key_});
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("FAIL " + slave_), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("hash mismatch"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("verified through: seq"), std::string::npos);

  CliRun json =
      Dsfl({"audit", "verify", "--json", slave_, "--key", slave_key_});
  EXPECT_EQ(json.code, 1);
  auto report = nlohmann::json::parse(json.out);
  EXPECT_EQ(report["ok"], false);
  EXPECT_EQ(report["failure"], "hash-mismatch");
}

TEST_F(AuditCliTest, VerifyUsageErrors) {
  EXPECT_EQ(Dsfl({"audit", "verify"}).code, 2);
  EXPECT_EQ(
      Dsfl({"audit", "verify", master_, "--key", "/nonexistent.pem"}).code, 2);
  EXPECT_EQ(Dsfl({"audit", "verify", master_, slave_, master_, "--key",
                  master_key_, "--key", slave_key_})
                .code,
            2);
  EXPECT_EQ(Dsfl({"audit", "verify", master_, "--key", master_key_, "--did-doc",
                  master_key_})
                .code,
            2);
  EXPECT_EQ(Dsfl({"audit", "bogus"}).code, 2);
  // A log that does not exist is a failed verification, not a usage error.
  EXPECT_EQ(Dsfl({"audit", "verify", dir_.File("none.jsonl")}).code, 1);
}

TEST_F(AuditCliTest, VerifyWithDidDocument) {
  auto pub = crypto::Ed25519PublicKeyFromPem(ReadFileText(slave_key_));
  ASSERT_TRUE(pub.ok());
  nlohmann::json doc = {
      {"id", "did:web:hospital-a.example"},
      {"verificationMethod",
       {{{"id", "#audit"},
         {"type", "JsonWebKey2020"},
         {"publicKeyJwk",
          {{"kty", "OKP"},
           {"crv", "Ed25519"},
           {"x", crypto::Base64UrlEncode(std::string(
                     reinterpret_cast<const char*>(pub->data()), 32))}}}}}}};
  WriteFileText(dir_.File("did.json"), doc.dump());
  CliRun ok =
      Dsfl({"audit", "verify", slave_, "--did-doc", dir_.File("did.json")});
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  CliRun wrong =
      Dsfl({"audit", "verify", master_, "--did-doc", dir_.File("did.json")});
  EXPECT_EQ(wrong.code, 1) << wrong.out;
}

TEST_F(AuditCliTest, HeldCheckpointCatchesTruncation) {
  // The auditor kept master's head; later the log is cut and the head
  // deleted.
  const std::string kept = dir_.File("kept-master.json");
  WriteFileText(kept, ReadFileText(dir_.File("master/audit.head.json")));
  CliRun before =
      Dsfl({"audit", "verify", master_, slave_, "--checkpoint", kept});
  EXPECT_EQ(before.code, 0) << before.out;
  std::vector<std::string> lines = testing::ReadLines(master_);
  lines.resize(4);  // before the first checkpoint
  testing::WriteLines(master_, lines);
  std::filesystem::remove(dir_.File("master/audit.head.json"));
  CliRun missing = Dsfl({"audit", "verify", master_});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.out.find("[missing-file]"), std::string::npos)
      << missing.out;
  CliRun after = Dsfl({"audit", "verify", master_, slave_, "--checkpoint", kept,
                       "--allow-missing-head"});
  EXPECT_EQ(after.code, 1);
  EXPECT_NE(after.out.find("[truncated]"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("OK   " + slave_), std::string::npos) << after.out;
  // A checkpoint of a node whose log is not given.
  EXPECT_EQ(Dsfl({"audit", "verify", slave_, dir_.File("none.jsonl"),
                  "--checkpoint", kept})
                .code,
            1);
}

TEST_F(AuditCliTest, TornTailExitsOne) {
  std::string text = ReadFileText(slave_);
  WriteFileText(slave_, text + "{\"actor\":\"hosp");
  CliRun torn = Dsfl({"audit", "verify", slave_, "--key", slave_key_});
  EXPECT_EQ(torn.code, 1);
  EXPECT_NE(torn.out.find("torn last line"), std::string::npos) << torn.out;
  EXPECT_NE(torn.out.find("[torn-tail]"), std::string::npos) << torn.out;
}

TEST_F(AuditCliTest, ShowJoinsLogs) {
  CliRun show = Dsfl({"audit", "show", master_, slave_, "--job", "job-1"});
  EXPECT_EQ(show.code, 0) << show.err;
  EXPECT_NE(show.out.find("── job job-1 ──"), std::string::npos) << show.out;
  // Ordered by time then node: hospital-a's record at second 7 comes after
  // master's at second 6.
  const size_t m = show.out.find("master      dataset.read");
  const size_t h = show.out.find("hospital-a  dataset.read");
  ASSERT_NE(m, std::string::npos) << show.out;
  ASSERT_NE(h, std::string::npos) << show.out;
  EXPECT_LT(m, h);
  CliRun json =
      Dsfl({"audit", "show", master_, "--json", "--event", "dataset.*"});
  EXPECT_EQ(json.code, 0);
  EXPECT_EQ(std::count(json.out.begin(), json.out.end(), '\n'), 6);
  EXPECT_EQ(Dsfl({"audit", "show", master_, "--since", "tomorrow"}).code, 2);
  // A damaged log is still shown, with a warning and exit 1.
  std::vector<std::string> lines = testing::ReadLines(master_);
  lines.erase(lines.begin() + 2);
  testing::WriteLines(master_, lines);
  CliRun damaged = Dsfl({"audit", "show", master_});
  EXPECT_EQ(damaged.code, 1);
  EXPECT_NE(damaged.err.find("does not verify"), std::string::npos);
}

TEST_F(AuditCliTest, ProveAndVerifyProof) {
  CliRun prove = Dsfl({"audit", "prove", master_, "--seq", "2"});
  ASSERT_EQ(prove.code, 0) << prove.err;
  auto proof = nlohmann::json::parse(prove.out);
  EXPECT_EQ(proof["type"], "dsfl-audit/inclusion-proof");
  WriteFileText(dir_.File("proof.json"), prove.out);
  CliRun check = Dsfl(
      {"audit", "verify-proof", dir_.File("proof.json"), "--key", master_key_});
  EXPECT_EQ(check.code, 0) << check.out;
  EXPECT_NE(check.out.find("record seq 2"), std::string::npos) << check.out;
  CliRun other = Dsfl(
      {"audit", "verify-proof", dir_.File("proof.json"), "--key", slave_key_});
  EXPECT_EQ(other.code, 1);
  proof["record"]["details"]["rows"] = 77;
  WriteFileText(dir_.File("bad.json"), proof.dump());
  EXPECT_EQ(Dsfl({"audit", "verify-proof", dir_.File("bad.json")}).code, 1);

  CliRun consistency = Dsfl({"audit", "prove", master_, "--from-size", "3"});
  ASSERT_EQ(consistency.code, 0) << consistency.err;
  WriteFileText(dir_.File("c.json"), consistency.out);
  EXPECT_EQ(Dsfl({"audit", "verify-proof", dir_.File("c.json")}).code, 0);

  // The latest checkpoint is not covered by any checkpoint itself.
  auto report =
      nlohmann::json::parse(Dsfl({"audit", "verify", "--json", master_}).out);
  const std::string last =
      std::to_string(report["last_checkpoint"]["seq"].get<uint64_t>());
  EXPECT_EQ(Dsfl({"audit", "prove", master_, "--seq", last}).code, 1);
  EXPECT_EQ(Dsfl({"audit", "prove", master_}).code, 2);
  EXPECT_EQ(
      Dsfl({"audit", "prove", master_, "--seq", "1", "--from-size", "2"}).code,
      2);
}

// `dsfl audit model-digest`: the digest the records' *_digest fields hold,
// of a model file (after checking it against its own metadata) or a raw
// payload; the raw payload's value is the golden one of
// tests/unit/core/tree_digest_test.cc (Python hashlib, RFC 9162).
TEST_F(AuditCliTest, ModelDigestOfFilesAndPayloads) {
  const std::string raw = dir_.File("payload.bin");
  std::string payload(4 * 65536 + 5, '\0');
  for (size_t i = 0; i < payload.size(); ++i) {
    payload[i] = static_cast<char>(i * 31 + 7);
  }
  WriteFileText(raw, payload);
  CliRun printed = Dsfl({"audit", "model-digest", raw});
  ASSERT_EQ(printed.code, 0) << printed.err;
  EXPECT_EQ(printed.out,
            "265e792033669d54394a1dcf9518f3180eaa2308713b2e81bb925d0641baceae"
            "  " +
                raw + "\n");

  FlatModel model{ModelSpec({{"w", {3, 70000}, DType::kFloat32}}), {}};
  model.values.resize(210000);
  for (size_t i = 0; i < model.values.size(); ++i) model.values[i] = 0.5f * i;
  const HashedModel hashed(std::move(model));
  const std::string file = dir_.File("final.model");
  ASSERT_TRUE(WriteModelFile(file, hashed, {{"job", "job-1"}}).ok());
  printed = Dsfl({"audit", "model-digest", file});
  ASSERT_EQ(printed.code, 0) << printed.err;
  EXPECT_EQ(printed.out, hashed.digest_hex() + "  " + file + "\n");

  // One payload byte changed: the file no longer matches its metadata.
  std::string bytes = ReadFileText(file);
  bytes[bytes.size() - 3] ^= 0x01;
  WriteFileText(file, bytes);
  CliRun tampered = Dsfl({"audit", "model-digest", file});
  EXPECT_EQ(tampered.code, 1);
  EXPECT_NE(tampered.err.find("differs from the metadata"), std::string::npos)
      << tampered.err;

  EXPECT_EQ(Dsfl({"audit", "model-digest", dir_.File("missing")}).code, 2);

  // Damaged in another way (truncated): 1, and the error names the file.
  const std::string truncated = dir_.File("truncated.model");
  WriteFileText(truncated, ReadFileText(file).substr(0, 100));
  CliRun cut = Dsfl({"audit", "model-digest", truncated});
  EXPECT_EQ(cut.code, 1);
  EXPECT_NE(cut.err.find(truncated), std::string::npos) << cut.err;

  // A file from before model digests were trees: still verified (by its
  // plain SHA-256), the model digest printed, and a note saying so.
  const std::string legacy = dir_.File("legacy.model");
  dsfl::testing::WriteLegacyModelFile(legacy, hashed.model(), {});
  CliRun old = Dsfl({"audit", "model-digest", legacy});
  ASSERT_EQ(old.code, 0) << old.err;
  EXPECT_EQ(old.out, hashed.digest_hex() + "  " + legacy + "\n");
  EXPECT_NE(old.err.find("written before model digests were trees"),
            std::string::npos)
      << old.err;
}

}  // namespace
}  // namespace dsfl::audit
