#include "common/tls/dev_ca.h"

#include <openssl/x509v3.h>

#include <string>

#include "common/tls/certificate_info.h"
#include "common/tls/certificate_verify.h"
#include "common/tls/openssl_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/tls/test_pki.h"

namespace dsfl::tls {
namespace {

using ::dsfl::tls::testing::MustCreateCa;
using ::dsfl::tls::testing::MustIssue;
using ::dsfl::tls::testing::VerifyWithOpenSsl;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

UniqueX509 MustParse(const std::string& pem) {
  auto cert = ParseCertificatePem(pem);
  EXPECT_TRUE(cert.ok()) << cert.status();
  return cert.ok() ? *std::move(cert) : nullptr;
}

bool ExtensionIsCritical(X509* cert, int nid) {
  const int index = X509_get_ext_by_NID(cert, nid, -1);
  return index >= 0 &&
         X509_EXTENSION_get_critical(X509_get_ext(cert, index)) == 1;
}

CertificateRequest SlaveRequest() {
  CertificateRequest request;
  request.common_name = "slave-a";
  request.dns_names = {"localhost", "slave-a.dsfl.test"};
  request.ip_addresses = {"127.0.0.1", "::1"};
  request.uris = {"did:web:hospital-a.example"};
  return request;
}

class DevCaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = new DevCertificateAuthority(MustCreateCa("dsfl test CA"));
    other_ca_ = new DevCertificateAuthority(MustCreateCa("dsfl other CA"));
  }
  static void TearDownTestSuite() {
    delete ca_;
    delete other_ca_;
  }
  static const DevCertificateAuthority* ca_;
  static const DevCertificateAuthority* other_ca_;
};
const DevCertificateAuthority* DevCaTest::ca_ = nullptr;
const DevCertificateAuthority* DevCaTest::other_ca_ = nullptr;

TEST_F(DevCaTest, CaCertificateIsAnEcdsaP256Sha256Ca) {
  UniqueX509 cert = MustParse(ca_->certificate_pem());
  ASSERT_NE(cert, nullptr);
  EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert.get())), 256);
  char group[64] = {};
  ASSERT_EQ(EVP_PKEY_get_group_name(X509_get0_pubkey(cert.get()), group,
                                    sizeof(group), nullptr),
            1);
  EXPECT_STREQ(group, "prime256v1");

  EXPECT_EQ(X509_check_ca(cert.get()), 1);
  EXPECT_TRUE(ExtensionIsCritical(cert.get(), NID_basic_constraints));
  EXPECT_TRUE(ExtensionIsCritical(cert.get(), NID_key_usage));
  EXPECT_EQ(X509_get_key_usage(cert.get()), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
  EXPECT_NE(X509_get0_subject_key_id(cert.get()), nullptr);
  // Self-signed and valid under strict X.509 checks.
  EXPECT_EQ(
      VerifyWithOpenSsl(ca_->certificate_pem(), ca_->certificate_pem(), 0), "");
  EXPECT_THAT(ca_->private_key_pem(),
              StartsWith("-----BEGIN PRIVATE KEY-----"));
}

TEST_F(DevCaTest, SerialsAreRandom128Bit) {
  UniqueX509 a = MustParse(MustIssue(*ca_, SlaveRequest()).certificate_pem);
  UniqueX509 b = MustParse(MustIssue(*ca_, SlaveRequest()).certificate_pem);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  const ASN1_INTEGER* serial_a = X509_get0_serialNumber(a.get());
  const ASN1_INTEGER* serial_b = X509_get0_serialNumber(b.get());
  EXPECT_NE(ASN1_INTEGER_cmp(serial_a, serial_b), 0);
  UniqueBignum number(ASN1_INTEGER_to_BN(serial_a, nullptr));
  EXPECT_FALSE(BN_is_negative(number.get()));
  EXPECT_LE(BN_num_bits(number.get()), 128);
  EXPECT_GT(BN_num_bits(number.get()), 96);  // Fails with p = 2^-32.
}

