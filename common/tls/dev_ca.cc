#include "common/tls/dev_ca.h"

#include <openssl/rand.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/tls/openssl_util.h"

namespace dsfl::tls {
namespace {

// Certificates start five minutes in the past so that a peer whose clock
// is slightly behind still accepts a freshly issued certificate.
constexpr long kBackdateSeconds = 5 * 60;  // NOLINT(runtime/int)
constexpr int kMaxValidityDays = 100 * 365;
constexpr size_t kMaxCommonNameLength = 64;  // RFC 5280 ub-common-name.
constexpr int kSerialBytes = 16;             // 128 random bits.

Status CheckCommonName(const std::string& common_name) {
  if (common_name.empty() || common_name.size() > kMaxCommonNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("common name must be 1 to ", kMaxCommonNameLength,
                     " bytes, got '", common_name, "'"));
  }
  return absl::OkStatus();
}

Status CheckValidityDays(int validity_days) {
  if (validity_days < 1 || validity_days > kMaxValidityDays) {
    return absl::InvalidArgumentError(
        absl::StrCat("validity_days must be in [1, ", kMaxValidityDays,
                     "], got ", validity_days));
  }
  return absl::OkStatus();
}

// DNS names and URIs are IA5Strings: printable ASCII, no spaces.
Status CheckIa5Name(const char* kind, const std::string& value) {
  bool ok = !value.empty();
  for (const char c : value) ok = ok && c > 0x20 && c < 0x7f;
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "bad ", kind, " '", value, "': must be non-empty printable ASCII"));
  }
  return absl::OkStatus();
}

StatusOr<UniqueEvpPkey> GenerateP256Key() {
  UniqueEvpPkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (key == nullptr) return OpenSslError("generating a P-256 key");
  return key;
}

// A positive, non-zero serial with 128 random bits (RFC 5280 allows up to
// 20 octets; the DER encoding is at most 17).
StatusOr<UniqueAsn1Integer> RandomSerial() {
  unsigned char bytes[kSerialBytes];
  UniqueBignum number;
  do {
    if (RAND_bytes(bytes, kSerialBytes) != 1) return OpenSslError("RAND_bytes");
    number.reset(BN_bin2bn(bytes, kSerialBytes, nullptr));
    if (number == nullptr) return OpenSslError("BN_bin2bn");
  } while (BN_is_zero(number.get()));
  UniqueAsn1Integer serial(BN_to_ASN1_INTEGER(number.get(), nullptr));
  if (serial == nullptr) return OpenSslError("BN_to_ASN1_INTEGER");
  return serial;
}

StatusOr<UniqueX509Name> NameWithCommonName(const std::string& common_name) {
  UniqueX509Name name(X509_NAME_new());
  if (name == nullptr) return OpenSslError("X509_NAME_new");
  if (X509_NAME_add_entry_by_NID(
          name.get(), NID_commonName, MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(common_name.data()),
          static_cast<int>(common_name.size()), -1, 0) != 1) {
    return OpenSslError(
        absl::StrCat("setting common name '", common_name, "'"));
  }
  return name;
}

// An unsigned v3 certificate for `subject_key` with a random serial and
// the validity window [now - backdate, now + validity_days].
StatusOr<UniqueX509> NewCertificate(EVP_PKEY* subject_key,
                                    const X509_NAME* subject,
                                    const X509_NAME* issuer,
                                    int validity_days) {
  UniqueX509 cert(X509_new());
  if (cert == nullptr) return OpenSslError("X509_new");
  DSFL_ASSIGN_OR_RETURN(UniqueAsn1Integer serial, RandomSerial());
  const long validity_seconds =                         // NOLINT(runtime/int)
      static_cast<long>(validity_days) * 24 * 60 * 60;  // NOLINT
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSeconds) ==
          nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), validity_seconds) ==
          nullptr ||
      X509_set_subject_name(cert.get(), subject) != 1 ||
      X509_set_issuer_name(cert.get(), issuer) != 1 ||
      X509_set_pubkey(cert.get(), subject_key) != 1) {
    return OpenSslError("filling in the certificate");
  }
  return cert;
}

