// RAII owners and error/PEM helpers for OpenSSL 3.0 objects.
//
// Every OpenSSL object dsfl allocates is held by one of the unique_ptr
// aliases below, so that early returns never leak. Helpers convert between
// PEM text and parsed objects and turn the OpenSSL error queue into a Status.
//
// Errors: OpenSslError() yields Internal with the drained error queue;
// the Parse* helpers yield InvalidArgument for malformed PEM input.
// Ownership: every function returning a Unique* transfers ownership to the
// caller; raw pointer parameters are borrowed for the duration of the call.
// Threading: all functions are thread-safe (OpenSSL's error queue is
// thread-local).
#ifndef DSFL_COMMON_TLS_OPENSSL_UTIL_H_
#define DSFL_COMMON_TLS_OPENSSL_UTIL_H_

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/conf.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace dsfl::tls {

// Calls the OpenSSL free function `kFree` on destruction.
template <auto kFree>
struct OpenSslDeleter {
  template <typename T>
  void operator()(T* ptr) const {
    kFree(ptr);
  }
};

using UniqueBio = std::unique_ptr<BIO, OpenSslDeleter<&BIO_free_all>>;
using UniqueBignum = std::unique_ptr<BIGNUM, OpenSslDeleter<&BN_free>>;
using UniqueAsn1Integer =
    std::unique_ptr<ASN1_INTEGER, OpenSslDeleter<&ASN1_INTEGER_free>>;
using UniqueAsn1OctetString =
    std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<&ASN1_OCTET_STRING_free>>;
using UniqueAsn1Ia5String =
    std::unique_ptr<ASN1_IA5STRING, OpenSslDeleter<&ASN1_IA5STRING_free>>;
using UniqueConf = std::unique_ptr<CONF, OpenSslDeleter<&NCONF_free>>;
using UniqueEvpPkey = std::unique_ptr<EVP_PKEY, OpenSslDeleter<&EVP_PKEY_free>>;
using UniqueGeneralName =
    std::unique_ptr<GENERAL_NAME, OpenSslDeleter<&GENERAL_NAME_free>>;
using UniqueGeneralNames =
    std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<&GENERAL_NAMES_free>>;
using UniqueSsl = std::unique_ptr<SSL, OpenSslDeleter<&SSL_free>>;
using UniqueSslCtx = std::unique_ptr<SSL_CTX, OpenSslDeleter<&SSL_CTX_free>>;
using UniqueX509 = std::unique_ptr<X509, OpenSslDeleter<&X509_free>>;
using UniqueX509Extension =
    std::unique_ptr<X509_EXTENSION, OpenSslDeleter<&X509_EXTENSION_free>>;
using UniqueX509Name =
    std::unique_ptr<X509_NAME, OpenSslDeleter<&X509_NAME_free>>;
using UniqueX509Store =
    std::unique_ptr<X509_STORE, OpenSslDeleter<&X509_STORE_free>>;
using UniqueX509StoreCtx =
    std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<&X509_STORE_CTX_free>>;

// Frees a STACK_OF(X509) and the certificates it holds.
struct X509StackDeleter {
  void operator()(STACK_OF(X509) * stack) const {
    sk_X509_pop_free(stack, X509_free);
  }
};
using UniqueX509Stack = std::unique_ptr<STACK_OF(X509), X509StackDeleter>;

// Internal error "<what>: <OpenSSL error strings>", draining this thread's
// OpenSSL error queue. Use right after an OpenSSL call failed.
Status OpenSslError(std::string_view what);

// Same, but with `code` (e.g. InvalidArgument for rejected input).
Status OpenSslError(absl::StatusCode code, std::string_view what);

// Discards this thread's pending OpenSSL errors.
void ClearOpenSslErrors();

// A read-only memory BIO over `data`; `data` must outlive the BIO.
StatusOr<UniqueBio> MemoryBioOver(std::string_view data);

// Everything written to a memory BIO so far.
std::string MemoryBioContents(BIO* bio);

// Parses one PEM private key (PKCS#8 or traditional, unencrypted).
// InvalidArgument if `pem` holds no parseable key.
StatusOr<UniqueEvpPkey> ParsePrivateKeyPem(std::string_view pem);

// Parses the first certificate of `pem`.
// InvalidArgument if `pem` holds no parseable certificate.
StatusOr<UniqueX509> ParseCertificatePem(std::string_view pem);

// Parses every certificate in `pem` (a chain or a bundle of roots), in
// order. InvalidArgument if there is none or one is malformed.
StatusOr<UniqueX509Stack> ParseCertificateChainPem(std::string_view pem);

// PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") of `key`, unencrypted.
StatusOr<std::string> PrivateKeyToPem(EVP_PKEY* key);

// PEM ("-----BEGIN CERTIFICATE-----") of `cert`.
StatusOr<std::string> CertificateToPem(X509* cert);

// Lower-case hex SHA-256 of the DER encoding of `cert`.
StatusOr<std::string> CertificateSha256Hex(X509* cert);

}  // namespace dsfl::tls

#endif  // DSFL_COMMON_TLS_OPENSSL_UTIL_H_