TEST_F(DevCaTest, LeafHasLeafExtensions) {
  const PemKeyCert leaf = MustIssue(*ca_, SlaveRequest());
  UniqueX509 cert = MustParse(leaf.certificate_pem);
  UniqueX509 ca_cert = MustParse(ca_->certificate_pem());
  ASSERT_NE(cert, nullptr);
  ASSERT_NE(ca_cert, nullptr);
  EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_TRUE(ExtensionIsCritical(cert.get(), NID_basic_constraints));
  EXPECT_EQ(X509_get_key_usage(cert.get()), KU_DIGITAL_SIGNATURE);
  EXPECT_EQ(X509_get_extended_key_usage(cert.get()),
            XKU_SSL_SERVER | XKU_SSL_CLIENT);
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert.get());
  ASSERT_NE(aki, nullptr);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(aki, X509_get0_subject_key_id(ca_cert.get())),
            0);
  EXPECT_EQ(X509_NAME_cmp(X509_get_issuer_name(cert.get()),
                          X509_get_subject_name(ca_cert.get())),
            0);
}

TEST_F(DevCaTest, LeafVerifiesAgainstItsCaForBothPurposes) {
  const PemKeyCert leaf = MustIssue(*ca_, SlaveRequest());
  EXPECT_EQ(VerifyWithOpenSsl(ca_->certificate_pem(), leaf.certificate_pem,
                              X509_PURPOSE_SSL_SERVER),
            "");
  EXPECT_EQ(VerifyWithOpenSsl(ca_->certificate_pem(), leaf.certificate_pem,
                              X509_PURPOSE_SSL_CLIENT),
            "");
}

TEST_F(DevCaTest, ExtendedKeyUsageFollowsTheRequest) {
  CertificateRequest server_only = SlaveRequest();
  server_only.client_auth = false;
  const PemKeyCert server = MustIssue(*ca_, server_only);
  EXPECT_EQ(VerifyWithOpenSsl(ca_->certificate_pem(), server.certificate_pem,
                              X509_PURPOSE_SSL_SERVER),
            "");
  EXPECT_EQ(VerifyWithOpenSsl(ca_->certificate_pem(), server.certificate_pem,
                              X509_PURPOSE_SSL_CLIENT),
            "unsuitable certificate purpose");

  CertificateRequest client_only = SlaveRequest();
  client_only.server_auth = false;
  const PemKeyCert client = MustIssue(*ca_, client_only);
  EXPECT_EQ(VerifyWithOpenSsl(ca_->certificate_pem(), client.certificate_pem,
                              X509_PURPOSE_SSL_CLIENT),
            "");
  EXPECT_EQ(VerifyWithOpenSsl(ca_->certificate_pem(), client.certificate_pem,
                              X509_PURPOSE_SSL_SERVER),
            "unsuitable certificate purpose");
}

TEST_F(DevCaTest, LeafDoesNotVerifyAgainstAnotherCa) {
  const PemKeyCert leaf = MustIssue(*ca_, SlaveRequest());
  EXPECT_EQ(VerifyWithOpenSsl(other_ca_->certificate_pem(),
                              leaf.certificate_pem, X509_PURPOSE_SSL_SERVER),
            "unable to get local issuer certificate");
  EXPECT_EQ(absl::StatusCode::kInvalidArgument,
            VerifyCertificate(other_ca_->certificate_pem(),
                              leaf.certificate_pem, CertificatePurpose::kAny)
                .code());
}

TEST_F(DevCaTest, SubjectAltNamesArePresent) {
  const PemKeyCert leaf = MustIssue(*ca_, SlaveRequest());
  auto info = InspectCertificatePem(leaf.certificate_pem);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->common_name, "slave-a");
  EXPECT_THAT(info->dns_names, ElementsAre("localhost", "slave-a.dsfl.test"));
  EXPECT_THAT(info->ip_addresses, ElementsAre("127.0.0.1", "::1"));
  EXPECT_THAT(info->uris, ElementsAre("did:web:hospital-a.example"));
  EXPECT_EQ(info->sha256_fingerprint.size(), 64u);
  UniqueX509 cert = MustParse(leaf.certificate_pem);
  EXPECT_EQ(X509_check_host(cert.get(), "slave-a.dsfl.test", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "slave-b.dsfl.test", 0, 0, nullptr), 0);
}

TEST_F(DevCaTest, NoSubjectAltNameExtensionWhenNoneRequested) {
  CertificateRequest request;
  request.common_name = "bare";
  auto info = InspectCertificatePem(MustIssue(*ca_, request).certificate_pem);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_THAT(info->dns_names, IsEmpty());
  EXPECT_THAT(info->uris, IsEmpty());
}

