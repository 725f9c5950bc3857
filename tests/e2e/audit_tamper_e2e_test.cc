// Every tamper class of issue #4 on audit logs made by a real run: two
// dsfl-slave processes and a dsfl-master that runs a DeepSurv training job
// and then an exact Cox analysis job (so the logs hold training rounds,
// dataset reads, analytics queries, query rounds and the report). The
// master's and a hospital's logs are then edited on copies and checked
// with the node's pinned key: in process for every record (each changed
// byte, each deleted line, each duplicated line, each swapped pair), and
// through the real `dsfl audit verify --key` process for one case of each
// class, whose exit code (0 valid, 1 invalid) and reason are asserted.
#include <cstdio>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/audit/record.h"
#include "common/model_file.h"
#include "common/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/audit_e2e_util.h"
#include "tests/e2e/e2e_env.h"

namespace dsfl::e2e {
namespace {

namespace fs = std::filesystem;
using audit::FailureKind;
using ::testing::AnyOf;
using ::testing::HasSubstr;

const std::vector<std::string> kHospitals = {"hospital-a", "hospital-b"};

// A node's log after the run: where it is, its public key, its lines.
struct NodeLog {
  std::string name;
  std::string log;  // <dir>/audit.jsonl
  std::string head;
  std::string pub;  // audit.pub.pem
  crypto::Ed25519PublicKey key{};
  std::vector<std::string> lines;
  std::string head_text;
};

class AuditTamperE2eTest : public ::testing::Test {
 protected:
  // One real run for the whole suite (a few seconds); the tests only read
  // its logs and edit copies.
  static void SetUpTestSuite() {
    env_ = new E2eEnv();
    for (size_t i = 0; i < kHospitals.size(); ++i) {
      env_->Issue(kHospitals[i]);
      env_->StartSlave(kHospitals[i], static_cast<int>(i));
    }
    std::vector<nlohmann::json> lines;
    std::string output;
    nlohmann::json training = env_->Job(kHospitals, 2, 1, 2);
    training["job_id"] = "tamper-train";
    run_ok_ = env_->RunMaster(training, &lines, &output) == 0;
    if (!run_ok_) {
      run_error_ = "training job: " + output;
      return;
    }
    // The analysis job continues the master's log in the same directory.
    nlohmann::json analysis = AnalysisJob(
        *env_, kHospitals, "tamper-cox",
        {{"type", "cox"}, {"covariates", {"age", "sex", "ph.ecog"}}},
        env_->Path("master-out"));
    run_ok_ = env_->RunMaster(analysis, &lines, &output) == 0;
    if (!run_ok_) {
      run_error_ = "analysis job: " + output;
      return;
    }
    for (const std::string& name : kHospitals) {
      // A clean stop writes node.stop and the closing checkpoint.
      if (env_->slave(name)->Stop(absl::Seconds(20)) != 0) {
        run_ok_ = false;
        run_error_ = name + " did not stop cleanly: " + env_->SlaveLog(name);
        return;
      }
    }
  }
  static void TearDownTestSuite() {
    delete env_;
    env_ = nullptr;
  }

  void SetUp() override { ASSERT_TRUE(run_ok_) << run_error_; }

  static NodeLog Node(const std::string& dir_name) {
    NodeLog node;
    node.name = dir_name;
    const std::string dir = env_->Path(dir_name);
    node.log = dir + "/audit.jsonl";
    node.head = dir + "/audit.head.json";
    node.pub = dir + "/audit.pub.pem";
    node.key = LoadPublicKey(node.pub);
    FileLines lines = ReadLines(node.log);
    EXPECT_TRUE(lines.tail.empty());
    node.lines = lines.lines;
    node.head_text = E2eEnv::ReadFile(node.head);
    return node;
  }
  // The master's log and hospital-a's.
  static std::vector<NodeLog> Nodes() {
    return {Node("master-out"), Node("hospital-a")};
  }

  // A fresh copy of `node`'s log with `lines` (+ `tail`) and its head file
  // (or `head_text`); returns the copy's path.
  static std::string Copy(const NodeLog& node,
                          const std::vector<std::string>& lines,
                          const std::string& tail = "",
                          const std::string* head_text = nullptr) {
    const std::string dir = env_->Path("tamper/" + node.name);
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    WriteLines(dir + "/audit.jsonl", lines, tail);
    EXPECT_TRUE(WriteFileAtomically(dir + "/audit.head.json",
                                    head_text ? *head_text : node.head_text)
                    .ok());
    return dir + "/audit.jsonl";
  }

