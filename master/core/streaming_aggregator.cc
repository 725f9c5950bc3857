#include "master/core/streaming_aggregator.h"

#include <malloc.h>

#include <algorithm>
#include <cstring>

#include "common/model_buffer_pool.h"

namespace dsfl::master {
namespace {

// acc[i] += w * x[i] (kAdd) or acc[i] = w * x[i] (the first fold into a
// region, so that the accumulator needs no zeroing: it is a reused buffer
// with old contents), over unaligned float32 input. Blocks of 16 with a
// fixed, fully unrolled trip count, so that GCC vectorises them at -O2 (its
// "very cheap" cost model skips loops whose count is not a known multiple
// of the vector width) into unaligned vector loads, multiplies and adds:
// as fast as an -O3 axpy, in cache and at memory speed (docs/performance.md,
// `aggregate`). Per-element memcpy loads, not a copy into a temporary block.
template <bool kAdd>
inline void FoldValue(float* acc, float w, float v) {
  if constexpr (kAdd) {
    *acc += w * v;
  } else {
    *acc = w * v;
  }
}

template <bool kAdd>
void Axpy(float* __restrict acc, const char* __restrict x, size_t count,
          float w) {
  size_t i = 0;
  for (; i + 16 <= count; i += 16) {
#pragma GCC unroll 16
    for (size_t j = 0; j < 16; ++j) {
      float v;
      std::memcpy(&v, x + (i + j) * sizeof(float), sizeof(float));
      FoldValue<kAdd>(&acc[i + j], w, v);
    }
  }
  for (; i < count; ++i) {
    float v;
    std::memcpy(&v, x + i * sizeof(float), sizeof(float));
    FoldValue<kAdd>(&acc[i], w, v);
  }
}

}  // namespace

StreamingAggregator::StreamingAggregator(const ModelSpec& spec,
                                         uint32_t chunk_bytes)
    : spec_(spec),
      elements_per_region_(chunk_bytes / sizeof(float)),
      // The previous round's global model's buffer, when the job runner
      // handed it back: no mapping, faulting in or zeroing of a model-sized
      // buffer at the start of every round (a fresh one is advised for huge
      // pages). Its old contents are never read: the first fold into a
      // region writes instead of adding, and Finish() fills regions nobody
      // folded into from the global model.
      accumulator_(ModelBufferPool::Shared().Take(spec.total_numel())) {
  uint64_t n = accumulator_.size();
  region_count_ = static_cast<size_t>(std::max<uint64_t>(
      1, (n + elements_per_region_ - 1) / elements_per_region_));
  regions_ = std::make_unique<Region[]>(region_count_);
}

void StreamingAggregator::Fold(uint64_t first_element, const char* values,
                               size_t count, float weight) {
  const std::string_view piece(values, count * sizeof(float));
  Fold(first_element, absl::MakeConstSpan(&piece, 1), weight);
}

void StreamingAggregator::Fold(uint64_t first_element,
                               absl::Span<const std::string_view> pieces,
                               float weight) {
  Region& region = regions_[first_element / elements_per_region_];
  std::lock_guard<std::mutex> lock(region.mu);
  float* acc = accumulator_.data() + first_element;
  const bool written = region.written;
  (void)ForEachFloatRun(pieces, [&](const char* values, size_t count) {
    if (written) {
      Axpy<true>(acc, values, count, weight);
    } else {
      Axpy<false>(acc, values, count, weight);
    }
    acc += count;
    return absl::OkStatus();
  });
  region.written = true;
  region.weight += weight;
}

double StreamingAggregator::RegionWeight(uint64_t element) const {
  Region& region = regions_[element / elements_per_region_];
  std::lock_guard<std::mutex> lock(region.mu);
  return region.weight;
}

FlatModel StreamingAggregator::Finish(const FlatModel& global) && {
  for (size_t r = 0; r < region_count_; ++r) {
    uint64_t begin = r * elements_per_region_;
    uint64_t end =
        std::min<uint64_t>(accumulator_.size(), begin + elements_per_region_);
    double weight = regions_[r].weight;
    if (regions_[r].written && weight > 0.0) {
      const float inverse = static_cast<float>(1.0 / weight);
      for (uint64_t i = begin; i < end; ++i) accumulator_[i] *= inverse;
    } else {
      std::copy(global.values.begin() + begin, global.values.begin() + end,
                accumulator_.begin() + begin);
    }
  }
  FlatModel result;
  result.spec = std::move(spec_);
  result.values = std::move(accumulator_);
  // The end of a round: give the memory freed since (the round's gRPC read
  // and TLS buffers, chunk buffers) back to the kernel. glibc's arenas keep
  // it otherwise, and their free space creeps up over many rounds
  // (docs/performance.md, master_rss). A few ms once per round.
  malloc_trim(0);
  return result;
}

Status StreamingAggregator::NodeSink::Consume(uint64_t first_element,
                                              const char* values,
                                              size_t count) {
  aggregator_->Fold(first_element, values, count, weight_);
  return absl::OkStatus();
}

Status StreamingAggregator::NodeSink::ConsumePieces(
    uint64_t first_element, absl::Span<const std::string_view> pieces) {
  aggregator_->Fold(first_element, pieces, weight_);
  return absl::OkStatus();
}

}  // namespace dsfl::master