// Adds the extension `name` = `value` in openssl.cnf syntax (x509v3_config),
// resolved against `ctx` (issuer and subject certificates).
Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  UniqueX509Extension extension(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (extension == nullptr || X509_add_ext(cert, extension.get(), -1) != 1) {
    return OpenSslError(
        absl::StrCat("adding extension ", OBJ_nid2sn(nid), " = ", value));
  }
  return absl::OkStatus();
}

Status PushIa5Name(GENERAL_NAMES* names, int type, const std::string& value) {
  UniqueAsn1Ia5String text(ASN1_IA5STRING_new());
  if (text == nullptr || ASN1_STRING_set(text.get(), value.data(),
                                         static_cast<int>(value.size())) != 1) {
    return OpenSslError("ASN1_STRING_set");
  }
  UniqueGeneralName name(GENERAL_NAME_new());
  if (name == nullptr) return OpenSslError("GENERAL_NAME_new");
  GENERAL_NAME_set0_value(name.get(), type, text.release());
  if (sk_GENERAL_NAME_push(names, name.get()) == 0) {
    return OpenSslError("sk_GENERAL_NAME_push");
  }
  name.release();  // Now owned by `names`.
  return absl::OkStatus();
}

Status PushIpName(GENERAL_NAMES* names, const std::string& ip) {
  UniqueAsn1OctetString address(a2i_IPADDRESS(ip.c_str()));
  if (address == nullptr) {
    ClearOpenSslErrors();
    return absl::InvalidArgumentError(
        absl::StrCat("bad IP address '", ip, "'"));
  }
  UniqueGeneralName name(GENERAL_NAME_new());
  if (name == nullptr) return OpenSslError("GENERAL_NAME_new");
  GENERAL_NAME_set0_value(name.get(), GEN_IPADD, address.release());
  if (sk_GENERAL_NAME_push(names, name.get()) == 0) {
    return OpenSslError("sk_GENERAL_NAME_push");
  }
  name.release();  // Now owned by `names`.
  return absl::OkStatus();
}

// subjectAltName with the request's DNS names, IP addresses and URIs, built
// as GENERAL_NAMEs (not a config string) so no value can inject extra names.
Status AddSubjectAltNames(X509* cert, const CertificateRequest& request) {
  UniqueGeneralNames names(GENERAL_NAMES_new());
  if (names == nullptr) return OpenSslError("GENERAL_NAMES_new");
  for (const std::string& dns : request.dns_names) {
    DSFL_RETURN_IF_ERROR(CheckIa5Name("DNS name", dns));
    DSFL_RETURN_IF_ERROR(PushIa5Name(names.get(), GEN_DNS, dns));
  }
  for (const std::string& ip : request.ip_addresses) {
    DSFL_RETURN_IF_ERROR(PushIpName(names.get(), ip));
  }
  for (const std::string& uri : request.uris) {
    DSFL_RETURN_IF_ERROR(CheckIa5Name("URI", uri));
    DSFL_RETURN_IF_ERROR(PushIa5Name(names.get(), GEN_URI, uri));
  }
  if (sk_GENERAL_NAME_num(names.get()) == 0) return absl::OkStatus();
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0,
                        X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError("adding subjectAltName");
  }
  return absl::OkStatus();
}

Status Sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, EVP_sha256()) <= 0) return OpenSslError("X509_sign");
  return absl::OkStatus();
}

StatusOr<PemKeyCert> ToPem(EVP_PKEY* key, X509* cert) {
  PemKeyCert pem;
  DSFL_ASSIGN_OR_RETURN(pem.private_key_pem, PrivateKeyToPem(key));
  DSFL_ASSIGN_OR_RETURN(pem.certificate_pem, CertificateToPem(cert));
  return pem;
}

}  // namespace

StatusOr<DevCertificateAuthority> DevCertificateAuthority::Create(
    const std::string& common_name, int validity_days) {
  DSFL_RETURN_IF_ERROR(CheckCommonName(common_name));
  DSFL_RETURN_IF_ERROR(CheckValidityDays(validity_days));
  DSFL_ASSIGN_OR_RETURN(UniqueEvpPkey key, GenerateP256Key());
  DSFL_ASSIGN_OR_RETURN(UniqueX509Name name, NameWithCommonName(common_name));
  DSFL_ASSIGN_OR_RETURN(
      UniqueX509 cert,
      NewCertificate(key.get(), name.get(), name.get(), validity_days));

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  // pathlen:0 - the dev CA signs leaves only, never intermediate CAs.
  DSFL_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_basic_constraints,
                                    "critical,CA:TRUE,pathlen:0"));
  DSFL_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_key_usage,
                                    "critical,keyCertSign,cRLSign"));
  DSFL_RETURN_IF_ERROR(
      AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  DSFL_RETURN_IF_ERROR(Sign(cert.get(), key.get()));

  DSFL_ASSIGN_OR_RETURN(PemKeyCert pem, ToPem(key.get(), cert.get()));
  return DevCertificateAuthority(std::move(pem));
}

