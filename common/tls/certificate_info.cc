#include "common/tls/certificate_info.h"

#include <arpa/inet.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include "common/tls/openssl_util.h"

namespace dsfl::tls {
namespace {

StatusOr<std::string> CommonName(X509* cert) {
  const X509_NAME* subject = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
  if (index < 0) return std::string();
  const ASN1_STRING* value =
      X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) return OpenSslError("decoding the subject common name");
  std::string common_name(reinterpret_cast<char*>(utf8),
                          static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return common_name;
}

// An IA5String SAN as text; refuses embedded NULs (the classic
// "good.example\0.evil.example" confusion).
StatusOr<std::string> Ia5Text(const ASN1_IA5STRING* value) {
  std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                   static_cast<size_t>(ASN1_STRING_length(value)));
  if (text.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(
        "certificate subjectAltName contains a NUL byte");
  }
  return text;
}

StatusOr<std::string> IpText(const ASN1_OCTET_STRING* value) {
  const int length = ASN1_STRING_length(value);
  const int family = length == 4 ? AF_INET : length == 16 ? AF_INET6 : -1;
  char text[INET6_ADDRSTRLEN];
  if (family < 0 || inet_ntop(family, ASN1_STRING_get0_data(value), text,
                              sizeof(text)) == nullptr) {
    return absl::InvalidArgumentError(
        "certificate subjectAltName has a malformed IP address");
  }
  return std::string(text);
}

Status AddSubjectAltNames(X509* cert, CertificateInfo* info) {
  int critical = 0;
  UniqueGeneralNames names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert, NID_subject_alt_name, &critical, nullptr)));
  if (names == nullptr) {
    // -1: no such extension; -2: more than one, which is malformed.
    if (critical == -1) return absl::OkStatus();
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "malformed subjectAltName");
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    switch (name->type) {
      case GEN_DNS: {
        DSFL_ASSIGN_OR_RETURN(std::string dns, Ia5Text(name->d.dNSName));
        info->dns_names.push_back(std::move(dns));
        break;
      }
      case GEN_URI: {
        DSFL_ASSIGN_OR_RETURN(std::string uri,
                              Ia5Text(name->d.uniformResourceIdentifier));
        info->uris.push_back(std::move(uri));
        break;
      }
      case GEN_IPADD: {
        DSFL_ASSIGN_OR_RETURN(std::string ip, IpText(name->d.iPAddress));
        info->ip_addresses.push_back(std::move(ip));
        break;
      }
      default:
        break;  // Email, directory names etc. carry no dsfl identity.
    }
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<CertificateInfo> InspectCertificate(X509* cert) {
  CertificateInfo info;
  DSFL_ASSIGN_OR_RETURN(info.common_name, CommonName(cert));
  DSFL_RETURN_IF_ERROR(AddSubjectAltNames(cert, &info));
  DSFL_ASSIGN_OR_RETURN(info.sha256_fingerprint, CertificateSha256Hex(cert));
  DSFL_ASSIGN_OR_RETURN(info.certificate_pem, CertificateToPem(cert));
  return info;
}

StatusOr<CertificateInfo> InspectCertificatePem(std::string_view pem) {
  DSFL_ASSIGN_OR_RETURN(UniqueX509 cert, ParseCertificatePem(pem));
  return InspectCertificate(cert.get());
}

}  // namespace dsfl::tls
