// Reading and writing PEM files (keys and certificates) on disk.
//
// WritePemFile replaces a file atomically: it writes a temporary file in the
// same directory with the final permissions already set, fsyncs it, renames
// it over `path` and fsyncs the directory, so a crash leaves either the old
// or the new file, and a private key is never readable by others, not even
// briefly.
//
// Errors: InvalidArgument for an empty path or a file that holds no PEM
// block, NotFound for a missing file, Internal for other I/O failures
// (with errno text); messages name the path.
// Threading: thread-safe; concurrent writers to the same path race
// (last rename wins) but never produce a torn file.
#ifndef DSFL_COMMON_TLS_PEM_FILES_H_
#define DSFL_COMMON_TLS_PEM_FILES_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace dsfl::tls {

inline constexpr mode_t kPrivateKeyFileMode = 0600;
inline constexpr mode_t kCertificateFileMode = 0644;

// Atomically replaces `path` with `contents`, created with `mode`
// (kPrivateKeyFileMode for keys). The directory must exist.
Status WritePemFile(const std::string& path, std::string_view contents,
                    mode_t mode);

// The contents of the PEM file at `path` (at most 1 MiB). Checks only that
// a "-----BEGIN " line is present; parsing is up to the caller.
StatusOr<std::string> ReadPemFile(const std::string& path);

}  // namespace dsfl::tls

#endif  // DSFL_COMMON_TLS_PEM_FILES_H_
