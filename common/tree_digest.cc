#include "common/tree_digest.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <system_error>
#include <thread>

#include "common/sha256_lanes.h"

namespace dsfl {
namespace {

constexpr uint8_t kLeafPrefix = 0x00;  // RFC 9162, as MerkleLeafHash
constexpr int kLanes = sha256_lanes::kLanes;
constexpr size_t kBlock = 64;
// Below this a one-shot digest stays on the calling thread: starting a
// thread costs tens of microseconds, hashing 4 MiB about a millisecond.
constexpr size_t kParallelMinBytes = 4u << 20;

// A read position in a sequence of pieces.
class Cursor {
 public:
  explicit Cursor(absl::Span<const std::string_view> pieces) : pieces_(pieces) {
    for (std::string_view piece : pieces) remaining_ += piece.size();
    SkipEmpty();
  }

  size_t remaining() const { return remaining_; }
  // The unread rest of the current piece (empty at the end).
  std::string_view Rest() const {
    if (index_ == pieces_.size()) return {};
    return pieces_[index_].substr(offset_);
  }
  void Advance(size_t n) {
    offset_ += n;
    remaining_ -= n;
    SkipEmpty();
  }
  // Copies the next n bytes (across pieces) to out.
  void Read(uint8_t* out, size_t n) {
    while (n > 0) {
      const std::string_view rest = Rest();
      const size_t take = std::min(n, rest.size());
      std::memcpy(out, rest.data(), take);
      out += take;
      n -= take;
      Advance(take);
    }
  }

 private:
  void SkipEmpty() {
    while (index_ < pieces_.size() && offset_ == pieces_[index_].size()) {
      ++index_;
      offset_ = 0;
    }
  }

