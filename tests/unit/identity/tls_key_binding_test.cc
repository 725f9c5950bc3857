// TLS key <-> DID binding: by key in the DID document, by a DID-naming
// certificate chaining to the configured CA, and the refusals.
#include "connector-adapters/identity/tls_key_binding.h"

#include "common/tls/certificate_info.h"
#include "common/tls/dev_ca.h"
#include "connector-adapters/identity/credential_issuer.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dsfl::identity {
namespace {

using ::testing::HasSubstr;

constexpr char kDid[] = "did:web:hospital-a.example";

tls::PeerIdentity Peer(const tls::PemKeyCert& issued) {
  StatusOr<tls::CertificateInfo> info =
      tls::InspectCertificatePem(issued.certificate_pem);
  EXPECT_TRUE(info.ok());
  tls::PeerIdentity peer;
  peer.common_name = info->common_name;
  peer.uris = info->uris;
  peer.dns_names = info->dns_names;
  peer.certificate_pem = issued.certificate_pem;
  peer.sha256_fingerprint = info->sha256_fingerprint;
  return peer;
}

class TlsKeyBindingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StatusOr<tls::DevCertificateAuthority> ca =
        tls::DevCertificateAuthority::Create("dsfl test federation CA");
    StatusOr<tls::DevCertificateAuthority> other =
        tls::DevCertificateAuthority::Create("some other CA");
    ASSERT_TRUE(ca.ok() && other.ok());
    ca_pem_ = ca->certificate_pem();
    tls::CertificateRequest named;
    named.common_name = "hospital-a";
    named.dns_names = {"localhost"};
    named.uris = {kDid};
    StatusOr<tls::PemKeyCert> with_did = ca->Issue(named);
    StatusOr<tls::PemKeyCert> foreign = other->Issue(named);
    tls::CertificateRequest plain = named;
    plain.uris.clear();
    StatusOr<tls::PemKeyCert> without_did = ca->Issue(plain);
    ASSERT_TRUE(with_did.ok() && foreign.ok() && without_did.ok());
    with_did_ = *with_did;
    foreign_ = *foreign;
    without_did_ = *without_did;
    // A DID document listing the key of `without_did_` (the slave's TLS
    // key doubles as its DID key).
    StatusOr<std::unique_ptr<SigningKey>> tls_key = SigningKey::FromPem(
        without_did_.private_key_pem, std::string(kDid) + "#tls");
    StatusOr<std::unique_ptr<SigningKey>> did_key =
        SigningKey::Generate(KeyType::kEd25519, std::string(kDid) + "#key-1");
    ASSERT_TRUE(tls_key.ok() && did_key.ok()) << tls_key.status();
    with_tls_key_ = *DidDocument::Parse(BuildDidDocumentJson(
        kDid, {did_key->get(), tls_key->get()}, {}, false));
    without_tls_key_ = *DidDocument::Parse(
        BuildDidDocumentJson(kDid, {did_key->get()}, {}, false));
  }

  std::string ca_pem_;
  tls::PemKeyCert with_did_, foreign_, without_did_;
  DidDocument with_tls_key_ = *DidDocument::Parse({{"id", "x"}});
  DidDocument without_tls_key_ = *DidDocument::Parse({{"id", "x"}});
};

TEST_F(TlsKeyBindingTest, BoundByKeyInTheDidDocument) {
  StatusOr<TlsBinding> binding =
      CheckTlsKeyBinding(Peer(without_did_), kDid, with_tls_key_, {});
  ASSERT_TRUE(binding.ok()) << binding.status();
  EXPECT_EQ(binding->kind, TlsBindingKind::kKeyInDidDocument);
  EXPECT_EQ(binding->method_id, std::string(kDid) + "#tls");
}

TEST_F(TlsKeyBindingTest, BoundByACertificateNamingTheDidFromTheCa) {
  StatusOr<TlsBinding> binding =
      CheckTlsKeyBinding(Peer(with_did_), kDid, without_tls_key_, {ca_pem_});
  ASSERT_TRUE(binding.ok()) << binding.status();
  EXPECT_EQ(binding->kind, TlsBindingKind::kCertificateNamesDid);
}

TEST_F(TlsKeyBindingTest, RefusesAKeyNotInTheDidDocument) {
  Status status =
      CheckTlsKeyBinding(Peer(without_did_), kDid, without_tls_key_, {ca_pem_})
          .status();
  EXPECT_EQ(ReasonOf(status), Reason::kTlsKeyNotBound);
  EXPECT_THAT(status.message(), HasSubstr("not in the DID document"));
}

TEST_F(TlsKeyBindingTest, RefusesADidNamingCertificateFromAnotherCa) {
  Status status =
      CheckTlsKeyBinding(Peer(foreign_), kDid, without_tls_key_, {ca_pem_})
          .status();
  EXPECT_EQ(ReasonOf(status), Reason::kTlsKeyNotBound);
  EXPECT_THAT(status.message(), HasSubstr("does not chain"));
  // Without a configured CA, naming the DID is not enough.
  EXPECT_EQ(
      ReasonOf(CheckTlsKeyBinding(Peer(with_did_), kDid, without_tls_key_, {})
                   .status()),
      Reason::kTlsKeyNotBound);
}

TEST_F(TlsKeyBindingTest, RefusesADocumentOfAnotherDid) {
  EXPECT_EQ(
      ReasonOf(CheckTlsKeyBinding(Peer(with_did_), "did:web:hospital-b.example",
                                  with_tls_key_, {ca_pem_})
                   .status()),
      Reason::kDidDocumentIdMismatch);
}

}  // namespace
}  // namespace dsfl::identity
