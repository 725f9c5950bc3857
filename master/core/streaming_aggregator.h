// StreamingAggregator: example-weighted averaging (FedAvg) that folds each
// update chunk into one preallocated float32 accumulator the moment it
// arrives. The master therefore holds the global model plus one accumulator
// (2x the model) however many slaves report, never N updates.
// The accumulator comes from ModelBufferPool::Shared(): the job runner
// hands each replaced global model's buffer back, so a round does not map,
// fault in and zero a model-sized buffer (~30 ms serial at P = 10M).
//
// The accumulator is divided into regions, one per cell of the chunk grid
// (see common/model_stream.h). Each region keeps the total weight folded
// into it, so a slave whose stream breaks after k chunks contributes exactly
// the k regions it delivered: every parameter ends up as the weighted mean
// over the slaves that delivered it, and a region no slave delivered keeps
// the global values. Chunks are validated (offset, size, finiteness) before
// they reach Fold().
//
// Thread-safety: Fold() may be called concurrently from several streams;
// different regions fold in parallel, the same region is serialised by a
// per-region lock. Finish() must be called once, after all Fold() calls
// returned. Folding order inside a region follows arrival order; callers
// that need bit-for-bit reproducible runs fold sequentially.
#ifndef DSFL_MASTER_CORE_STREAMING_AGGREGATOR_H_
#define DSFL_MASTER_CORE_STREAMING_AGGREGATOR_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/flat_model.h"
#include "common/model_stream.h"

namespace dsfl::master {

class StreamingAggregator {
 public:
  StreamingAggregator(const ModelSpec& spec, uint32_t chunk_bytes);

  // acc[first + i] += weight * values[i] for i < count (the first fold
  // into a region writes instead: the accumulator is a reused buffer whose
  // old contents are never read). `values` holds `count` float32s, possibly
  // unaligned, and must cover exactly one region (one grid-aligned chunk,
  // as ModelStreamReceiver delivers them).
  void Fold(uint64_t first_element, const char* values, size_t count,
            float weight);

  // The same for a chunk in pieces (ForEachFloatRun), under one lock.
  void Fold(uint64_t first_element, absl::Span<const std::string_view> pieces,
            float weight);

  // Total weight folded into the region holding `element`.
  double RegionWeight(uint64_t element) const;

  // The weighted mean, in place in the accumulator; regions without any
  // contribution take `global`'s values. Also returns the process's free
  // heap memory to the kernel (malloc_trim; once per round, a few ms).
  FlatModel Finish(const FlatModel& global) &&;

  // A ChunkSink that folds one slave's chunks with its weight.
  class NodeSink : public ChunkSink {
   public:
    NodeSink(StreamingAggregator* aggregator, float weight)
        : aggregator_(aggregator), weight_(weight) {}
    Status Consume(uint64_t first_element, const char* values,
                   size_t count) override;
    // One Fold() for the whole chunk (a region is folded in one piece).
    Status ConsumePieces(uint64_t first_element,
                         absl::Span<const std::string_view> pieces) override;

   private:
    StreamingAggregator* aggregator_;
    float weight_;
  };

 private:
  struct Region {
    std::mutex mu;
    bool written = false;  // a fold has written the region
    double weight = 0.0;
  };

  ModelSpec spec_;
  uint64_t elements_per_region_;
  std::vector<float> accumulator_;
  std::unique_ptr<Region[]> regions_;
  size_t region_count_;
};

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_STREAMING_AGGREGATOR_H_
