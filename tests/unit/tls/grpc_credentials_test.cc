// LoadTlsFiles' checks and the channel arguments (no network).
#include "common/tls/grpc_credentials.h"

#include <grpc/grpc.h>

#include <map>
#include <string>

#include "common/tls/dev_ca.h"
#include "common/tls/pem_files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/tls/temp_dir.h"
#include "tests/unit/tls/test_pki.h"

namespace dsfl::tls {
namespace {

using ::dsfl::tls::testing::MustCreateCa;
using ::dsfl::tls::testing::MustIssue;
using ::dsfl::tls::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;

class LoadTlsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CertificateRequest request;
    request.common_name = "slave-a";
    request.dns_names = {"slave-a.dsfl.test"};
    const PemKeyCert leaf = MustIssue(ca_, request);
    const PemKeyCert foreign = MustIssue(other_ca_, request);
    Write("ca.crt", ca_.certificate_pem(), kCertificateFileMode);
    Write("node.crt", leaf.certificate_pem, kCertificateFileMode);
    Write("node.key", leaf.private_key_pem, kPrivateKeyFileMode);
    Write("foreign.crt", foreign.certificate_pem, kCertificateFileMode);
    Write("foreign.key", foreign.private_key_pem, kPrivateKeyFileMode);
    Write("garbage.crt",
          "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
          kCertificateFileMode);
  }

  void Write(const std::string& name, const std::string& pem, mode_t mode) {
    ASSERT_TRUE(WritePemFile(dir_.File(name), pem, mode).ok());
  }
  StatusOr<TlsFiles> Load(const std::string& ca, const std::string& cert,
                          const std::string& key) {
    return LoadTlsFiles(dir_.File(ca), dir_.File(cert), dir_.File(key));
  }

  TempDir dir_;
  DevCertificateAuthority ca_ = MustCreateCa("federation CA");
  DevCertificateAuthority other_ca_ = MustCreateCa("other CA");
};

TEST_F(LoadTlsFilesTest, LoadsMatchingFiles) {
  auto files = Load("ca.crt", "node.crt", "node.key");
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->ca_cert_pem, ca_.certificate_pem());
  EXPECT_TRUE(ValidateTlsFiles(*files).ok());
}

TEST_F(LoadTlsFilesTest, MissingFileIsNotFoundAndNamed) {
  auto files = Load("ca.crt", "absent.crt", "node.key");
  EXPECT_EQ(files.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(files.status().message(), HasSubstr(dir_.File("absent.crt")));
}

TEST_F(LoadTlsFilesTest, MalformedCertificateIsNamed) {
  auto files = Load("ca.crt", "garbage.crt", "node.key");
  EXPECT_EQ(files.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(files.status().message(), HasSubstr(dir_.File("garbage.crt")));
  auto bad_ca = Load("garbage.crt", "node.crt", "node.key");
  EXPECT_EQ(bad_ca.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_ca.status().message(), HasSubstr(dir_.File("garbage.crt")));
}

TEST_F(LoadTlsFilesTest, KeyOfAnotherCertificateIsRejected) {
  auto files = Load("ca.crt", "node.crt", "foreign.key");
  EXPECT_EQ(files.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(files.status().message(),
              AllOf(HasSubstr(dir_.File("foreign.key")),
                    HasSubstr(dir_.File("node.crt"))));
}

TEST_F(LoadTlsFilesTest, CertificateFromAnotherCaIsRejected) {
  auto files = Load("ca.crt", "foreign.crt", "foreign.key");
  EXPECT_EQ(files.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(
      files.status().message(),
      AllOf(HasSubstr(dir_.File("foreign.crt")), HasSubstr(dir_.File("ca.crt")),
            HasSubstr("unable to get local issuer certificate")));
}

std::map<std::string, std::string> ArgsOf(const grpc::ChannelArguments& args) {
  grpc_channel_args c_args = args.c_channel_args();
  std::map<std::string, std::string> result;
  for (size_t i = 0; i < c_args.num_args; ++i) {
    const grpc_arg& arg = c_args.args[i];
    result[arg.key] = arg.type == GRPC_ARG_INTEGER
                          ? std::to_string(arg.value.integer)
                      : arg.type == GRPC_ARG_STRING ? arg.value.string
                                                    : "?";
  }
  return result;
}

TEST(ChannelArgumentsTest, KeepaliveSizesAndTargetName) {
  const auto args = ArgsOf(MakeChannelArguments("slave-a.dsfl.test"));
  EXPECT_EQ(args.at(GRPC_ARG_KEEPALIVE_TIME_MS), "30000");
  EXPECT_EQ(args.at(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS), "1");
  EXPECT_EQ(args.at(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA), "0");
  EXPECT_EQ(args.at(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH),
            std::to_string(8 << 20));
  EXPECT_EQ(args.at(GRPC_ARG_MAX_SEND_MESSAGE_LENGTH), std::to_string(8 << 20));
  EXPECT_EQ(args.at(GRPC_SSL_TARGET_NAME_OVERRIDE_ARG), "slave-a.dsfl.test");
  EXPECT_EQ(args.at(GRPC_ARG_TCP_MAX_READ_CHUNK_SIZE),
            std::to_string(kMaxReadChunkBytes));

  EXPECT_EQ(
      ArgsOf(MakeChannelArguments("")).count(GRPC_SSL_TARGET_NAME_OVERRIDE_ARG),
      0u);
}

}  // namespace
}  // namespace dsfl::tls
