#include "connector-adapters/dataproxy/data_proxy_protocol.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "connector-adapters/dataproxy/csv_data_source.h"
#include "connector-adapters/dataproxy/numeric_field.h"
#include "nlohmann/json.hpp"

namespace dsfl::dataproxy {
namespace {

using nlohmann::json;

Status PageError(const std::string& origin, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(origin, ": ", what));
}

StatusOr<std::vector<std::string>> ParseColumns(const json& doc,
                                                const std::string& origin) {
  auto it = doc.find("columns");
  if (it == doc.end() || !it->is_array()) {
    return PageError(origin, "'columns' must be an array of column names");
  }
  if (it->empty()) return PageError(origin, "'columns' is empty");
  std::vector<std::string> columns;
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& name = (*it)[i];
    if (!name.is_string() || name.get_ref<const std::string&>().empty()) {
      return PageError(
          origin, absl::StrCat("columns[", i, "] must be a non-empty string"));
    }
    const std::string& text = name.get_ref<const std::string&>();
    auto [pos, inserted] = seen.emplace(text, i);
    if (!inserted) {
      return PageError(
          origin,
          absl::StrCat("duplicate column name ", QuoteForMessage(text),
                       " (columns[", pos->second, "] and columns[", i, "])"));
    }
    columns.push_back(text);
  }
  return columns;
}

StatusOr<double> ParseJsonValue(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return std::numeric_limits<double>::quiet_NaN();
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return value.get<double>();
    case json::value_t::string:
      return ParseNumericField(value.get_ref<const std::string&>());
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("expected a number, null or a numeric string, got ",
                       value.type_name()));
  }
}

StatusOr<std::optional<uint64_t>> ParseNextOffset(const json& doc,
                                                  const std::string& origin) {
  auto it = doc.find("next_offset");
  if (it == doc.end() || it->is_null()) return std::optional<uint64_t>();
  const bool non_negative =
      it->is_number_unsigned() ||
      (it->is_number_integer() && it->get<int64_t>() >= 0);
  if (!non_negative) {
    return PageError(origin,
                     "'next_offset' must be a non-negative integer or null");
  }
  return std::optional<uint64_t>(it->get<uint64_t>());
}

StatusOr<DataProxyPage> ParseJsonDocument(const json& doc,
                                          const std::string& origin) {
  if (!doc.is_object()) return PageError(origin, "expected a JSON object");
  DSFL_ASSIGN_OR_RETURN(std::vector<std::string> columns,
                        ParseColumns(doc, origin));
  std::unordered_map<std::string, size_t> index;
  for (size_t i = 0; i < columns.size(); ++i) index.emplace(columns[i], i);

  auto records = doc.find("records");
  if (records == doc.end() || !records->is_array()) {
    return PageError(origin, "'records' must be an array of objects");
  }
  DataProxyPage page;
  page.rows = Table(columns);
  std::vector<double> row(columns.size());
  for (size_t r = 0; r < records->size(); ++r) {
    const json& record = (*records)[r];
    if (!record.is_object()) {
      return PageError(
          origin, absl::StrCat("records[", r, "] is a ", record.type_name(),
                               ", expected an object"));
    }
    std::fill(row.begin(), row.end(), std::numeric_limits<double>::quiet_NaN());
    for (auto field = record.begin(); field != record.end(); ++field) {
      auto column = index.find(field.key());
      if (column == index.end()) {
        return PageError(origin,
                         absl::StrCat("records[", r, "] has unknown column ",
                                      QuoteForMessage(field.key())));
      }
      StatusOr<double> value = ParseJsonValue(field.value());
      if (!value.ok()) {
        return PageError(origin, absl::StrCat("records[", r, "], column ",
                                              QuoteForMessage(field.key()),
                                              ": ", value.status().message()));
      }
      row[column->second] = *value;
    }
    page.rows.AppendRow(row);
  }
  DSFL_ASSIGN_OR_RETURN(page.next_offset, ParseNextOffset(doc, origin));
  return page;
}

