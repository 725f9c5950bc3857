// MakeDataSource: builds a DataSource from the "data_source" object of a
// slave's JSON configuration.
//
//   {"type": "csv", "path": "/var/lib/dsfl/lung.csv"}
//   {"type": "http", "base_url": "https://proxy.hospital-a.example/v1/lung",
//    "token_file": "/etc/dsfl/proxy.token", "ca_file": "/etc/dsfl/ca.pem",
//    "format": "json", "page_size": 500, "timeout_seconds": 30,
//    "max_pages": 100000, "max_rows": 10000000,
//    "allow_insecure_http": false}
//
// Only "type" and "path" / "base_url" + "token_file" are required. The
// token is read from token_file (trailing whitespace stripped) when the
// source is built. Relative paths are relative to the working directory.
//
// Errors: InvalidArgument naming the key with `path` as prefix, e.g.
// "data_source.page_size: expected a positive integer",
// "data_source.colour: unknown key (allowed: ...)"; NotFound /
// PermissionDenied naming the token_file or ca_file.
// Ownership: the caller owns the returned source. Threading: stateless.
#ifndef DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DATA_SOURCE_FACTORY_H_
#define DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DATA_SOURCE_FACTORY_H_

#include <memory>
#include <string_view>

#include "common/status.h"
#include "connector-adapters/dataproxy/data_source.h"
#include "nlohmann/json_fwd.hpp"

namespace dsfl::dataproxy {

StatusOr<std::unique_ptr<DataSource>> MakeDataSource(
    const nlohmann::json& config, std::string_view path = "data_source");

}  // namespace dsfl::dataproxy

#endif  // DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DATA_SOURCE_FACTORY_H_
