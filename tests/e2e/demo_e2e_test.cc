// `dsfl demo` end to end, as scripts/demo.sh runs it: the real dsfl-devspace
// (HTTPS), three real dsfl-slave processes, dsfl-dataproxy and dsfl-master
// (gRPC mutual TLS). The demo must discover and admit its hospitals through
// the dev dataspace, with no endpoint list, and show it before the first
// round: asserted on its output and on the signed audit logs of the master
// and of every hospital (issue #3, acceptance).
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/audit/record.h"
#include "common/subprocess.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/temp_dir.h"

namespace dsfl {
namespace {

using ::testing::HasSubstr;

constexpr const char* kHospitals[] = {"hospital-a", "hospital-b", "hospital-c"};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

nlohmann::json JsonFile(const std::string& path) {
  return nlohmann::json::parse(Slurp(path), nullptr, false);
}

// The records of `job` in an audit log, in order (every line must parse).
std::vector<audit::AuditRecord> Records(const std::string& log,
                                        const std::string& job) {
  std::vector<audit::AuditRecord> records;
  std::ifstream in(log);
  EXPECT_TRUE(in.good()) << log;
  std::string line;
  while (std::getline(in, line)) {
    StatusOr<audit::SealedRecord> sealed = audit::ParseRecordLine(line);
    EXPECT_TRUE(sealed.ok()) << log << ": " << sealed.status();
    if (sealed.ok() && sealed->record.job.value_or("") == job) {
      records.push_back(sealed->record);
    }
  }
  return records;
}

// Runs a command to completion; its output in `log`.
int RunCommand(const std::vector<std::string>& argv, const std::string& log) {
  StatusOr<std::unique_ptr<Subprocess>> process = Subprocess::Spawn(argv, log);
  EXPECT_TRUE(process.ok()) << process.status();
  return process.ok() ? (*process)->Wait() : -1;
}

class DemoE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    work_ = dir_->File("demo");
    exit_code_ = RunCommand(
        {DSFL_CLI_BINARY, "demo", "--workdir", work_, "--rounds", "2"},
        dir_->File("demo.log"));
    output_ = Slurp(dir_->File("demo.log"));
    manifest_ = JsonFile(work_ + "/devspace/manifest.json");
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override { ASSERT_EQ(exit_code_, 0) << output_; }

  static std::string DidOf(const std::string& name) {
    for (const nlohmann::json& p :
         manifest_.value("participants", nlohmann::json::array())) {
      if (p.value("name", "") == name) return p.value("did", "");
    }
    return "";
  }

