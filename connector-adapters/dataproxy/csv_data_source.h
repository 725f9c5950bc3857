// CsvDataSource: a DataSource backed by a local CSV file, and ParseCsv, the
// CSV parser shared with the HTTPS data-proxy adapter.
//
// Format: a header line of unique, non-empty column names, then one record
// per line, comma-separated. Fields may be quoted ("..." with "" for a
// quote); CRLF and LF line ends and a UTF-8 byte-order mark are accepted.
// Values are decimal numbers; an empty field, NA or NaN is missing (NaN in
// the Table). Blank lines are ignored (for a one-column table a blank line
// before the last record is a missing value). Lines are counted from 1 (the
// header); a quoted field may span lines, errors name the record's first
// line.
//
// Errors (all InvalidArgument, naming the origin, line and column), e.g.
//   "lung.csv line 17, column 'age': 'abc' is not a number"
//   "lung.csv line 5: expected 11 fields as in the header, found 10"
//   "lung.csv line 1: duplicate column name 'age' (columns 5 and 7)"
//   "lung.csv line 1: column 3 has an empty name"
//   "lung.csv is empty: expected a header line"
// CsvDataSource::Read() also returns NotFound / PermissionDenied when the
// file cannot be read.
// Ownership: CsvDataSource owns only its path. Threading: see DataSource.
#ifndef DSFL_CONNECTOR_ADAPTERS_DATAPROXY_CSV_DATA_SOURCE_H_
#define DSFL_CONNECTOR_ADAPTERS_DATAPROXY_CSV_DATA_SOURCE_H_

#include <string>
#include <string_view>

#include "common/status.h"
#include "connector-adapters/dataproxy/data_source.h"
#include "connector-adapters/dataproxy/table.h"

namespace dsfl::dataproxy {

// Parses CSV `text`; `origin` (a file path or a description such as
// "data proxy https://h/p page at offset 500") prefixes error messages.
StatusOr<Table> ParseCsv(std::string_view text, std::string_view origin);

class CsvDataSource : public DataSource {
 public:
  explicit CsvDataSource(std::string path);

  // Reads and parses the file; every call re-reads it.
  StatusOr<Table> Read() override;

  // "csv:<path>".
  std::string Describe() const override;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace dsfl::dataproxy

#endif  // DSFL_CONNECTOR_ADAPTERS_DATAPROXY_CSV_DATA_SOURCE_H_