TEST_F(DevCaTest, KeysMatchCertificates) {
  const PemKeyCert leaf = MustIssue(*ca_, SlaveRequest());
  const PemKeyCert other = MustIssue(*ca_, SlaveRequest());
  EXPECT_THAT(leaf.private_key_pem, StartsWith("-----BEGIN PRIVATE KEY-----"));
  EXPECT_TRUE(
      CheckKeyMatchesCertificate(leaf.private_key_pem, leaf.certificate_pem)
          .ok());
  EXPECT_TRUE(
      CheckKeyMatchesCertificate(ca_->private_key_pem(), ca_->certificate_pem())
          .ok());
  EXPECT_EQ(
      CheckKeyMatchesCertificate(other.private_key_pem, leaf.certificate_pem)
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST_F(DevCaTest, LoadRoundTrips) {
  auto loaded = DevCertificateAuthority::Load(ca_->private_key_pem(),
                                              ca_->certificate_pem());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->private_key_pem(), ca_->private_key_pem());
  EXPECT_EQ(loaded->certificate_pem(), ca_->certificate_pem());
  // A leaf issued by the reloaded CA verifies against the original.
  const PemKeyCert leaf = MustIssue(*loaded, SlaveRequest());
  EXPECT_EQ(VerifyWithOpenSsl(ca_->certificate_pem(), leaf.certificate_pem,
                              X509_PURPOSE_SSL_SERVER),
            "");
}

TEST_F(DevCaTest, LoadRejectsBadInput) {
  const PemKeyCert leaf = MustIssue(*ca_, SlaveRequest());
  const auto code = [](const StatusOr<DevCertificateAuthority>& ca) {
    return ca.status().code();
  };
  EXPECT_EQ(
      code(DevCertificateAuthority::Load("garbage", ca_->certificate_pem())),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(DevCertificateAuthority::Load(ca_->private_key_pem(),
                                               "-----BEGIN CERTIFICATE-----\n"
                                               "AAAA\n"
                                               "-----END CERTIFICATE-----\n")),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(DevCertificateAuthority::Load(other_ca_->private_key_pem(),
                                               ca_->certificate_pem())),
            absl::StatusCode::kInvalidArgument);
  // A leaf is not a CA even with its own key.
  auto not_ca =
      DevCertificateAuthority::Load(leaf.private_key_pem, leaf.certificate_pem);
  EXPECT_EQ(code(not_ca), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(not_ca.status().message(), HasSubstr("not a CA"));
}

TEST_F(DevCaTest, IssueRejectsBadRequests) {
  CertificateRequest bad_ip = SlaveRequest();
  bad_ip.ip_addresses = {"300.1.2.3"};
  auto issued = ca_->Issue(bad_ip);
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(issued.status().message(), HasSubstr("300.1.2.3"));

  CertificateRequest no_usage = SlaveRequest();
  no_usage.server_auth = no_usage.client_auth = false;
  EXPECT_EQ(ca_->Issue(no_usage).status().code(),
            absl::StatusCode::kInvalidArgument);

  CertificateRequest no_name = SlaveRequest();
  no_name.common_name.clear();
  EXPECT_EQ(ca_->Issue(no_name).status().code(),
            absl::StatusCode::kInvalidArgument);

  CertificateRequest bad_dns = SlaveRequest();
  bad_dns.dns_names = {"evil.example,DNS:other"};
  // Commas are legal IA5 text; built as a GENERAL_NAME it stays one name.
  auto comma = InspectCertificatePem(MustIssue(*ca_, bad_dns).certificate_pem);
  ASSERT_TRUE(comma.ok());
  EXPECT_THAT(comma->dns_names, ElementsAre("evil.example,DNS:other"));
  bad_dns.dns_names = {"has space.example"};
  EXPECT_EQ(ca_->Issue(bad_dns).status().code(),
            absl::StatusCode::kInvalidArgument);

  CertificateRequest zero_days = SlaveRequest();
  zero_days.validity_days = 0;
  EXPECT_EQ(ca_->Issue(zero_days).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DevCaValidityTest, LeafNeverOutlivesItsCa) {
  auto ca = DevCertificateAuthority::Create("short-lived CA", 10);
  ASSERT_TRUE(ca.ok()) << ca.status();
  CertificateRequest request = SlaveRequest();
  request.validity_days = 365;
  UniqueX509 leaf = MustParse(MustIssue(*ca, request).certificate_pem);
  UniqueX509 ca_cert = MustParse(ca->certificate_pem());
  EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(leaf.get()),
                              X509_get0_notAfter(ca_cert.get())),
            0);
}

TEST(DevCaValidityTest, CreateRejectsBadArguments) {
  EXPECT_EQ(DevCertificateAuthority::Create("").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DevCertificateAuthority::Create("ca", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      DevCertificateAuthority::Create(std::string(65, 'x')).status().code(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dsfl::tls