// A JSON value for one table cell: null for missing, an integer when the
// double is one exactly (keeps pages readable), else the double.
json CellToJson(double value) {
  if (std::isnan(value)) return nullptr;
  constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53
  if (value == std::floor(value) && std::fabs(value) <= kMaxExactInteger &&
      !(value == 0 && std::signbit(value))) {
    return static_cast<int64_t>(value);
  }
  return value;
}

std::string QuoteCsvField(const std::string& text) {
  bool needs_quotes = text.empty() || text.front() == ' ' ||
                      text.back() == ' ' ||
                      text.find_first_of(",\"\r\n\t") != std::string::npos;
  if (!needs_quotes) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string_view FormatName(DataProxyFormat format) {
  return format == DataProxyFormat::kCsv ? "csv" : "json";
}

std::optional<DataProxyFormat> ParseFormatName(std::string_view name) {
  if (name == "json") return DataProxyFormat::kJson;
  if (name == "csv") return DataProxyFormat::kCsv;
  return std::nullopt;
}

StatusOr<DataProxyPage> ParseJsonPage(std::string_view body,
                                      std::string_view origin_view) {
  const std::string origin(origin_view);
  try {
    json doc = json::parse(body);
    return ParseJsonDocument(doc, origin);
  } catch (const json::exception& e) {
    return PageError(origin, absl::StrCat("malformed JSON: ", e.what()));
  }
}

StatusOr<DataProxyPage> ParseCsvPage(
    std::string_view body, std::optional<std::string_view> next_offset_header,
    std::string_view origin_view) {
  const std::string origin(origin_view);
  DataProxyPage page;
  DSFL_ASSIGN_OR_RETURN(page.rows, ParseCsv(body, origin));
  if (next_offset_header.has_value()) {
    std::string_view text = *next_offset_header;
    uint64_t next = 0;
    auto [end, ec] =
        std::from_chars(text.data(), text.data() + text.size(), next);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
      return PageError(origin, absl::StrCat("header ", kNextOffsetHeader, " ",
                                            QuoteForMessage(text),
                                            " is not a non-negative integer"));
    }
    page.next_offset = next;
  }
  return page;
}

std::optional<uint64_t> NextPageOffset(const Table& table, uint64_t offset,
                                       uint64_t limit) {
  const uint64_t rows = table.num_rows();
  if (offset >= rows || limit >= rows - offset) return std::nullopt;
  return offset + limit;
}

std::string RenderJsonPage(const Table& table, uint64_t offset,
                           uint64_t limit) {
  const uint64_t rows = table.num_rows();
  const uint64_t begin = std::min(offset, rows);
  const uint64_t end = begin + std::min(limit, rows - begin);
  json records = json::array();
  for (uint64_t r = begin; r < end; ++r) {
    json record = json::object();
    for (size_t c = 0; c < table.num_columns(); ++c) {
      record[table.columns()[c]] = CellToJson(table.at(r, c));
    }
    records.push_back(std::move(record));
  }
  json page = {{"columns", table.columns()},
               {"offset", offset},
               {"total_rows", rows},
               {"records", std::move(records)}};
  std::optional<uint64_t> next = NextPageOffset(table, offset, limit);
  page["next_offset"] = next.has_value() ? json(*next) : json(nullptr);
  return page.dump();
}

std::string RenderCsvPage(const Table& table, uint64_t offset, uint64_t limit) {
  std::string out;
  for (size_t c = 0; c < table.num_columns(); ++c) {
    if (c > 0) out.push_back(',');
    out += QuoteCsvField(table.columns()[c]);
  }
  out.push_back('\n');
  const uint64_t rows = table.num_rows();
  const uint64_t begin = std::min(offset, rows);
  const uint64_t end = begin + std::min(limit, rows - begin);
  // A one-column row that is missing would be a blank line, which CSV
  // readers skip at the end of a file: spell it NA there.
  const bool spell_missing = table.num_columns() == 1;
  for (uint64_t r = begin; r < end; ++r) {
    for (size_t c = 0; c < table.num_columns(); ++c) {
      if (c > 0) out.push_back(',');
      double value = table.at(r, c);
      out += spell_missing && std::isnan(value) ? std::string("NA")
                                                : FormatNumericField(value);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace dsfl::dataproxy
