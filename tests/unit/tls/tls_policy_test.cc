// The TLS 1.3 policy, checked with real handshakes between OpenSSL contexts
// connected by an in-memory BIO pair (no sockets, no sleeps).
#include "common/tls/tls_policy.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <string>

#include "common/tls/dev_ca.h"
#include "common/tls/openssl_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/tls/test_pki.h"

namespace dsfl::tls {
namespace {

using ::dsfl::tls::testing::MustCreateCa;
using ::dsfl::tls::testing::MustIssue;

struct Side {
  bool done = false;
  bool failed = false;
  int reason = 0;  // ERR_GET_REASON of the first queued error, if failed.
  std::string error;
};

struct HandshakeResult {
  Side client;
  Side server;
  int version = 0;  // Negotiated, if both sides finished.
  bool ok() const { return client.done && server.done; }
};

// Advances one side's handshake; records a hard failure with its errors.
void Step(SSL* ssl, Side* side) {
  if (side->done || side->failed) return;
  ERR_clear_error();
  const int result = SSL_do_handshake(ssl);
  if (result == 1) {
    side->done = true;
    return;
  }
  const int error = SSL_get_error(ssl, result);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return;
  side->failed = true;
  side->reason = ERR_GET_REASON(ERR_peek_error());
  side->error = OpenSslError("handshake").ToString();
}

// A full handshake between fresh SSL objects of the two contexts. Bounded:
// a side that waits for bytes the other will never send just stops.
HandshakeResult Handshake(SSL_CTX* client_ctx, SSL_CTX* server_ctx) {
  HandshakeResult result;
  UniqueSsl client(SSL_new(client_ctx));
  UniqueSsl server(SSL_new(server_ctx));
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  if (client == nullptr || server == nullptr ||
      BIO_new_bio_pair(&client_bio, 0, &server_bio, 0) != 1) {
    ADD_FAILURE() << OpenSslError("setting up the handshake");
    return result;
  }
  SSL_set_bio(client.get(), client_bio, client_bio);  // SSL owns the BIOs.
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  SSL_set_tlsext_host_name(client.get(), "slave-a.dsfl.test");
  for (int round = 0; round < 32 && !result.ok(); ++round) {
    Step(client.get(), &result.client);
    Step(server.get(), &result.server);
  }
  if (result.ok()) result.version = SSL_version(client.get());
  return result;
}

class TlsPolicyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ca_ = new DevCertificateAuthority(MustCreateCa("policy test CA"));
    CertificateRequest request;
    request.common_name = "slave-a";
    request.dns_names = {"slave-a.dsfl.test"};
    server_ = new PemKeyCert(MustIssue(*ca_, request));
  }
  static void TearDownTestSuite() {
    delete server_;
    delete ca_;
  }

  void SetUp() override {
    const Status status = RequireTls13ProcessWide();
    ASSERT_TRUE(status.ok()) << status;
  }

  // A server context created now, i.e. after the policy, as gRPC would.
  static UniqueSslCtx NewServerContext() {
    UniqueSslCtx ctx(SSL_CTX_new(TLS_server_method()));
    auto key = ParsePrivateKeyPem(server_->private_key_pem);
    auto cert = ParseCertificatePem(server_->certificate_pem);
    EXPECT_TRUE(key.ok() && cert.ok());
    EXPECT_EQ(SSL_CTX_use_certificate(ctx.get(), cert->get()), 1);
    EXPECT_EQ(SSL_CTX_use_PrivateKey(ctx.get(), key->get()), 1);
    return ctx;
  }

  // A client context that verifies the server against the test CA.
  static UniqueSslCtx NewClientContext() {
    UniqueSslCtx ctx(SSL_CTX_new(TLS_client_method()));
    auto ca = ParseCertificatePem(ca_->certificate_pem());
    EXPECT_TRUE(ca.ok());
    EXPECT_EQ(X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.get()), ca->get()),
              1);
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
    return ctx;
  }

  // A genuine TLS 1.2-only client: the process policy is explicitly undone
  // on this context, so it offers TLS 1.2 and nothing else.
  static UniqueSslCtx NewTls12OnlyClientContext() {
    UniqueSslCtx ctx = NewClientContext();
    SSL_CTX_clear_options(ctx.get(), SSL_OP_NO_TLSv1_2);
    EXPECT_EQ(SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION), 1);
    EXPECT_EQ(SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION), 1);
    return ctx;
  }

  static DevCertificateAuthority* ca_;
  static PemKeyCert* server_;
};
DevCertificateAuthority* TlsPolicyTest::ca_ = nullptr;
PemKeyCert* TlsPolicyTest::server_ = nullptr;

