// The real binaries: dsfl-devspace (serves, writes its port file and
// manifest atomically, stops on SIGTERM) and the `dsfl vc verify` /
// `dsfl did resolve` commands, including the issue's acceptance check on
// the MVD presentation at 1767225610 (valid) and 1767300000 (expired).
#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "connector-adapters/identity/did_resolver.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/devspace/test_support.h"

namespace dsfl::devspace {
namespace {

using identity::testing::FakeClock;
using identity::testing::FixturePath;
using identity::testing::Unix;
using testing::CommandResult;
using ::testing::HasSubstr;
using testing::RunCommand;
using ::testing::StartsWith;
using testing::TempDir;
using testing::WriteTempFile;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DevspaceBinary, ServesWritesItsFilesAndStopsOnSigterm) {
  TempDir dir;
  testing::Pki pki = testing::MakePki();
  const std::string cert =
      WriteTempFile(dir.path(), "server.pem", pki.server_cert_pem);
  const std::string key =
      WriteTempFile(dir.path(), "server.key", pki.server_key_pem);
  const std::string participants =
      WriteTempFile(dir.path(), "participants.json", R"({
    "api_key": "password",
    "participants": [
      {"name": "master", "key_file": "master.key",
       "credentials": ["MembershipCredential"]},
      {"name": "hospital-a", "credentials": ["MembershipCredential"],
       "datasets": [{"id": "lung-a", "slave_endpoint": "127.0.0.1:50051",
                     "profile": "p"}]}]})");
  const std::string port_file = dir.path() + "/devspace.port";
  const std::string manifest_file = dir.path() + "/devspace.json";
  testing::Child child({DSFL_DEVSPACE_BINARY, "--participants", participants,
                        "--cert", cert, "--key", key, "--port-file", port_file,
                        "--manifest", manifest_file});
  ASSERT_TRUE(child.started());
  const std::string line = child.ReadLine();
  ASSERT_THAT(line,
              StartsWith("dsfl-devspace listening on https://localhost:"));
  const std::string port(absl::StripAsciiWhitespace(Slurp(port_file)));
  EXPECT_EQ(line, absl::StrCat("dsfl-devspace listening on https://localhost:",
                               port, "\n"));
  nlohmann::json manifest = nlohmann::json::parse(Slurp(manifest_file));
  const std::string did = manifest["participants"][1]["did"].get<std::string>();
  EXPECT_EQ(did, "did:web:localhost%3A" + port + ":participants:hospital-a");
  // The generated key was written for the master, private.
  struct stat info {};
  ASSERT_EQ(stat((dir.path() + "/master.key").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  // Its DIDs resolve over HTTPS against the CA.
  identity::HttpsFetcherOptions options;
  options.ca_pem = pki.ca_pem;
  auto fetcher = identity::NewHttpsFetcher(options);
  identity::DidWebResolver resolver(fetcher.get(), {});
  StatusOr<identity::DidDocument> doc = resolver.Resolve(did);
  ASSERT_TRUE(doc.ok()) << doc.status();
  child.Signal(SIGTERM);
  EXPECT_EQ(child.Wait(), 0);
}

TEST(DevspaceBinary, UsageErrorsExitTwo) {
  CommandResult result = RunCommand({DSFL_DEVSPACE_BINARY, "--port", "1"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("--participants"));
}

std::vector<std::string> VcVerify(const std::string& at) {
  return {DSFL_CLI_BINARY,
          "vc",
          "verify",
          "--presentation",
          FixturePath("edc/vc/vp.consumer.jwt"),
          "--did-doc",
          FixturePath("edc/did/did-document.participant-consumer.json"),
          "--did-doc",
          FixturePath("edc/did/did-document.mvd-issuer.json"),
          "--trusted-issuer",
          "did:web:localhost%3A9876",
          "--at",
          at};
}

TEST(DsflVcVerify, AcceptsTheMvdPresentationAtItsTime) {
  CommandResult result = RunCommand(VcVerify("1767225610"));
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output,
              StartsWith("valid: presentation of did:web:localhost%3A7083\n"));
  EXPECT_THAT(result.output, HasSubstr("MembershipCredential"));
}

TEST(DsflVcVerify, RejectsItLater) {
  CommandResult result = RunCommand(VcVerify("1767300000"));
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, StartsWith("invalid: expired: VP expired at "));
  EXPECT_EQ(std::count(result.output.begin(), result.output.end(), '\n'), 1);
}

TEST(DsflVcVerify, JsonAudienceAndUsage) {
  std::vector<std::string> json = VcVerify("1767225610");
  json.push_back("--json");
  json.push_back("--audience");
  json.push_back("did:web:localhost%3A7093");
  CommandResult ok = RunCommand(json);
  ASSERT_EQ(ok.exit_code, 0) << ok.output;
  nlohmann::json out = nlohmann::json::parse(ok.output);
  EXPECT_EQ(out["holder"], "did:web:localhost%3A7083");
  EXPECT_EQ(out["issuers"], nlohmann::json({"did:web:localhost%3A9876"}));
  EXPECT_EQ(out["types"],
            nlohmann::json({"VerifiableCredential", "MembershipCredential"}));
  std::vector<std::string> wrong = VcVerify("1767225610");
  wrong.push_back("--audience");
  wrong.push_back("did:web:elsewhere.example");
  CommandResult refused = RunCommand(wrong);
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.output, StartsWith("invalid: wrong_audience: "));
  std::vector<std::string> untrusted = VcVerify("1767225610");
  untrusted[10] = "did:web:someone-else.example";
  EXPECT_THAT(RunCommand(untrusted).output,
              StartsWith("invalid: untrusted_issuer: "));
  std::vector<std::string> no_time = VcVerify("1767225610");
  no_time.resize(no_time.size() - 2);
  EXPECT_EQ(RunCommand(no_time).exit_code, 2);
  std::vector<std::string> missing_doc = VcVerify("1767225610");
  missing_doc[8] = "/nonexistent/did.json";
  EXPECT_EQ(RunCommand(missing_doc).exit_code, 2);
  std::vector<std::string> one_doc = VcVerify("1767225610");
  one_doc.erase(one_doc.begin() + 7, one_doc.begin() + 9);  // No issuer doc.
  CommandResult unknown = RunCommand(one_doc);
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.output, StartsWith("invalid: unknown_did: "));
}

TEST(DsflDidResolve, PrintsTheDocumentOfADevspaceDid) {
  TempDir dir;
  testing::Pki pki = testing::MakePki();
  FakeClock clock(Unix(1767225600));
  auto server = testing::StartServer(pki, testing::DemoConfig(), &clock);
  ASSERT_NE(server, nullptr);
  const std::string ca = WriteTempFile(dir.path(), "ca.pem", pki.ca_pem);
  const std::string did = server->dataspace().DidOf("hospital-a");
  CommandResult result =
      RunCommand({DSFL_CLI_BINARY, "did", "resolve", did, "--ca", ca});
  ASSERT_EQ(result.exit_code, 0) << result.output;
  nlohmann::json doc = nlohmann::json::parse(result.output);
  EXPECT_EQ(doc["id"], did);
  // The system roots do not know the dev CA.
  CommandResult untrusted =
      RunCommand({DSFL_CLI_BINARY, "did", "resolve", did});
  EXPECT_EQ(untrusted.exit_code, 1);
  EXPECT_THAT(untrusted.output, HasSubstr("TLS verification"));
  EXPECT_EQ(RunCommand({DSFL_CLI_BINARY, "did", "resolve", "did:web:10.0.0.1"})
                .exit_code,
            2);
}

}  // namespace
}  // namespace dsfl::devspace
