#include "tests/e2e/audit_e2e_util.h"

#include <atomic>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "common/audit/record.h"
#include "common/crypto/base64url.h"
#include "common/crypto/merkle.h"
#include "common/model_file.h"
#include "common/sha256.h"
#include "common/subprocess.h"
#include "gtest/gtest.h"

namespace dsfl::e2e {

CliResult RunAuditVerify(const E2eEnv& env, const std::string& log,
                         const std::string& key) {
  static std::atomic<int> counter{0};
  const std::string output =
      env.Path(absl::StrCat("verify-", counter++, ".log"));
  std::vector<std::string> argv = {env.Bin("dsfl"), "audit", "verify", log};
  if (!key.empty()) {
    argv.push_back("--key");
    argv.push_back(key);
  }
  CliResult result;
  auto process = Subprocess::Spawn(argv, output);
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return result;
  result.exit_code = (*process)->Wait();
  result.output = E2eEnv::ReadFile(output);
  return result;
}

crypto::Ed25519PublicKey LoadPublicKey(const std::string& pem_path) {
  auto key = crypto::Ed25519PublicKeyFromPem(E2eEnv::ReadFile(pem_path));
  EXPECT_TRUE(key.ok()) << pem_path << ": " << key.status();
  return key.ok() ? *key : crypto::Ed25519PublicKey{};
}

audit::VerifyReport VerifyPinned(const std::string& log,
                                 const crypto::Ed25519PublicKey& key) {
  audit::VerifyOptions options;
  options.pinned_keys = {key};
  return audit::VerifyLog(log, options);
}

FileLines ReadLines(const std::string& path) {
  const std::string text = E2eEnv::ReadFile(path);
  FileLines out;
  size_t pos = 0;
  for (size_t nl; (nl = text.find('\n', pos)) != std::string::npos;
       pos = nl + 1) {
    out.lines.push_back(text.substr(pos, nl - pos));
  }
  out.tail = text.substr(pos);
  return out;
}

void WriteLines(const std::string& path, const std::vector<std::string>& lines,
                const std::string& tail) {
  std::string text;
  for (const std::string& line : lines) absl::StrAppend(&text, line, "\n");
  text += tail;
  // No fsync: thousands of copies are verified right away by this process.
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  ASSERT_TRUE(out.good()) << path;
}

nlohmann::json AnalysisJob(const E2eEnv& env,
                           const std::vector<std::string>& slaves,
                           const std::string& job_id,
                           const nlohmann::json& analysis,
                           const std::string& output_dir) {
  nlohmann::json job = env.Job(slaves, 1, 1, static_cast<int>(slaves.size()));
  for (const char* key : {"model", "data", "training", "federation"}) {
    job.erase(key);
  }
  job["job_id"] = job_id;
  job["analysis"] = analysis;
  job["output_dir"] = output_dir;
  return job;
}

std::vector<std::string> ResignLog(const std::vector<std::string>& lines,
                                   const crypto::Ed25519PrivateKey& key) {
  std::vector<std::string> out;
  std::string prev = audit::kGenesisPrev;
  crypto::MerkleTree tree;
  const crypto::Ed25519PublicKey& public_key = key.public_key();
  for (const std::string& line : lines) {
    auto parsed = audit::ParseRecordLine(line);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    if (!parsed.ok()) return out;
    audit::AuditRecord record = parsed->record;
    record.prev = prev;
    if (record.event == "log.genesis") {
      record.details["public_key"] = crypto::Base64UrlEncode(std::string_view(
          reinterpret_cast<const char*>(public_key.data()), public_key.size()));
      record.details["key_id"] = audit::Ed25519KeyId(public_key);
    } else if (record.event == "log.checkpoint") {
      record.details["root"] = ToHex(tree.Root());
    }
    auto sealed = audit::SealRecord(std::move(record), key);
    EXPECT_TRUE(sealed.ok()) << sealed.status();
    if (!sealed.ok()) return out;
    tree.AppendLeafHash(sealed->leaf);
    prev = sealed->record.hash;
    out.push_back(sealed->line);
  }
  return out;
}

}  // namespace dsfl::e2e
