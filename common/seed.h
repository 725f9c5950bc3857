// Deterministic seed derivation: every random choice in a job (node
// sampling, per-node training seeds, data splits) is a pure function of the
// job's seed and a label, so a run is reproducible and resumable.
#ifndef DSFL_COMMON_SEED_H_
#define DSFL_COMMON_SEED_H_

#include <cstdint>
#include <string_view>

namespace dsfl {

// SplitMix64 finaliser: a bijective 64-bit mix with good avalanche.
constexpr uint64_t Mix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Seed for (base, label, index), e.g. DeriveSeed(job_seed, node_id, round).
constexpr uint64_t DeriveSeed(uint64_t base, std::string_view label,
                              uint64_t index) {
  uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a over the label
  for (char c : label) {
    h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ULL;
  }
  return Mix64(Mix64(base ^ h) ^ index);
}

}  // namespace dsfl

#endif  // DSFL_COMMON_SEED_H_
