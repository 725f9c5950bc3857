#include "connector-adapters/dataproxy/table.h"

namespace dsfl::dataproxy {

Table::Table(std::vector<std::string> columns) : columns_(std::move(columns)) {}

size_t Table::num_rows() const {
  return columns_.empty() ? 0 : values_.size() / columns_.size();
}

std::optional<size_t> Table::ColumnIndex(const std::string& name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == name) return i;
  }
  return std::nullopt;
}

void Table::AppendRow(const std::vector<double>& row) {
  values_.insert(values_.end(), row.begin(), row.end());
}

}  // namespace dsfl::dataproxy
