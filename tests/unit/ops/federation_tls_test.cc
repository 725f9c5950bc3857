#include "master/daemon/federation_tls.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "common/tls/dev_ca.h"
#include "common/tls/grpc_credentials.h"
#include "common/tls/pem_files.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace dsfl::master {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class FederationTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = tls::DevCertificateAuthority::Create("federation test CA");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = std::make_unique<tls::DevCertificateAuthority>(*std::move(ca));
    paths_ = {dir_.File("ca.pem"), dir_.File("master.pem"),
              dir_.File("master.key")};
    Write(paths_.ca, ca_->certificate_pem());
    Issue("master-1");
  }

  // A new key and certificate for `name` at the configured paths.
  tls::PemKeyCert Issue(const std::string& name) {
    tls::CertificateRequest request;
    request.common_name = name;
    request.dns_names = {"master.example"};
    auto issued = ca_->Issue(request);
    EXPECT_TRUE(issued.ok()) << issued.status();
    Write(paths_.cert, issued->certificate_pem);
    Write(paths_.key, issued->private_key_pem);
    return *issued;
  }

  static void Write(const std::string& path, const std::string& contents) {
    ASSERT_TRUE(tls::WritePemFile(path, contents, 0600).ok()) << path;
  }

  testing::TempDir dir_;
  std::unique_ptr<tls::DevCertificateAuthority> ca_;
  TlsPaths paths_;
};

TEST_F(FederationTlsTest, SnapshotIsReadableThroughItsPathsAsChecked) {
  auto federation = FederationTls::Load(paths_);
  ASSERT_TRUE(federation.ok()) << federation.status();
  auto snapshot = (*federation)->Current();
  EXPECT_EQ(snapshot->common_name(), "master-1");
  EXPECT_EQ(snapshot->certificate_sha256().size(), 64u);
  EXPECT_THAT(snapshot->paths().key, StartsWith("/proc/self/fd/"));
  // Jobs read the snapshot like files, with the usual checks.
  auto files = tls::LoadTlsFiles(snapshot->paths().ca, snapshot->paths().cert,
                                 snapshot->paths().key);
  ASSERT_TRUE(files.ok()) << files.status();
  auto on_disk = tls::LoadTlsFiles(paths_.ca, paths_.cert, paths_.key);
  ASSERT_TRUE(on_disk.ok());
  EXPECT_EQ(files->key_pem, on_disk->key_pem);
  EXPECT_EQ(files->cert_pem, on_disk->cert_pem);
  // ... even once the files on disk are gone, and no one can change them.
  std::filesystem::remove_all(dir_.path());
  EXPECT_TRUE(tls::LoadTlsFiles(snapshot->paths().ca, snapshot->paths().cert,
                                snapshot->paths().key)
                  .ok());
  const int fd = ::open(snapshot->paths().key.c_str(), O_WRONLY);
  if (fd >= 0) {  // sealed: opening may work, writing must not
    EXPECT_LT(::write(fd, "x", 1), 0);
    ::close(fd);
  }
}

TEST_F(FederationTlsTest, ReloadSwapsOnlyWhenAllFilesPass) {
  auto federation = FederationTls::Load(paths_);
  ASSERT_TRUE(federation.ok()) << federation.status();
  auto first = (*federation)->Current();

  Issue("master-2");
  ASSERT_TRUE((*federation)->Reload().ok());
  auto second = (*federation)->Current();
  EXPECT_EQ(second->common_name(), "master-2");
  EXPECT_NE(second->certificate_sha256(), first->certificate_sha256());
  // A job that started with the first snapshot still reads it.
  auto old = tls::LoadTlsFiles(first->paths().ca, first->paths().cert,
                               first->paths().key);
  ASSERT_TRUE(old.ok()) << old.status();

  // A broken key: refused, naming the file; the second snapshot stays.
  Write(paths_.key,
        "-----BEGIN PRIVATE KEY-----\nbroken\n"
        "-----END PRIVATE KEY-----\n");
  Status broken = (*federation)->Reload();
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(std::string(broken.message()), HasSubstr(paths_.key));
  EXPECT_EQ((*federation)->Current(), second);

  // A key of another certificate: refused as well.
  tls::PemKeyCert other = Issue("master-3");
  Issue("master-4");
  Write(paths_.key, other.private_key_pem);
  EXPECT_FALSE((*federation)->Reload().ok());
  EXPECT_EQ((*federation)->Current(), second);

  // A certificate from another CA: refused.
  auto foreign = tls::DevCertificateAuthority::Create("foreign CA");
  ASSERT_TRUE(foreign.ok());
  tls::CertificateRequest request;
  request.common_name = "intruder";
  auto issued = foreign->Issue(request);
  ASSERT_TRUE(issued.ok());
  Write(paths_.cert, issued->certificate_pem);
  Write(paths_.key, issued->private_key_pem);
  EXPECT_FALSE((*federation)->Reload().ok());
  EXPECT_EQ((*federation)->Current()->common_name(), "master-2");
}

TEST_F(FederationTlsTest, LoadFailsNamingTheFile) {
  std::filesystem::remove(paths_.cert);
  auto federation = FederationTls::Load(paths_);
  ASSERT_FALSE(federation.ok());
  EXPECT_THAT(std::string(federation.status().message()),
              HasSubstr(paths_.cert));
}

}  // namespace
}  // namespace dsfl::master
