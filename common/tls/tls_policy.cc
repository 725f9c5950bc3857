#include "common/tls/tls_policy.h"

#include <openssl/conf.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>

#include <mutex>

#include "common/tls/openssl_util.h"

namespace dsfl::tls {
namespace {

// openssl.cnf syntax; see tls_policy.h for why each line is there.
constexpr char kPolicyConfig[] = R"(openssl_conf = dsfl_openssl_init

[dsfl_openssl_init]
ssl_conf = dsfl_ssl_conf

[dsfl_ssl_conf]
system_default = dsfl_tls13_only

[dsfl_tls13_only]
MinProtocol = TLSv1.3
Protocol = -SSLv3, -TLSv1, -TLSv1.1, -TLSv1.2
CipherString = DEFAULT:@SECLEVEL=2
)";

Status LoadPolicy() {
  // Load the default openssl.cnf now (a no-op if already done): otherwise
  // the first SSL_CTX_new() would load it later and its ssl_conf, if any,
  // would replace ours.
  if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS |
                           OPENSSL_INIT_LOAD_CRYPTO_STRINGS |
                           OPENSSL_INIT_LOAD_CONFIG,
                       nullptr) != 1) {
    return OpenSslError("OPENSSL_init_ssl");
  }
  DSFL_ASSIGN_OR_RETURN(UniqueBio bio, MemoryBioOver(kPolicyConfig));
  UniqueConf conf(NCONF_new(nullptr));
  if (conf == nullptr) return OpenSslError("NCONF_new");
  long error_line = -1;  // NOLINT(runtime/int): OpenSSL's type.
  if (NCONF_load_bio(conf.get(), bio.get(), &error_line) != 1) {
    return OpenSslError("parsing the TLS policy configuration");
  }
  // Without CONF_MFLAGS_IGNORE_ERRORS an unknown command (e.g. a typo in
  // the section) makes this fail instead of being skipped silently.
  if (CONF_modules_load(conf.get(), nullptr, 0) <= 0) {
    return OpenSslError("loading the TLS policy configuration");
  }
  return absl::OkStatus();
}

}  // namespace

bool NewContextsRequireTls13() {
  UniqueSslCtx ctx(SSL_CTX_new(TLS_method()));
  if (ctx == nullptr) {
    ClearOpenSslErrors();
    return false;
  }
  return SSL_CTX_get_min_proto_version(ctx.get()) == TLS1_3_VERSION &&
         (SSL_CTX_get_options(ctx.get()) & SSL_OP_NO_TLSv1_2) != 0;
}

Status RequireTls13ProcessWide() {
  static std::mutex mutex;
  static bool loaded = false;
  std::lock_guard<std::mutex> lock(mutex);
  if (!loaded) {
    DSFL_RETURN_IF_ERROR(LoadPolicy());
    loaded = true;
  }
  if (!NewContextsRequireTls13()) {
    return absl::InternalError(
        "TLS 1.3 policy loaded, but a new SSL_CTX does not carry it (was "
        "the ssl_conf module replaced by another CONF_modules_load?)");
  }
  return absl::OkStatus();
}

}  // namespace dsfl::tls
