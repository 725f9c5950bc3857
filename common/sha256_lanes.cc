#include "common/sha256_lanes.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace dsfl::sha256_lanes {

#if defined(__x86_64__)
namespace {

// The round constants, four per 128-bit load.
alignas(16) constexpr uint32_t kRoundConstants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t kInitialHash[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
                                      0xa54ff53a, 0x510e527f, 0x9b05688c,
                                      0x1f83d9ab, 0x5be0cd19};

#define DSFL_SHA_TARGET __attribute__((target("sha,ssse3,sse4.1")))
#define DSFL_SHA_INLINE DSFL_SHA_TARGET __attribute__((always_inline)) inline

// Four rounds on every lane: message words m (already scheduled) plus the
// constants at k. The lanes' instructions are issued side by side so that
// the out-of-order core overlaps their dependency chains.
DSFL_SHA_INLINE void FourRounds(__m128i* abef, __m128i* cdgh, const __m128i* m,
                                int k) {
  const __m128i constants =
      _mm_load_si128(reinterpret_cast<const __m128i*>(kRoundConstants + k));
  __m128i msg[kLanes];
#pragma GCC unroll 4
  for (int j = 0; j < kLanes; ++j) msg[j] = _mm_add_epi32(m[j], constants);
#pragma GCC unroll 4
  for (int j = 0; j < kLanes; ++j) {
    cdgh[j] = _mm_sha256rnds2_epu32(cdgh[j], abef[j], msg[j]);
  }
#pragma GCC unroll 4
  for (int j = 0; j < kLanes; ++j) msg[j] = _mm_shuffle_epi32(msg[j], 0x0E);
#pragma GCC unroll 4
  for (int j = 0; j < kLanes; ++j) {
    abef[j] = _mm_sha256rnds2_epu32(abef[j], cdgh[j], msg[j]);
  }
}

// First half of the schedule: w[i..i+3] gets its sigma0 terms.
DSFL_SHA_INLINE void Schedule1(__m128i* w, const __m128i* next) {
#pragma GCC unroll 4
  for (int j = 0; j < kLanes; ++j) w[j] = _mm_sha256msg1_epu32(w[j], next[j]);
}

// Second half: target += w[i-7..i-4] (from prev:cur), then the sigma1
// terms from cur.
DSFL_SHA_INLINE void Schedule2(__m128i* target, const __m128i* cur,
                               const __m128i* prev) {
#pragma GCC unroll 4
  for (int j = 0; j < kLanes; ++j) {
    const __m128i shifted = _mm_alignr_epi8(cur[j], prev[j], 4);
    target[j] = _mm_sha256msg2_epu32(_mm_add_epi32(target[j], shifted), cur[j]);
  }
}

// Four big-endian message words from 16 bytes at p.
DSFL_SHA_INLINE __m128i LoadWords(const uint8_t* p, __m128i byte_swap) {
  return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)),
                          byte_swap);
}

