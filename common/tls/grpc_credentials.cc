#include "common/tls/grpc_credentials.h"

#include <grpc/grpc.h>
#include <grpc/grpc_security_constants.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/tls/certificate_info.h"
#include "common/tls/certificate_verify.h"
#include "common/tls/openssl_util.h"
#include "common/tls/pem_files.h"

namespace dsfl::tls {
namespace {

// Prefixes `status`'s message with `context`, keeping its code.
Status Annotate(const Status& status, const std::string& context) {
  if (status.ok()) return status;
  return Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

std::string Quoted(const std::string& path) {
  return absl::StrCat("'", path, "'");
}

// The checks of ValidateTlsFiles, with `*_name` naming each input.
Status CheckTlsFiles(const TlsFiles& files, const std::string& ca_name,
                     const std::string& cert_name,
                     const std::string& key_name) {
  DSFL_RETURN_IF_ERROR(
      Annotate(ParseCertificateChainPem(files.ca_cert_pem).status(),
               absl::StrCat("CA certificate ", ca_name)));
  DSFL_RETURN_IF_ERROR(
      Annotate(ParseCertificateChainPem(files.cert_pem).status(),
               absl::StrCat("certificate ", cert_name)));
  DSFL_RETURN_IF_ERROR(Annotate(ParsePrivateKeyPem(files.key_pem).status(),
                                absl::StrCat("private key ", key_name)));
  DSFL_RETURN_IF_ERROR(Annotate(
      CheckKeyMatchesCertificate(files.key_pem, files.cert_pem),
      absl::StrCat("private key ", key_name, " and certificate ", cert_name)));
  return Annotate(
      VerifyCertificate(files.ca_cert_pem, files.cert_pem,
                        CertificatePurpose::kAny),
      absl::StrCat("certificate ", cert_name, " against CA ", ca_name));
}

}  // namespace

StatusOr<TlsFiles> LoadTlsFiles(const std::string& ca_path,
                                const std::string& cert_path,
                                const std::string& key_path) {
  TlsFiles files;
  DSFL_ASSIGN_OR_RETURN(files.ca_cert_pem, ReadPemFile(ca_path));
  DSFL_ASSIGN_OR_RETURN(files.cert_pem, ReadPemFile(cert_path));
  DSFL_ASSIGN_OR_RETURN(files.key_pem, ReadPemFile(key_path));
  DSFL_RETURN_IF_ERROR(CheckTlsFiles(files, Quoted(ca_path), Quoted(cert_path),
                                     Quoted(key_path)));
  return files;
}

Status ValidateTlsFiles(const TlsFiles& files) {
  return CheckTlsFiles(files, "(ca_cert_pem)", "(cert_pem)", "(key_pem)");
}

std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const TlsFiles& files) {
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = files.ca_cert_pem;
  options.pem_key_cert_pairs.push_back({files.key_pem, files.cert_pem});
  return grpc::SslServerCredentials(options);
}

std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(
    const TlsFiles& files) {
  grpc::SslCredentialsOptions options;
  // Non-empty, so gRPC does not fall back to the system roots.
  options.pem_root_certs = files.ca_cert_pem;
  options.pem_private_key = files.key_pem;
  options.pem_cert_chain = files.cert_pem;
  return grpc::SslCredentials(options);
}

StatusOr<PeerIdentity> PeerFromContext(const grpc::AuthContext& context) {
  const std::vector<grpc::string_ref> security =
      context.FindPropertyValues(GRPC_TRANSPORT_SECURITY_TYPE_PROPERTY_NAME);
  if (security.empty() ||
      security.front() != GRPC_SSL_TRANSPORT_SECURITY_TYPE) {
    return absl::UnauthenticatedError("call is not over TLS");
  }
  const std::vector<grpc::string_ref> pems =
      context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) {
    return absl::UnauthenticatedError("peer presented no TLS certificate");
  }
  const std::string pem(pems.front().data(), pems.front().size());
  DSFL_ASSIGN_OR_RETURN(CertificateInfo info, InspectCertificatePem(pem));
  PeerIdentity peer;
  peer.common_name = std::move(info.common_name);
  peer.uris = std::move(info.uris);
  peer.dns_names = std::move(info.dns_names);
  peer.certificate_pem = std::move(info.certificate_pem);
  peer.sha256_fingerprint = std::move(info.sha256_fingerprint);
  return peer;
}

grpc::ChannelArguments MakeChannelArguments(
    const std::string& ssl_target_name_override) {
  grpc::ChannelArguments args;
  if (!ssl_target_name_override.empty()) {
    args.SetSslTargetNameOverride(ssl_target_name_override);
  }
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);  // Unlimited.
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, kStreamWindowBytes);
  args.SetInt(GRPC_ARG_HTTP2_MAX_FRAME_SIZE, kMaxFrameBytes);
  args.SetInt(GRPC_ARG_TCP_MAX_READ_CHUNK_SIZE, kMaxReadChunkBytes);
  return args;
}

void ApplyServerArguments(grpc::ServerBuilder* builder) {
  // Accept the client's keepalive pings (every kKeepaliveTimeMs, also
  // between calls) and ping idle clients at the same rate.
  builder->AddChannelArgument(
      GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
      kKeepaliveTimeMs / 2);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                              kKeepaliveTimeoutMs);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  builder->SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder->SetMaxSendMessageSize(kMaxMessageBytes);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES,
                              kStreamWindowBytes);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_FRAME_SIZE, kMaxFrameBytes);
  builder->AddChannelArgument(GRPC_ARG_TCP_MAX_READ_CHUNK_SIZE,
                              kMaxReadChunkBytes);
}

}  // namespace dsfl::tls
