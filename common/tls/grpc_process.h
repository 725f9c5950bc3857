// Process-wide settings for every process that runs gRPC (the daemons, the
// `dsfl` command line, the transport benchmarks). They take effect only if
// applied before gRPC starts: call PrepareProcessForGrpc() in main(), before
// any thread starts. Not thread-safe (they change the environment and
// global library state).
#ifndef DSFL_COMMON_TLS_GRPC_PROCESS_H_
#define DSFL_COMMON_TLS_GRPC_PROCESS_H_

namespace dsfl::tls {

// SelectBoundedGrpcReadPath() and UseReleaseModeMutexes().
void PrepareProcessForGrpc();

// Makes gRPC bound what it keeps per connection for socket reads, process-
// wide. gRPC 1.51's default read path (its "tcp_read_chunks" experiment)
// sizes each connection's read buffer by the largest burst seen so far,
// with no cap, and holds it while the connection waits for data: ~2 MiB per
// connection that has carried a model, 64 MiB for a master with 32 slaves.
// Its older read path caps each read at kMaxReadChunkBytes
// (common/tls/grpc_credentials.h). This selects the older path by adding
// "-tcp_read_chunks" to the GRPC_EXPERIMENTS environment variable (keeping
// whatever it already says; an explicit setting of tcp_read_chunks there
// wins). gRPC reads the variable once, at its first connection.
void SelectBoundedGrpcReadPath();

// Turns off Abseil's mutex deadlock detection. Debian builds Abseil without
// NDEBUG, so every absl::Mutex (gRPC's locks are absl::Mutex) records lock
// order in a process-wide graph behind a global spin lock, and aborts the
// process on a lock-order inversion it merely suspects. Release builds of
// Abseil skip this. Measured: 52 -> 20 ns per lock/unlock in a loop where
// half the mutexes are created and destroyed around it, and the graph's
// spin lock was ~3% of all CPU in a federation round at P = 10M, N = 8
// (docs/performance.md).
void UseReleaseModeMutexes();

}  // namespace dsfl::tls

#endif  // DSFL_COMMON_TLS_GRPC_PROCESS_H_
