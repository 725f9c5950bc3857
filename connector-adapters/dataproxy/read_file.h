// Reads a whole local file into memory (CSV data, bearer-token files).
//
// Errors: NotFound when the file does not exist, PermissionDenied when it
// cannot be opened for reading, InvalidArgument when the path names a
// directory, Unavailable for other I/O failures. Messages name `what` (e.g.
// "csv file", "token_file") and the path, never the file's content.
// Threading: stateless; safe to call concurrently.
#ifndef DSFL_CONNECTOR_ADAPTERS_DATAPROXY_READ_FILE_H_
#define DSFL_CONNECTOR_ADAPTERS_DATAPROXY_READ_FILE_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace dsfl::dataproxy {

StatusOr<std::string> ReadFileToString(const std::string& path,
                                       std::string_view what);

// Reads a file holding one secret (e.g. a bearer token) and strips trailing
// whitespace. InvalidArgument when the result is empty.
StatusOr<std::string> ReadSecretFile(const std::string& path,
                                     std::string_view what);

}  // namespace dsfl::dataproxy

#endif  // DSFL_CONNECTOR_ADAPTERS_DATAPROXY_READ_FILE_H_