DSFL_SHA_TARGET void CompressLanes(State* state,
                                   const uint8_t* const blocks_of[kLanes],
                                   size_t blocks) {
  // The state lives in registers for the whole call: through memory it
  // would put a store-to-load round trip on every round's critical path.
  __m128i abef[kLanes];
  __m128i cdgh[kLanes];
  const uint8_t* data[kLanes];
#pragma GCC unroll 4
  for (int j = 0; j < kLanes; ++j) {
    abef[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(state->abef[j]));
    cdgh[j] = _mm_load_si128(reinterpret_cast<const __m128i*>(state->cdgh[j]));
    data[j] = blocks_of[j];
  }
  const __m128i byte_swap =
      _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
  for (size_t b = 0; b < blocks; ++b) {
    __m128i saved_abef[kLanes], saved_cdgh[kLanes];
    __m128i m0[kLanes], m1[kLanes], m2[kLanes], m3[kLanes];
#pragma GCC unroll 4
    for (int j = 0; j < kLanes; ++j) {
      saved_abef[j] = abef[j];
      saved_cdgh[j] = cdgh[j];
      const uint8_t* p = data[j] + b * 64;
      m0[j] = LoadWords(p, byte_swap);
      m1[j] = LoadWords(p + 16, byte_swap);
      m2[j] = LoadWords(p + 32, byte_swap);
      m3[j] = LoadWords(p + 48, byte_swap);
    }
    FourRounds(abef, cdgh, m0, 0);
    FourRounds(abef, cdgh, m1, 4);
    Schedule1(m0, m1);
    FourRounds(abef, cdgh, m2, 8);
    Schedule1(m1, m2);
    FourRounds(abef, cdgh, m3, 12);
    Schedule2(m0, m3, m2);
    Schedule1(m2, m3);
    // Rounds 16..55: the four message registers rotate.
#define DSFL_SHA_STEP(cur, next, prev, k) \
  FourRounds(abef, cdgh, cur, k);         \
  Schedule2(next, cur, prev);             \
  Schedule1(prev, cur);
    DSFL_SHA_STEP(m0, m1, m3, 16)
    DSFL_SHA_STEP(m1, m2, m0, 20)
    DSFL_SHA_STEP(m2, m3, m1, 24)
    DSFL_SHA_STEP(m3, m0, m2, 28)
    DSFL_SHA_STEP(m0, m1, m3, 32)
    DSFL_SHA_STEP(m1, m2, m0, 36)
    DSFL_SHA_STEP(m2, m3, m1, 40)
    DSFL_SHA_STEP(m3, m0, m2, 44)
    DSFL_SHA_STEP(m0, m1, m3, 48)
    DSFL_SHA_STEP(m1, m2, m0, 52)
#undef DSFL_SHA_STEP
    FourRounds(abef, cdgh, m2, 56);
    Schedule2(m3, m2, m1);
    FourRounds(abef, cdgh, m3, 60);
#pragma GCC unroll 4
    for (int j = 0; j < kLanes; ++j) {
      abef[j] = _mm_add_epi32(abef[j], saved_abef[j]);
      cdgh[j] = _mm_add_epi32(cdgh[j], saved_cdgh[j]);
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < kLanes; ++j) {
    _mm_store_si128(reinterpret_cast<__m128i*>(state->abef[j]), abef[j]);
    _mm_store_si128(reinterpret_cast<__m128i*>(state->cdgh[j]), cdgh[j]);
  }
}

bool DetectShaNi() {
  unsigned eax, ebx, ecx, edx;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool ssse3 = (ecx & bit_SSSE3) != 0;
  const bool sse41 = (ecx & bit_SSE4_1) != 0;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  const bool sha = (ebx & bit_SHA) != 0;
  return ssse3 && sse41 && sha;
}

std::atomic<bool> disabled_for_testing{false};

}  // namespace

bool Available() {
  static const bool available = DetectShaNi();
  return available && !disabled_for_testing.load(std::memory_order_relaxed);
}

void DisableForTesting(bool disabled) {
  disabled_for_testing.store(disabled, std::memory_order_relaxed);
}

void Init(State* state) {
  // SHA-NI keeps the eight words as {a,b,e,f} and {c,d,g,h}, each register
  // in reversed word order.
  const uint32_t* h = kInitialHash;
  for (int j = 0; j < kLanes; ++j) {
    const uint32_t abef[4] = {h[5], h[4], h[1], h[0]};
    const uint32_t cdgh[4] = {h[7], h[6], h[3], h[2]};
    std::memcpy(state->abef[j], abef, sizeof(abef));
    std::memcpy(state->cdgh[j], cdgh, sizeof(cdgh));
  }
}

void Compress(State* state, const uint8_t* const blocks_of[kLanes],
              size_t blocks) {
  if (!Available()) std::abort();  // a caller bug: see Available()
  CompressLanes(state, blocks_of, blocks);
}

Sha256Digest Digest(const State& state, int lane) {
  const uint32_t* abef = state.abef[lane];
  const uint32_t* cdgh = state.cdgh[lane];
  const uint32_t words[8] = {abef[3], abef[2], cdgh[3], cdgh[2],
                             abef[1], abef[0], cdgh[1], cdgh[0]};
  Sha256Digest digest;
  for (int i = 0; i < 8; ++i) {
    digest[4 * i] = static_cast<uint8_t>(words[i] >> 24);
    digest[4 * i + 1] = static_cast<uint8_t>(words[i] >> 16);
    digest[4 * i + 2] = static_cast<uint8_t>(words[i] >> 8);
    digest[4 * i + 3] = static_cast<uint8_t>(words[i]);
  }
  return digest;
}

#else  // !defined(__x86_64__)

bool Available() { return false; }
void DisableForTesting(bool) {}
void Init(State* state) { std::memset(state, 0, sizeof(*state)); }
void Compress(State*, const uint8_t* const[kLanes], size_t) { std::abort(); }
Sha256Digest Digest(const State&, int) { std::abort(); }

#endif

}  // namespace dsfl::sha256_lanes
