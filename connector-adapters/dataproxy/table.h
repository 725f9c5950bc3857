// A rectangular table of numeric values read from a hospital data source.
//
// Values are doubles stored row-major; a missing value is NaN. Column names
// are unique. Tables never leave the slave process: only aggregates derived
// from them do.
//
// Thread-compatibility: plain value type.
#ifndef DSFL_CONNECTOR_ADAPTERS_DATAPROXY_TABLE_H_
#define DSFL_CONNECTOR_ADAPTERS_DATAPROXY_TABLE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace dsfl::dataproxy {

class Table {
 public:
  Table() = default;
  explicit Table(std::vector<std::string> columns);

  const std::vector<std::string>& columns() const { return columns_; }
  size_t num_rows() const;
  size_t num_columns() const { return columns_.size(); }

  // Index of `name`, or nullopt when absent.
  std::optional<size_t> ColumnIndex(const std::string& name) const;

  // Appends one row; `row.size()` must equal num_columns() (checked by the
  // caller; adapters validate before calling).
  void AppendRow(const std::vector<double>& row);

  double at(size_t row, size_t column) const {
    return values_[row * columns_.size() + column];
  }
  const std::vector<double>& values() const { return values_; }

 private:
  std::vector<std::string> columns_;
  std::vector<double> values_;
};

}  // namespace dsfl::dataproxy

#endif  // DSFL_CONNECTOR_ADAPTERS_DATAPROXY_TABLE_H_
