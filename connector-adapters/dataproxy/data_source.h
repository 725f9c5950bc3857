// DataSource: how a slave reads its hospital's data.
//
// Implementations: CsvDataSource (a local CSV file) and HttpDataProxySource
// (an HTTPS data proxy with a bearer token, paged JSON records or CSV). Later:
// SQL. The slave only ever sees a Table of numeric columns.
//
// Errors: Read() returns InvalidArgument for malformed content (naming the
// line/record and column), Unavailable for transport failures,
// PermissionDenied/Unauthenticated for refused credentials.
// Thread-safety: a DataSource may be called from one thread at a time.
#ifndef DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DATA_SOURCE_H_
#define DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DATA_SOURCE_H_

#include <string>

#include "common/status.h"
#include "connector-adapters/dataproxy/table.h"

namespace dsfl::dataproxy {

class DataSource {
 public:
  virtual ~DataSource() = default;

  // Reads the whole dataset. Every call re-reads the source, so a hospital
  // can update its data between jobs.
  virtual StatusOr<Table> Read() = 0;

  // A human-readable description for logs and audit records, never
  // containing secrets (e.g. "csv:/var/lib/dsfl/lung.csv" or
  // "http-proxy:https://proxy.local/lung").
  virtual std::string Describe() const = 0;
};

}  // namespace dsfl::dataproxy

#endif  // DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DATA_SOURCE_H_
