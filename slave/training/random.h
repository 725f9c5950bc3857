// Platform-independent pseudo-random numbers for dsfl_training (plain C++).
//
// The held-out split and the minibatch order must be identical on every
// slave, compiler and standard library, so they do not use <random>'s
// distributions (whose algorithms are implementation-defined). Everything is
// built on splitmix64 (Steele, Lea & Flood 2014).
//
// Thread-compatibility: SplitMix64 is a plain value; one object per thread.
#ifndef DSFL_SLAVE_TRAINING_RANDOM_H_
#define DSFL_SLAVE_TRAINING_RANDOM_H_

#include <cstdint>
#include <vector>

namespace dsfl::training {

// The splitmix64 finaliser of x + golden gamma: a stateless 64-bit hash.
uint64_t SplitMix64Hash(uint64_t x);

// Maps a 64-bit value to a double in [0, 1) using its top 53 bits.
double ToUnitInterval(uint64_t bits);

class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}

  uint64_t Next();
  // Uniform integer in [0, bound) without modulo bias; bound > 0.
  uint64_t Uniform(uint64_t bound);

 private:
  uint64_t state_;
};

// Fisher-Yates shuffle driven by `rng`.
void Shuffle(std::vector<int64_t>* values, SplitMix64* rng);

}  // namespace dsfl::training

#endif  // DSFL_SLAVE_TRAINING_RANDOM_H_