  absl::Span<const std::string_view> pieces_;
  size_t index_ = 0;
  size_t offset_ = 0;
  size_t remaining_ = 0;
};

// Hashes the four whole leaves that start at `cursor` and advances it past
// them. The message of each is 0x00 || 65536 bytes: a first block of the
// prefix and 63 bytes, 1023 blocks read in place (copied only where one
// straddles two pieces), and a last block of one byte plus padding.
void HashFourLeaves(Cursor* cursor, Sha256Digest out[kLanes]) {
  static_assert(kTreeDigestLeafBytes % kBlock == 0);
  constexpr size_t kMiddleBlocks = kTreeDigestLeafBytes / kBlock - 1;
  constexpr uint64_t kMessageBits = (kTreeDigestLeafBytes + 1) * 8;

  Cursor lanes[kLanes] = {*cursor, *cursor, *cursor, *cursor};
  for (int j = 1; j < kLanes; ++j) {
    lanes[j] = lanes[j - 1];
    // Skips one leaf: whole-piece steps, then the remainder.
    size_t skip = kTreeDigestLeafBytes;
    while (skip > 0) {
      const size_t step = std::min(skip, lanes[j].Rest().size());
      lanes[j].Advance(step);
      skip -= step;
    }
  }
  sha256_lanes::State state;
  sha256_lanes::Init(&state);
  alignas(16) uint8_t scratch[kLanes][kBlock];
  const uint8_t* blocks[kLanes];

  for (int j = 0; j < kLanes; ++j) {
    scratch[j][0] = kLeafPrefix;
    lanes[j].Read(scratch[j] + 1, kBlock - 1);
    blocks[j] = scratch[j];
  }
  sha256_lanes::Compress(&state, blocks, 1);

  size_t left = kMiddleBlocks;
  while (left > 0) {
    size_t run = left;
    bool copied[kLanes];
    for (int j = 0; j < kLanes; ++j) {
      const std::string_view rest = lanes[j].Rest();
      const size_t whole = std::min(rest.size() / kBlock, left);
      copied[j] = whole == 0;
      if (copied[j]) {
        lanes[j].Read(scratch[j], kBlock);  // straddles two pieces
        blocks[j] = scratch[j];
        run = 1;
      } else {
        blocks[j] = reinterpret_cast<const uint8_t*>(rest.data());
        run = std::min(run, whole);
      }
    }
    sha256_lanes::Compress(&state, blocks, run);
    for (int j = 0; j < kLanes; ++j) {
      if (!copied[j]) lanes[j].Advance(run * kBlock);
    }
    left -= run;
  }

  for (int j = 0; j < kLanes; ++j) {
    std::memset(scratch[j], 0, kBlock);
    lanes[j].Read(scratch[j], 1);
    scratch[j][1] = 0x80;
    for (int i = 0; i < 8; ++i) {
      scratch[j][kBlock - 1 - i] =
          static_cast<uint8_t>(kMessageBits >> (8 * i));
    }
    blocks[j] = scratch[j];
  }
  sha256_lanes::Compress(&state, blocks, 1);
  for (int j = 0; j < kLanes; ++j) out[j] = sha256_lanes::Digest(state, j);
  *cursor = lanes[kLanes - 1];
}

// The leaf hashes of `size` bytes at `data` (whole leaves, except possibly
// the last), into out[0..].
void HashLeaves(const char* data, size_t size, Sha256Digest* out) {
  const std::string_view all(data, size);
  Cursor cursor(absl::MakeConstSpan(&all, 1));
  if (sha256_lanes::Available()) {
    while (cursor.remaining() >= kLanes * kTreeDigestLeafBytes) {
      HashFourLeaves(&cursor, out);
      out += kLanes;
    }
  }
  while (cursor.remaining() > 0) {
    const std::string_view rest = cursor.Rest();
    const size_t n = std::min(rest.size(), kTreeDigestLeafBytes);
    *out++ = MerkleLeafHash(rest.substr(0, n));
    cursor.Advance(n);
  }
}

}  // namespace

TreeDigest::TreeDigest() = default;
TreeDigest::~TreeDigest() = default;

void TreeDigest::Update(const void* data, size_t size) {
  const std::string_view bytes(static_cast<const char*>(data), size);
  Update(absl::MakeConstSpan(&bytes, 1));
}

void TreeDigest::Update(absl::Span<const std::string_view> pieces) {
  Cursor cursor(pieces);
  const bool lanes = sha256_lanes::Available();
  while (cursor.remaining() > 0) {
    if (leaf_ == nullptr && lanes &&
        cursor.remaining() >= kLanes * kTreeDigestLeafBytes) {
      Sha256Digest hashes[kLanes];
      HashFourLeaves(&cursor, hashes);
      for (const Sha256Digest& hash : hashes) tree_.Append(hash);
      continue;
    }
    if (leaf_ == nullptr) {
      leaf_ = std::make_unique<Sha256>();
      leaf_->Update(&kLeafPrefix, 1);
      leaf_filled_ = 0;
    }
    const std::string_view rest = cursor.Rest();
    const size_t n = std::min(rest.size(), kTreeDigestLeafBytes - leaf_filled_);
    leaf_->Update(rest.data(), n);
    leaf_filled_ += n;
    cursor.Advance(n);
    if (leaf_filled_ == kTreeDigestLeafBytes) {
      tree_.Append(leaf_->Finish());
      leaf_.reset();
    }
  }
}

Sha256Digest TreeDigest::Finish() {
  if (leaf_ != nullptr) {
    tree_.Append(leaf_->Finish());
    leaf_.reset();
  }
  return tree_.Root();
}

Sha256Digest TreeDigest::Of(const void* data, size_t size, int threads) {
  const char* bytes = static_cast<const char*>(data);
  const uint64_t leaves =
      (size + kTreeDigestLeafBytes - 1) / kTreeDigestLeafBytes;
  std::vector<Sha256Digest> hashes(leaves);
  const int workers = size < kParallelMinBytes ? 1 : std::clamp(threads, 1, 16);
  // Each worker takes a run of whole leaves, a multiple of the lane count
  // so that only the last run has a short group; the calling thread takes
  // the first run.
  const uint64_t per_worker = (leaves / workers + kLanes - 1) / kLanes * kLanes;
  // Joined on every way out, also when something below throws: a joinable
  // std::thread must never be destroyed.
  struct Helpers {
    std::vector<std::thread> threads;
    ~Helpers() {
      for (std::thread& t : threads) t.join();
    }
  } helpers;
  helpers.threads.reserve(static_cast<size_t>(workers - 1));
  auto run = [&](uint64_t first_leaf, uint64_t end_leaf) {
    const uint64_t begin = first_leaf * kTreeDigestLeafBytes;
    const uint64_t end =
        std::min<uint64_t>(size, end_leaf * kTreeDigestLeafBytes);
    HashLeaves(bytes + begin, end - begin, hashes.data() + first_leaf);
  };
  for (int w = 1; w < workers; ++w) {
    const uint64_t first = std::min(leaves, w * per_worker);
    const uint64_t end =
        w + 1 == workers ? leaves : std::min(leaves, first + per_worker);
    if (first >= end) continue;
    try {
      helpers.threads.emplace_back(run, first, end);
    } catch (const std::system_error&) {
      run(first, end);  // no thread to be had: same result, slower
    }
  }
  run(0, workers == 1 ? leaves : std::min(leaves, per_worker));
  for (std::thread& helper : helpers.threads) helper.join();
  helpers.threads.clear();

  MerkleFrontier tree;
  for (const Sha256Digest& hash : hashes) tree.Append(hash);
  return tree.Root();
}

std::string TreeDigestHex(std::string_view payload) {
  return ToHex(TreeDigest::Of(payload.data(), payload.size()));
}

}  // namespace dsfl