TEST_F(TlsPolicyTest, IsIdempotentAndVisibleOnNewContexts) {
  EXPECT_TRUE(RequireTls13ProcessWide().ok());
  EXPECT_TRUE(NewContextsRequireTls13());
  UniqueSslCtx ctx(SSL_CTX_new(TLS_method()));
  EXPECT_EQ(SSL_CTX_get_min_proto_version(ctx.get()), TLS1_3_VERSION);
}

TEST_F(TlsPolicyTest, Tls13ClientHandshakes) {
  UniqueSslCtx server = NewServerContext();
  UniqueSslCtx client = NewClientContext();
  const HandshakeResult result = Handshake(client.get(), server.get());
  ASSERT_TRUE(result.ok()) << result.client.error << " / "
                           << result.server.error;
  EXPECT_EQ(result.version, TLS1_3_VERSION);
}

TEST_F(TlsPolicyTest, Tls12OnlyClientIsRefusedByTheServer) {
  UniqueSslCtx server = NewServerContext();
  UniqueSslCtx client = NewTls12OnlyClientContext();
  const HandshakeResult result = Handshake(client.get(), server.get());
  EXPECT_FALSE(result.ok());
  // The server refuses the version; the client hears a protocol_version
  // alert (not a local configuration error).
  EXPECT_TRUE(result.server.failed);
  EXPECT_EQ(result.server.reason, SSL_R_UNSUPPORTED_PROTOCOL)
      << result.server.error;
  EXPECT_TRUE(result.client.failed);
  EXPECT_EQ(result.client.reason, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION)
      << result.client.error;
}

// Control: the same client does handshake with a server that explicitly
// re-enables TLS 1.2, so the refusal above is the policy's doing.
TEST_F(TlsPolicyTest, Tls12OnlyClientWorksWhenPolicyIsUndoneOnTheServer) {
  UniqueSslCtx server = NewServerContext();
  SSL_CTX_clear_options(server.get(), SSL_OP_NO_TLSv1_2);
  ASSERT_EQ(SSL_CTX_set_min_proto_version(server.get(), TLS1_2_VERSION), 1);
  UniqueSslCtx client = NewTls12OnlyClientContext();
  const HandshakeResult result = Handshake(client.get(), server.get());
  ASSERT_TRUE(result.ok()) << result.client.error << " / "
                           << result.server.error;
  EXPECT_EQ(result.version, TLS1_2_VERSION);
}

// gRPC 1.51 calls SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) on its
// contexts; the policy must survive that.
TEST_F(TlsPolicyTest, SurvivesSetMinProtoVersionTls12) {
  UniqueSslCtx server = NewServerContext();
  ASSERT_EQ(SSL_CTX_set_min_proto_version(server.get(), TLS1_2_VERSION), 1);
  ASSERT_EQ(SSL_CTX_set_max_proto_version(server.get(), TLS1_3_VERSION), 1);
  UniqueSslCtx client = NewTls12OnlyClientContext();
  const HandshakeResult result = Handshake(client.get(), server.get());
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.server.reason, SSL_R_UNSUPPORTED_PROTOCOL)
      << result.server.error;

  UniqueSslCtx tls13_client = NewClientContext();
  const HandshakeResult tls13 = Handshake(tls13_client.get(), server.get());
  ASSERT_TRUE(tls13.ok()) << tls13.client.error << " / " << tls13.server.error;
  EXPECT_EQ(tls13.version, TLS1_3_VERSION);
}

// Outbound too: a client context created after the policy cannot be
// talked into TLS 1.2 by merely capping the maximum version.
TEST_F(TlsPolicyTest, ClientContextsCannotOfferTls12) {
  UniqueSslCtx server = NewServerContext();
  SSL_CTX_clear_options(server.get(), SSL_OP_NO_TLSv1_2);
  ASSERT_EQ(SSL_CTX_set_min_proto_version(server.get(), TLS1_2_VERSION), 1);
  UniqueSslCtx client = NewClientContext();
  ASSERT_EQ(SSL_CTX_set_max_proto_version(client.get(), TLS1_2_VERSION), 1);
  const HandshakeResult result = Handshake(client.get(), server.get());
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.client.failed);
  EXPECT_EQ(result.client.reason, SSL_R_NO_PROTOCOLS_AVAILABLE)
      << result.client.error;
}

}  // namespace
}  // namespace dsfl::tls
