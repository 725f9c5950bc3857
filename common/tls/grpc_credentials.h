// Mutual-TLS credentials and channel settings for the master <-> slave gRPC
// federation, plus the verified peer identity on the server side.
//
// Both ends present a certificate and verify the other's against the
// federation CA (the dev CA, or the hospital PKI's root): the server
// requires and verifies client certificates, the client verifies the
// server's certificate and its name (the target host, or the
// ssl_target_name_override given to MakeChannelArguments). TLS 1.3 only is
// enforced process-wide by RequireTls13ProcessWide() (tls_policy.h), which
// must be called before any credentials are created.
//
// Errors: LoadTlsFiles returns NotFound / InvalidArgument naming the file
// (missing or malformed file, key not matching the certificate, certificate
// not issued by the CA); PeerFromContext returns Unauthenticated when the
// call has no TLS peer certificate.
// Ownership: gRPC's credential factories return shared_ptr; so do these.
// Threading: all functions are thread-safe; the returned credentials and
// arguments may be shared between threads.
#ifndef DSFL_COMMON_TLS_GRPC_CREDENTIALS_H_
#define DSFL_COMMON_TLS_GRPC_CREDENTIALS_H_

#include <grpcpp/security/auth_context.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace dsfl::tls {

// One node's TLS material, as PEM text.
struct TlsFiles {
  std::string ca_cert_pem;  // Trusted root(s) that peers must chain to.
  std::string cert_pem;     // Own certificate, then any intermediates.
  std::string key_pem;      // Own private key (unencrypted).
};

// Reads and checks the three files: each parses, the key belongs to the
// certificate, and the certificate verifies against the CA now (so an
// expired or foreign certificate fails at startup, not at first handshake).
StatusOr<TlsFiles> LoadTlsFiles(const std::string& ca_path,
                                const std::string& cert_path,
                                const std::string& key_path);

// The same checks for in-memory material (e.g. fresh from the dev CA).
// InvalidArgument on failure.
Status ValidateTlsFiles(const TlsFiles& files);

// Server credentials that present `files.cert_pem` and REQUIRE a client
// certificate that verifies against `files.ca_cert_pem`
// (GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY). `files`
// should have passed LoadTlsFiles/ValidateTlsFiles: gRPC itself only
// rejects bad material when the server starts or at handshake time.
std::shared_ptr<grpc::ServerCredentials> MakeServerCredentials(
    const TlsFiles& files);

// Channel credentials that present `files.cert_pem` and verify the server's
// certificate against `files.ca_cert_pem` (never the system roots).
std::shared_ptr<grpc::ChannelCredentials> MakeChannelCredentials(
    const TlsFiles& files);

// Who is on the other end of a call, from its verified certificate.
struct PeerIdentity {
  std::string common_name;             // Subject CN.
  std::vector<std::string> uris;       // SAN URIs, e.g. "did:web:...".
  std::vector<std::string> dns_names;  // SAN DNS names.
  std::string certificate_pem;         // The peer's leaf certificate.
  std::string sha256_fingerprint;      // Lower-case hex SHA-256 of its DER.
};

// The client's identity inside a server handler:
//   PeerFromContext(*server_context->auth_context())
// Only meaningful on a server built with MakeServerCredentials, where gRPC
// has already verified the certificate against the CA; this function does
// not verify anything itself. Unauthenticated if the call is not over TLS
// or carries no peer certificate (e.g. an --insecure server).
StatusOr<PeerIdentity> PeerFromContext(const grpc::AuthContext& context);

// Keepalive and size limits for long training rounds. Model chunks are
// about 1 MiB; 8 MiB leaves room for a chunk plus its envelope and for
// small job definitions. Keepalive pings run every 30 s in both directions,
// also while a slave trains for hours without sending anything, so idle
// NATs and firewalls keep the connection; a call's own deadline (the
// round timeout) is what bounds a training call, never idleness.
inline constexpr int kKeepaliveTimeMs = 30 * 1000;
inline constexpr int kKeepaliveTimeoutMs = 10 * 1000;
inline constexpr int kMaxMessageBytes = 8 * 1024 * 1024;

// HTTP/2 flow control (docs/performance.md). gRPC's default BDP probing
// grows each stream's receive window to many MiB; a master receiving N
// updates at once then buffers N windows (measured: 10x the model at
// P = 10M, N = 8). A fixed window of kStreamWindowBytes per stream bounds
// what a receiver buffers to N x 1 MiB, and still carries 1 MiB per round
// trip time per stream (~100 MB/s at 10 ms RTT, well above a hospital
// uplink; on loopback the window is never the bottleneck).
inline constexpr int kStreamWindowBytes = 1024 * 1024;
// Largest HTTP/2 DATA frame we accept (the peer may send up to this): fewer
// frame headers and wakeups per 1 MiB chunk than the 16 KiB default.
inline constexpr int kMaxFrameBytes = 1024 * 1024;

// Largest socket read gRPC makes into fresh buffers, per connection
// (GRPC_ARG_TCP_MAX_READ_CHUNK_SIZE, honoured on the read path that
// SelectBoundedGrpcReadPath() in common/tls/grpc_process.h selects).
// Measured at P = 50M, N = 32: the master's peak is 2.30 x the model with
// 64 KiB, 2.36 x with 256 KiB, 2.49 x unbounded; 64 KiB reads were no
// slower (docs/performance.md).
inline constexpr int kMaxReadChunkBytes = 64 * 1024;

// Client channel arguments: keepalive ping every kKeepaliveTimeMs even
// without active calls, unlimited pings without data, kMaxMessageBytes in
// both directions, the flow-control settings and read bound above, and the
// TLS name to verify
// the server's certificate against if `ssl_target_name_override` is non-empty
// (e.g. the slave's DNS SAN when connecting by IP address).
grpc::ChannelArguments MakeChannelArguments(
    const std::string& ssl_target_name_override);

// The server side of the same settings (keepalive, sizes, flow control,
// read bound).
// Without it the server answers the client's 30 s keepalive pings with GOAWAY
// "too_many_pings" (gRPC's default minimum is 5 minutes). Call before
// builder->BuildAndStart().
void ApplyServerArguments(grpc::ServerBuilder* builder);

}  // namespace dsfl::tls

#endif  // DSFL_COMMON_TLS_GRPC_CREDENTIALS_H_
