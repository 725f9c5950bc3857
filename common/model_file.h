// Model files: how checkpoints and final models are stored on disk.
//
// Layout: the 8-byte magic "DSFLMDL1", a little-endian uint64 length, that
// many bytes of JSON metadata ({"tensors":[{"name","shape","dtype"}],
// "digest" (ModelDigest, hex), "digest_algorithm" (kTreeDigestAlgorithm),
// "total_bytes", plus the caller's fields such as job and round}),
// then the raw float32 payload. Writes stream straight from the model's
// buffer (no second in-memory copy), fsync, and rename into place, so a
// crash leaves either the old file or the new one, never half of one.
//
// Errors: Internal/NotFound for I/O failures (naming the path), DataLoss for
// truncated files, bad magic, a digest algorithm other than ours, or a
// payload whose digest differs from the metadata's. Thread-compatibility:
// independent calls may run concurrently on different paths.
#ifndef DSFL_COMMON_MODEL_FILE_H_
#define DSFL_COMMON_MODEL_FILE_H_

#include <string>

#include "common/flat_model.h"
#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl {

// Writes `model` with `metadata` (plus its tensors, size and digest)
// atomically to `path`. `recycle`, if not empty, names a file the caller no
// longer needs (the oldest checkpoint): when it exists it becomes the new
// file, renamed to the temporary name and overwritten in place, so that its
// cached pages and disk blocks are reused instead of freed and allocated
// anew (measured for 40 MB: 54-108 ms into a fresh file, 4 ms over an old
// one; fsync 17 -> 10 ms; docs/performance.md). `recycle` is gone
// afterwards, whether the write succeeded or not.
Status WriteModelFile(const std::string& path, const HashedModel& model,
                      const nlohmann::json& metadata,
                      const std::string& recycle = "");

struct ModelFile {
  FlatModel model;
  nlohmann::json metadata;
  // Written before the model digest became a tree (metadata "sha256", no
  // "digest_algorithm").
  bool legacy = false;
  // The payload's digest as the metadata records it, verified against the
  // payload (lower-case hex): ModelDigest, or plain SHA-256 for a legacy
  // file (what the master's job store and X-Model-Digest hold for jobs
  // finished before the change).
  std::string digest;
};

// Reads and checks a model file; legacy files are still read, their
// payload checked against their plain SHA-256.
StatusOr<ModelFile> ReadModelFile(const std::string& path);

// Writes `contents` to `path` atomically (temporary file, fsync, rename,
// fsync of the directory). `mode` applies to the new file.
Status WriteFileAtomically(const std::string& path, std::string_view contents,
                           int mode = 0644);

}  // namespace dsfl

#endif  // DSFL_COMMON_MODEL_FILE_H_