StatusOr<DevCertificateAuthority> DevCertificateAuthority::Load(
    std::string private_key_pem, std::string certificate_pem) {
  auto key = ParsePrivateKeyPem(private_key_pem);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("dev CA private key: ", key.status().message()));
  }
  auto cert = ParseCertificatePem(certificate_pem);
  if (!cert.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("dev CA certificate: ", cert.status().message()));
  }
  if (X509_check_private_key(cert->get(), key->get()) != 1) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "dev CA private key does not match its certificate");
  }
  if (X509_check_ca(cert->get()) < 1) {
    return absl::InvalidArgumentError(
        "dev CA certificate is not a CA certificate (basicConstraints "
        "CA:TRUE with keyCertSign)");
  }
  // Re-encode so that accessors always return canonical PKCS#8 / PEM.
  DSFL_ASSIGN_OR_RETURN(PemKeyCert pem, ToPem(key->get(), cert->get()));
  return DevCertificateAuthority(std::move(pem));
}

StatusOr<PemKeyCert> DevCertificateAuthority::Issue(
    const CertificateRequest& request) const {
  DSFL_RETURN_IF_ERROR(CheckCommonName(request.common_name));
  DSFL_RETURN_IF_ERROR(CheckValidityDays(request.validity_days));
  if (!request.server_auth && !request.client_auth) {
    return absl::InvalidArgumentError(
        "a certificate request needs server_auth, client_auth or both");
  }
  // ca_ was validated by Create/Load; parsing per call keeps this const
  // method free of shared mutable OpenSSL state.
  DSFL_ASSIGN_OR_RETURN(UniqueEvpPkey ca_key,
                        ParsePrivateKeyPem(ca_.private_key_pem));
  DSFL_ASSIGN_OR_RETURN(UniqueX509 ca_cert,
                        ParseCertificatePem(ca_.certificate_pem));

  DSFL_ASSIGN_OR_RETURN(UniqueEvpPkey key, GenerateP256Key());
  DSFL_ASSIGN_OR_RETURN(UniqueX509Name subject,
                        NameWithCommonName(request.common_name));
  DSFL_ASSIGN_OR_RETURN(UniqueX509 cert,
                        NewCertificate(key.get(), subject.get(),
                                       X509_get_subject_name(ca_cert.get()),
                                       request.validity_days));
  // A leaf never outlives its CA.
  if (ASN1_TIME_compare(X509_get0_notAfter(cert.get()),
                        X509_get0_notAfter(ca_cert.get())) > 0 &&
      X509_set1_notAfter(cert.get(), X509_get0_notAfter(ca_cert.get())) != 1) {
    return OpenSslError("clamping notAfter to the CA's");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, ca_cert.get(), cert.get(), nullptr, nullptr, 0);
  DSFL_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_basic_constraints,
                                    "critical,CA:FALSE"));
  DSFL_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_key_usage,
                                    "critical,digitalSignature"));
  const char* extended_key_usage = request.server_auth && request.client_auth
                                       ? "serverAuth,clientAuth"
                                   : request.server_auth ? "serverAuth"
                                                         : "clientAuth";
  DSFL_RETURN_IF_ERROR(
      AddExtension(cert.get(), &ctx, NID_ext_key_usage, extended_key_usage));
  DSFL_RETURN_IF_ERROR(
      AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  DSFL_RETURN_IF_ERROR(AddExtension(
      cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  DSFL_RETURN_IF_ERROR(AddSubjectAltNames(cert.get(), request));
  DSFL_RETURN_IF_ERROR(Sign(cert.get(), ca_key.get()));
  return ToPem(key.get(), cert.get());
}

}  // namespace dsfl::tls