  static E2eEnv* env_;
  static bool run_ok_;
  static std::string run_error_;
};

E2eEnv* AuditTamperE2eTest::env_ = nullptr;
bool AuditTamperE2eTest::run_ok_ = false;
std::string AuditTamperE2eTest::run_error_;

std::vector<std::string> Events(const NodeLog& node) {
  std::vector<std::string> events;
  for (const std::string& line : node.lines) {
    auto r = audit::ParseRecordLine(line);
    events.push_back(r.ok() ? r->record.event : "?");
  }
  return events;
}

TEST_F(AuditTamperE2eTest, TheRunsLogsHoldTheStoryAndVerify) {
  for (const NodeLog& node : Nodes()) {
    SCOPED_TRACE(node.name);
    CliResult cli = RunAuditVerify(*env_, node.log, node.pub);
    EXPECT_EQ(cli.exit_code, 0) << cli.output;
    EXPECT_THAT(cli.output, HasSubstr("OK"));
    EXPECT_THAT(cli.output, HasSubstr("(pinned)"));
    EXPECT_GE(node.lines.size(), 10u);
  }
  const std::vector<std::string> master = Events(Node("master-out"));
  const std::vector<std::string> slave = Events(Node("hospital-a"));
  auto count = [](const std::vector<std::string>& v, const char* e) {
    return std::count(v.begin(), v.end(), e);
  };
  EXPECT_EQ(count(master, "job.submitted"), 2);
  EXPECT_EQ(count(master, "round.completed"), 2);
  EXPECT_EQ(count(master, "model.final"), 1);
  EXPECT_GE(count(master, "analysis.round"), 3);
  EXPECT_EQ(count(master, "analysis.report"), 1);
  EXPECT_GE(count(slave, "round.participation"), 2);
  EXPECT_GE(count(slave, "dataset.read"), 2);
  EXPECT_EQ(count(slave, "analytics.query"), count(master, "analysis.round"));
  EXPECT_EQ(count(slave, "node.stop"), 1);
  EXPECT_EQ(slave.back(), "log.checkpoint");

  // The report's digest in the master's log is that of analysis.json.
  for (const std::string& line : Node("master-out").lines) {
    auto r = audit::ParseRecordLine(line);
    ASSERT_TRUE(r.ok());
    if (r->record.event != "analysis.report") continue;
    EXPECT_EQ(r->record.details.at("report_sha256"),
              Sha256::HexOf(
                  E2eEnv::ReadFile(env_->Path("master-out/analysis.json"))));
  }
}

TEST_F(AuditTamperE2eTest, OneChangedByteInEveryRecordFails) {
  for (const NodeLog& node : Nodes()) {
    SCOPED_TRACE(node.name);
    const std::string copy = Copy(node, node.lines);
    size_t cases = 0;
    for (size_t i = 0; i < node.lines.size(); ++i) {
      const std::string& line = node.lines[i];
      // Bytes all along the record (every 23rd, and the last one): keys,
      // values, the hash, the signature, the punctuation.
      std::vector<size_t> positions;
      for (size_t at = i % 23; at < line.size(); at += 23) {
        positions.push_back(at);
      }
      positions.push_back(line.size() - 1);
      for (size_t at : positions) {
        std::vector<std::string> lines = node.lines;
        lines[i][at] = static_cast<char>(lines[i][at] ^ 0x01);
        WriteLines(copy, lines);
        audit::VerifyReport r = VerifyPinned(copy, node.key);
        ASSERT_FALSE(r.ok) << "record " << i << " byte " << at
                           << " changed, yet the log verifies";
        EXPECT_THAT(r.failure,
                    AnyOf(FailureKind::kMalformed, FailureKind::kHashMismatch,
                          FailureKind::kSignature))
            << r.error;
        EXPECT_EQ(r.line, i + 1) << r.error;
        ++cases;
      }
    }
    EXPECT_GT(cases, 5 * node.lines.size());
    std::printf("%s: %zu records, %zu changed-byte cases, all caught\n",
                node.name.c_str(), node.lines.size(), cases);
    // Through the CLI: the first, a middle and the last record.
    for (size_t i : {size_t{0}, node.lines.size() / 2, node.lines.size() - 1}) {
      std::vector<std::string> lines = node.lines;
      const size_t at = lines[i].find("\"seq\":") + 6;  // a digit of seq
      lines[i][at] = lines[i][at] == '9' ? '8' : '9';
      WriteLines(copy, lines);
      CliResult cli = RunAuditVerify(*env_, copy, node.pub);
      EXPECT_EQ(cli.exit_code, 1) << cli.output;
      EXPECT_THAT(cli.output, HasSubstr("FAIL"));
      EXPECT_THAT(cli.output, HasSubstr(absl::StrCat(":", i + 1, ":")));
      EXPECT_THAT(cli.output, HasSubstr("[hash-mismatch]"));
    }
  }
}

TEST_F(AuditTamperE2eTest, DeletingAnyLineFails) {
  for (const NodeLog& node : Nodes()) {
    SCOPED_TRACE(node.name);
    std::string copy;
    for (size_t i = 0; i < node.lines.size(); ++i) {
      std::vector<std::string> lines = node.lines;
      lines.erase(lines.begin() + static_cast<long>(i));
      copy = Copy(node, lines);
      audit::VerifyReport r = VerifyPinned(copy, node.key);
      ASSERT_FALSE(r.ok) << "deleting line " << i + 1 << " went unnoticed";
      // The last line is the head's closing checkpoint: truncation.
      EXPECT_EQ(r.failure, i + 1 == node.lines.size() ? FailureKind::kTruncated
                                                      : FailureKind::kSequence)
          << r.error;
    }
    std::vector<std::string> lines = node.lines;
    lines.erase(lines.begin() + 3);
    copy = Copy(node, lines);
    CliResult cli = RunAuditVerify(*env_, copy, node.pub);
    EXPECT_EQ(cli.exit_code, 1) << cli.output;
    EXPECT_THAT(cli.output, HasSubstr("[sequence]"));
    EXPECT_THAT(cli.output, HasSubstr("verified through: seq 2"));
  }
}

TEST_F(AuditTamperE2eTest, InsertingACopiedLineFails) {
  for (const NodeLog& node : Nodes()) {
    SCOPED_TRACE(node.name);
    const std::string copy = Copy(node, node.lines);
    for (size_t i = 0; i < node.lines.size(); ++i) {
      // A copy of record i right after it, and a copy of record i at the
      // end (a replayed record).
      std::vector<std::string> lines = node.lines;
      lines.insert(lines.begin() + static_cast<long>(i) + 1, node.lines[i]);
      WriteLines(copy, lines);
      audit::VerifyReport r = VerifyPinned(copy, node.key);
      ASSERT_FALSE(r.ok) << "line " << i + 1 << " duplicated unnoticed";
      EXPECT_EQ(r.failure, FailureKind::kSequence) << r.error;
      EXPECT_EQ(r.line, i + 2);
      lines = node.lines;
      lines.push_back(node.lines[i]);
      WriteLines(copy, lines);
      r = VerifyPinned(copy, node.key);
      ASSERT_FALSE(r.ok) << "line " << i + 1 << " replayed unnoticed";
      EXPECT_EQ(r.failure, FailureKind::kSequence) << r.error;
    }
    std::vector<std::string> lines = node.lines;
    lines.insert(lines.begin() + 5, node.lines[2]);
    WriteLines(copy, lines);
    CliResult cli = RunAuditVerify(*env_, copy, node.pub);
    EXPECT_EQ(cli.exit_code, 1) << cli.output;
    EXPECT_THAT(cli.output, HasSubstr("[sequence]"));
    EXPECT_THAT(cli.output, HasSubstr("audit.jsonl:6:"));
  }
}

TEST_F(AuditTamperE2eTest, SwappingAdjacentRecordsFails) {
  for (const NodeLog& node : Nodes()) {
    SCOPED_TRACE(node.name);
    const std::string copy = Copy(node, node.lines);
    for (size_t i = 0; i + 1 < node.lines.size(); ++i) {
      std::vector<std::string> lines = node.lines;
      std::swap(lines[i], lines[i + 1]);
      WriteLines(copy, lines);
      audit::VerifyReport r = VerifyPinned(copy, node.key);
      ASSERT_FALSE(r.ok) << "lines " << i + 1 << "/" << i + 2
                         << " swapped unnoticed";
      EXPECT_EQ(r.failure, FailureKind::kSequence) << r.error;
      EXPECT_EQ(r.line, i + 1);
    }
    std::vector<std::string> lines = node.lines;
    std::swap(lines[4], lines[5]);
    WriteLines(copy, lines);
    CliResult cli = RunAuditVerify(*env_, copy, node.pub);
    EXPECT_EQ(cli.exit_code, 1) << cli.output;
    EXPECT_THAT(cli.output, HasSubstr("[sequence]"));
  }
}

TEST_F(AuditTamperE2eTest, TruncationBehindTheLastCheckpointFails) {
  for (const NodeLog& node : Nodes()) {
    SCOPED_TRACE(node.name);
    const size_t n = node.lines.size();
    // Cut back to half the log, and to just before the head's checkpoint.
    for (size_t keep : {n / 2, n - 1}) {
      std::vector<std::string> lines(node.lines.begin(),
                                     node.lines.begin() + keep);
      const std::string copy = Copy(node, lines);
      CliResult cli = RunAuditVerify(*env_, copy, node.pub);
      EXPECT_EQ(cli.exit_code, 1) << cli.output;
      EXPECT_THAT(cli.output, HasSubstr("[truncated]"));
      EXPECT_THAT(cli.output, HasSubstr(absl::StrCat("up to seq ", n - 1)));
      EXPECT_THAT(cli.output,
                  HasSubstr(absl::StrCat("log ends at seq ", keep - 1)));
    }
  }
}

TEST_F(AuditTamperE2eTest, ATornLastLineIsReportedAsTorn) {
  for (const NodeLog& node : Nodes()) {
    SCOPED_TRACE(node.name);
    const size_t n = node.lines.size();
    // An interrupted append: half a record after the last one.
    const std::string half = node.lines[n / 2].substr(0, 57);
    std::string copy = Copy(node, node.lines, half);
    audit::VerifyReport r = VerifyPinned(copy, node.key);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.failure, FailureKind::kTornTail) << r.error;
    ASSERT_TRUE(r.torn.has_value());
    EXPECT_EQ(r.torn->bytes, 57u);
    EXPECT_EQ(r.last_verified_seq, n - 1);
    CliResult cli = RunAuditVerify(*env_, copy, node.pub);
    EXPECT_EQ(cli.exit_code, 1) << cli.output;
    EXPECT_THAT(cli.output, HasSubstr("[torn-tail]"));
    EXPECT_THAT(cli.output, HasSubstr("torn last line: 57 bytes"));
    EXPECT_THAT(cli.output,
                HasSubstr(absl::StrCat("verified through: seq ", n - 1)));

    // The head's own record torn: committed records are missing, which is
    // truncation (and the torn line is mentioned).
    std::vector<std::string> lines(node.lines.begin(), node.lines.end() - 1);
    copy = Copy(node, lines, node.lines.back().substr(0, 40));
    cli = RunAuditVerify(*env_, copy, node.pub);
    EXPECT_EQ(cli.exit_code, 1) << cli.output;
    EXPECT_THAT(cli.output, HasSubstr("[truncated]"));
    EXPECT_THAT(cli.output, HasSubstr("torn line of 40 bytes"));
  }
}

TEST_F(AuditTamperE2eTest, ALogReSignedWithAFreshKeyFailsWithThePinnedKey) {
  auto fresh = crypto::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(fresh.ok());
  for (const NodeLog& node : Nodes()) {
    SCOPED_TRACE(node.name);
    std::vector<std::string> forged = ResignLog(node.lines, *fresh);
    ASSERT_EQ(forged.size(), node.lines.size());
    const std::string head = forged.back() + "\n";  // the closing checkpoint
    const std::string copy = Copy(node, forged, "", &head);
    // The forgery is self-consistent: unpinned, it verifies ...
    CliResult unpinned = RunAuditVerify(*env_, copy, "");
    EXPECT_EQ(unpinned.exit_code, 0) << unpinned.output;
    EXPECT_THAT(unpinned.output, HasSubstr("NOT pinned"));
    // ... and pinning the node's key rejects it at its first line.
    CliResult pinned = RunAuditVerify(*env_, copy, node.pub);
    EXPECT_EQ(pinned.exit_code, 1) << pinned.output;
    EXPECT_THAT(pinned.output, HasSubstr("[wrong-key]"));
    EXPECT_THAT(pinned.output, HasSubstr("audit.jsonl:1:"));
  }
}

}  // namespace
}  // namespace dsfl::e2e
