#include "common/tls/pem_files.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/tls/temp_dir.h"

namespace dsfl::tls {
namespace {

using ::dsfl::tls::testing::TempDir;
using ::testing::HasSubstr;

constexpr char kPem[] =
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

mode_t ModeOf(const std::string& path) {
  struct stat info;
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

int FilesIn(const std::string& dir) {
  int count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator(dir)) {
    ++count;
  }
  return count;
}

TEST(PemFilesTest, WritesWithTheRequestedModeAndReadsBack) {
  TempDir dir;
  const std::string key = dir.File("node.key");
  const std::string cert = dir.File("node.crt");
  ASSERT_TRUE(WritePemFile(key, kPem, kPrivateKeyFileMode).ok());
  ASSERT_TRUE(WritePemFile(cert, kPem, kCertificateFileMode).ok());
  EXPECT_EQ(ModeOf(key), 0600u);
  EXPECT_EQ(ModeOf(cert), 0644u);
  auto contents = ReadPemFile(key);
  ASSERT_TRUE(contents.ok()) << contents.status();
  EXPECT_EQ(*contents, kPem);
  EXPECT_EQ(FilesIn(dir.path()), 2);  // No temporary files left behind.
}

TEST(PemFilesTest, ReplacesAnExistingFileAndItsMode) {
  TempDir dir;
  const std::string path = dir.File("node.key");
  ASSERT_TRUE(WritePemFile(path, "old", 0644).ok());
  const std::string updated = std::string(kPem) + kPem;
  ASSERT_TRUE(WritePemFile(path, updated, kPrivateKeyFileMode).ok());
  EXPECT_EQ(ModeOf(path), 0600u);
  EXPECT_EQ(*ReadPemFile(path), updated);
  EXPECT_EQ(FilesIn(dir.path()), 1);
}

TEST(PemFilesTest, WriteFailsCleanlyWhenTheDirectoryIsMissing) {
  TempDir dir;
  const std::string path = dir.File("missing/node.key");
  const Status status = WritePemFile(path, kPem, kPrivateKeyFileMode);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr(path));
  EXPECT_EQ(WritePemFile("", kPem, 0600).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(PemFilesTest, ReadErrorsNameThePath) {
  TempDir dir;
  const std::string missing = dir.File("absent.crt");
  auto absent = ReadPemFile(missing);
  EXPECT_EQ(absent.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(absent.status().message(), HasSubstr(missing));

  const std::string not_pem = dir.File("not.pem");
  std::ofstream(not_pem) << "hello";
  auto garbage = ReadPemFile(not_pem);
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(garbage.status().message(), HasSubstr(not_pem));

  auto directory = ReadPemFile(dir.path());
  EXPECT_EQ(directory.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PemFilesTest, RefusesHugeFiles) {
  TempDir dir;
  const std::string path = dir.File("huge.pem");
  std::ofstream(path) << kPem << std::string(2 << 20, 'A');
  EXPECT_EQ(ReadPemFile(path).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dsfl::tls
