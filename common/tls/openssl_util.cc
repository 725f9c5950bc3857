#include "common/tls/openssl_util.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <climits>

#include "absl/strings/str_cat.h"

namespace dsfl::tls {
namespace {

// "a; b; c" of this thread's queued OpenSSL errors (oldest first), draining
// the queue. "no OpenSSL error queued" if it is empty.
std::string DrainErrorQueue() {
  std::string text;
  unsigned long code = 0;  // NOLINT(runtime/int): OpenSSL's type.
  while ((code = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof(buffer));
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "no OpenSSL error queued" : text;
}

// Refuses encrypted PEM instead of prompting on the terminal (OpenSSL's
// default when no callback is given), which would hang a daemon.
int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) {
  return -1;
}

}  // namespace

Status OpenSslError(std::string_view what) {
  return OpenSslError(absl::StatusCode::kInternal, what);
}

Status OpenSslError(absl::StatusCode code, std::string_view what) {
  // Debian's abseil has its own string_view type, not std::string_view.
  return Status(code, absl::StrCat(absl::string_view(what.data(), what.size()),
                                   ": ", DrainErrorQueue()));
}

void ClearOpenSslErrors() { ERR_clear_error(); }

StatusOr<UniqueBio> MemoryBioOver(std::string_view data) {
  if (data.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("PEM input larger than 2 GiB");
  }
  UniqueBio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  if (bio == nullptr) return OpenSslError("BIO_new_mem_buf");
  return bio;
}

std::string MemoryBioContents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);  // NOLINT(runtime/int)
  if (size <= 0 || data == nullptr) return "";
  return std::string(data, static_cast<size_t>(size));
}

StatusOr<UniqueEvpPkey> ParsePrivateKeyPem(std::string_view pem) {
  DSFL_ASSIGN_OR_RETURN(UniqueBio bio, MemoryBioOver(pem));
  UniqueEvpPkey key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassphrase, nullptr));
  if (key == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "not an unencrypted PEM private key");
  }
  return key;
}

StatusOr<UniqueX509> ParseCertificatePem(std::string_view pem) {
  DSFL_ASSIGN_OR_RETURN(UniqueBio bio, MemoryBioOver(pem));
  UniqueX509 cert(
      PEM_read_bio_X509(bio.get(), nullptr, &NoPassphrase, nullptr));
  if (cert == nullptr) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "not a PEM certificate");
  }
  return cert;
}

StatusOr<UniqueX509Stack> ParseCertificateChainPem(std::string_view pem) {
  ClearOpenSslErrors();  // The end-of-input check below peeks the queue.
  DSFL_ASSIGN_OR_RETURN(UniqueBio bio, MemoryBioOver(pem));
  UniqueX509Stack chain(sk_X509_new_null());
  if (chain == nullptr) return OpenSslError("sk_X509_new_null");
  while (true) {
    UniqueX509 cert(
        PEM_read_bio_X509(bio.get(), nullptr, &NoPassphrase, nullptr));
    if (cert == nullptr) break;
    if (sk_X509_push(chain.get(), cert.get()) == 0) {
      return OpenSslError("sk_X509_push");
    }
    cert.release();  // Now owned by `chain`.
  }
  // PEM_read_bio_X509 ends with "no start line" at the end of the input;
  // anything else means a malformed block.
  const unsigned long last = ERR_peek_last_error();  // NOLINT(runtime/int)
  const bool clean_end = ERR_GET_LIB(last) == ERR_LIB_PEM &&
                         ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (sk_X509_num(chain.get()) == 0 || (last != 0 && !clean_end)) {
    return OpenSslError(absl::StatusCode::kInvalidArgument,
                        "not a PEM certificate chain");
  }
  ClearOpenSslErrors();
  return chain;
}

StatusOr<std::string> PrivateKeyToPem(EVP_PKEY* key) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return OpenSslError("BIO_new");
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0,
                                    nullptr, nullptr) != 1) {
    return OpenSslError("PEM_write_bio_PKCS8PrivateKey");
  }
  return MemoryBioContents(bio.get());
}

StatusOr<std::string> CertificateToPem(X509* cert) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr) return OpenSslError("BIO_new");
  if (PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpenSslError("PEM_write_bio_X509");
  }
  return MemoryBioContents(bio.get());
}

StatusOr<std::string> CertificateSha256Hex(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) {
    return OpenSslError("X509_digest");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

}  // namespace dsfl::tls
