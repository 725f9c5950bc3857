// Four independent SHA-256 computations at once with the x86 SHA extensions
// (SHA-NI). One SHA-256 stream is latency-bound: each block is a chain of 32
// dependent sha256rnds2 instructions, so a core that can issue more of them
// sits idle. Interleaving four streams fills that gap: on the 2-vCPU AMD
// EPYC of docs/performance.md one stream (this code or OpenSSL's) runs at
// 1.96 GB/s, four interleaved at 3.2-3.5 GB/s per core. Six or eight
// streams are no faster (SHA-NI can only address xmm0-15; the state
// spills).
//
// Only the compression function lives here; padding and message layout are
// the caller's (common/tree_digest.cc). All functions are thread-safe (no
// shared state beyond a constant).
#ifndef DSFL_COMMON_SHA256_LANES_H_
#define DSFL_COMMON_SHA256_LANES_H_

#include <array>
#include <cstddef>
#include <cstdint>

#include "common/sha256.h"

namespace dsfl::sha256_lanes {

inline constexpr int kLanes = 4;

// The working state of kLanes SHA-256 computations, in the register layout
// SHA-NI wants. Start with Init(); read digests with Digest().
struct State {
  alignas(16) uint32_t abef[kLanes][4];
  alignas(16) uint32_t cdgh[kLanes][4];
};

// True if this CPU has SHA-NI, SSSE3 and SSE4.1 (checked once, cpuid) and
// the lanes were not turned off for a test. When false, Compress() must not
// be called.
bool Available();

// Tests only: makes Available() false (true again: back to the CPU's
// answer), so that the OpenSSL-only path of TreeDigest can be exercised on
// a CPU with SHA-NI. Not for use while other threads hash.
void DisableForTesting(bool disabled);

// Every lane at SHA-256's initial hash value.
void Init(State* state);

// Compresses `blocks` consecutive 64-byte blocks per lane: lane i reads
// blocks * 64 bytes from blocks_of[i] (any alignment).
void Compress(State* state, const uint8_t* const blocks_of[kLanes],
              size_t blocks);

// Lane `lane`'s digest (big-endian bytes, as SHA-256 prints it). Only
// meaningful after the caller compressed the padded message.
Sha256Digest Digest(const State& state, int lane);

}  // namespace dsfl::sha256_lanes

#endif  // DSFL_COMMON_SHA256_LANES_H_
