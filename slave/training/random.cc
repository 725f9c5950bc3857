#include "slave/training/random.h"

#include <cstddef>
#include <utility>

namespace dsfl::training {
namespace {

constexpr uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

uint64_t Mix(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

uint64_t SplitMix64Hash(uint64_t x) { return Mix(x + kGoldenGamma); }

double ToUnitInterval(uint64_t bits) {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

uint64_t SplitMix64::Next() {
  state_ += kGoldenGamma;
  return Mix(state_);
}

uint64_t SplitMix64::Uniform(uint64_t bound) {
  // Rejection sampling on the largest multiple of `bound` below 2^64.
  const uint64_t limit = -bound % bound;  // (2^64 - bound) mod bound
  while (true) {
    const uint64_t r = Next();
    if (r >= limit) return r % bound;
  }
}

void Shuffle(std::vector<int64_t>* values, SplitMix64* rng) {
  for (std::size_t i = values->size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng->Uniform(i));
    std::swap((*values)[i - 1], (*values)[j]);
  }
}

}  // namespace dsfl::training