  static testing::TempDir* dir_;
  static std::string work_;
  static int exit_code_;
  static std::string output_;
  static nlohmann::json manifest_;
};

testing::TempDir* DemoE2eTest::dir_ = nullptr;
std::string DemoE2eTest::work_;
int DemoE2eTest::exit_code_ = -1;
std::string DemoE2eTest::output_;
nlohmann::json DemoE2eTest::manifest_;

TEST_F(DemoE2eTest, JobsNameNoEndpointsAndHospitalsPublishTheirSlaves) {
  for (const char* job :
       {"job.json", "cox-job.json", "deepsurv-concordance-job.json"}) {
    nlohmann::json spec = JsonFile(work_ + "/" + job);
    EXPECT_TRUE(spec.contains("dataspace")) << job;
    EXPECT_FALSE(spec.contains("slaves")) << job;
    EXPECT_EQ(spec["dataspace"]["did"], DidOf("master")) << job;
  }
  // The participants file names no endpoint; each slave published its own
  // once listening, through its connector's asset API.
  const std::string participants = Slurp(work_ + "/devspace/participants.json");
  EXPECT_THAT(participants, ::testing::Not(HasSubstr("slave_endpoint")));
  for (const char* hospital : kHospitals) {
    const std::string port = std::string(absl::StripAsciiWhitespace(
        Slurp(absl::StrCat(work_, "/", hospital, "/port"))));
    EXPECT_THAT(output_,
                HasSubstr(absl::StrCat(
                    "lung-", hospital, " -> slaveEndpoint 127.0.0.1:", port,
                    ", tlsServerName ", hospital, ": HTTP 200")));
    nlohmann::json slave =
        JsonFile(absl::StrCat(work_, "/", hospital, "/slave.json"));
    EXPECT_EQ(slave["dataspace"]["did"], DidOf(hospital));
    EXPECT_EQ(slave["dataspace"]["dataset_id"],
              absl::StrCat("lung-", hospital));
  }
}

TEST_F(DemoE2eTest, ShowsEachHospitalsAdmissionBeforeTheFirstRound) {
  const size_t first_round = output_.find("\nround   1/2");
  ASSERT_NE(first_round, std::string::npos) << output_;
  const std::string before = output_.substr(0, first_round);
  const size_t summary =
      before.find("admission of job lung-deepsurv, as the signed audit logs");
  ASSERT_NE(summary, std::string::npos) << before;
  const std::vector<std::string> lines =
      absl::StrSplit(before.substr(summary), '\n');
  for (const char* hospital : kHospitals) {
    // The master's own progress: discovery, negotiation, verification.
    EXPECT_THAT(before, HasSubstr(absl::StrCat(hospital, ": discovered lung-",
                                               hospital, " at 127.0.0.1:")));
    EXPECT_THAT(before, HasSubstr(absl::StrCat(hospital, ": negotiation ")));
    EXPECT_THAT(before,
                HasSubstr(absl::StrCat(hospital, ": credentials verified")));
    // The demo's block from the audit logs: every step, and admitted.
    auto block =
        std::find_if(lines.begin(), lines.end(), [&](const std::string& line) {
          return absl::StartsWith(line, absl::StrCat("    ", hospital));
        });
    ASSERT_NE(block, lines.end()) << hospital;
    std::string text;
    for (auto it = block; it != lines.end() && it != block + 7; ++it) {
      absl::StrAppend(&text, *it, "\n");
    }
    EXPECT_THAT(text, HasSubstr("discovered   lung-"));
    EXPECT_THAT(text, HasSubstr("> FINALIZED, agreement "));
    EXPECT_THAT(text, HasSubstr("credentials  valid: MembershipCredential"));
    EXPECT_THAT(text, HasSubstr(absl::StrCat(
                          "TLS key      bound (certificate_names_did), DID ",
                          DidOf(hospital))));
    EXPECT_THAT(text, HasSubstr("authorized   allow"));
    EXPECT_THAT(text, HasSubstr("its log      authorize.decision allow"));
    EXPECT_THAT(text, HasSubstr(absl::StrCat("admitted     node ", hospital)));
  }
  EXPECT_THAT(output_, HasSubstr("final model on 68 held-out rows"));
  EXPECT_THAT(output_, HasSubstr("exact Cox (Efron, pooled design)"));
}

TEST_F(DemoE2eTest, TheMastersAuditLogRecordsEveryAdmissionBeforeTraining) {
  const std::vector<audit::AuditRecord> records =
      Records(work_ + "/master/audit.jsonl", "lung-deepsurv");
  std::set<std::string> discovered, finalized, verified, bound, admitted;
  bool training_started = false;
  for (const audit::AuditRecord& r : records) {
    const std::string subject = r.subject.value_or("");
    const nlohmann::json& d = r.details;
    if (r.event == "discovery.result") {
      for (const nlohmann::json& c : d.at("candidates")) {
        discovered.insert(c.value("did", ""));
      }
    } else if (r.event == "negotiation.state" &&
               d.value("state", "") == "FINALIZED") {
      finalized.insert(subject);
    } else if (r.event == "credential.check" &&
               d.value("result", "") == "valid") {
      verified.insert(subject);
    } else if (r.event == "tls.binding" && d.value("result", "") == "bound") {
      bound.insert(subject);
    } else if (r.event == "admission.granted") {
      EXPECT_FALSE(training_started) << "admitted after training started";
      admitted.insert(subject);
    } else if (r.event == "admission.refused") {
      ADD_FAILURE() << "refused: " << d.dump();
    } else if (r.event == "round.completed") {
      training_started = true;
    }
  }
  const std::set<std::string> hospitals = {
      DidOf("hospital-a"), DidOf("hospital-b"), DidOf("hospital-c")};
  EXPECT_EQ(discovered, hospitals);
  EXPECT_EQ(finalized, hospitals);
  EXPECT_EQ(verified, hospitals);
  EXPECT_EQ(bound, hospitals);
  EXPECT_EQ(admitted, hospitals);
  EXPECT_TRUE(training_started);
  // The analyses went through the dataspace too.
  for (const auto& [log, job] :
       std::map<std::string, std::string>{{"/cox/audit.jsonl", "lung-cox"},
                                          {"/deepsurv-concordance/audit.jsonl",
                                           "lung-deepsurv-concordance"}}) {
    int granted = 0;
    for (const audit::AuditRecord& r : Records(work_ + log, job)) {
      if (r.event == "admission.granted") ++granted;
    }
    EXPECT_EQ(granted, 3) << log;
  }
}

TEST_F(DemoE2eTest, EachHospitalAuthorizedThePinnedModelAndEveryLogVerifies) {
  // What `dsfl job model-hash` prints is what each hospital pins and saw.
  ASSERT_EQ(
      RunCommand({DSFL_CLI_BINARY, "job", "model-hash", work_ + "/job.json"},
                 dir_->File("model-hash.txt")),
      0);
  const std::string model_sha256(
      absl::StripAsciiWhitespace(Slurp(dir_->File("model-hash.txt"))));
  ASSERT_EQ(model_sha256.size(), 64u);
  for (const char* hospital : kHospitals) {
    const std::string dir = absl::StrCat(work_, "/", hospital);
    nlohmann::json slave = JsonFile(dir + "/slave.json");
    EXPECT_EQ(slave["dataspace"]["policy"]["allowed_model_sha256"][0],
              model_sha256);
    int allowed = 0;
    for (const audit::AuditRecord& r :
         Records(dir + "/audit.jsonl", "lung-deepsurv")) {
      if (r.event != "authorize.decision") continue;
      EXPECT_EQ(r.details.value("decision", ""), "allow") << r.details.dump();
      EXPECT_EQ(r.details.value("model_sha256", ""), model_sha256);
      EXPECT_EQ(r.subject.value_or(""), DidOf("master"));
      ++allowed;
    }
    EXPECT_EQ(allowed, 1) << hospital;
  }
  for (const std::string node :
       {"master", "hospital-a", "hospital-b", "hospital-c", "cox"}) {
    const std::string dir = absl::StrCat(work_, "/", node);
    EXPECT_EQ(
        RunCommand({DSFL_CLI_BINARY, "audit", "verify", dir + "/audit.jsonl",
                    "--key", dir + "/audit.pub.pem"},
                   dir_->File("verify-" + node + ".txt")),
        0)
        << Slurp(dir_->File("verify-" + node + ".txt"));
  }
}

}  // namespace
}  // namespace dsfl
