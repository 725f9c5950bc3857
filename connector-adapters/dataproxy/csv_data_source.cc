#include "connector-adapters/dataproxy/csv_data_source.h"

#include <cmath>
#include <limits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "connector-adapters/dataproxy/numeric_field.h"
#include "connector-adapters/dataproxy/read_file.h"

namespace dsfl::dataproxy {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

// One CSV record: its fields and the 1-based line it starts on.
struct Record {
  size_t line = 0;
  std::vector<std::string> fields;
  bool blank = false;  // The line held nothing but blanks.
};

// Splits CSV text into records, one at a time.
class RecordReader {
 public:
  RecordReader(std::string_view text, std::string_view origin)
      : text_(text), origin_(std::string(origin)) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);
  }

  bool done() const { return pos_ >= text_.size(); }

  // Reads the next record; call only when !done().
  Status Next(Record* record) {
    record->line = line_;
    record->fields.clear();
    record->blank = false;
    const size_t start = pos_;
    for (;;) {
      std::string field;
      bool quoted = false;
      size_t p = pos_;
      while (p < text_.size() && IsBlank(text_[p])) ++p;
      if (p < text_.size() && text_[p] == '"') {
        quoted = true;
        pos_ = p + 1;
        DSFL_RETURN_IF_ERROR(ReadQuoted(record->line, &field));
        while (pos_ < text_.size() && IsBlank(text_[pos_])) ++pos_;
        if (pos_ < text_.size() && !AtLineEnd() && text_[pos_] != ',') {
          return absl::InvalidArgumentError(absl::StrCat(
              origin_, " line ", line_, ", field ", record->fields.size() + 1,
              ": unexpected character after a closing quote"));
        }
      } else {
        while (pos_ < text_.size() && text_[pos_] != ',' && !AtLineEnd()) {
          field.push_back(text_[pos_]);
          ++pos_;
        }
      }
      record->fields.push_back(quoted ? std::move(field)
                                      : std::string(Trim(field)));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      break;
    }
    // At a line end or the end of the text.
    std::string_view raw = text_.substr(start, pos_ - start);
    record->blank = Trim(raw).empty();
    SkipLineEnd();
    return absl::OkStatus();
  }

 private:
  bool AtLineEnd() const {
    if (text_[pos_] == '\n') return true;
    return text_[pos_] == '\r' &&
           (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n');
  }

  void SkipLineEnd() {
    if (pos_ < text_.size() && text_[pos_] == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
  }

  // Reads a quoted field's content; pos_ is just past the opening quote.
  Status ReadQuoted(size_t start_line, std::string* field) {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field->push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;
        return absl::OkStatus();
      }
      if (c == '\n') ++line_;
      field->push_back(c);
      ++pos_;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        origin_, " line ", start_line, ": quoted field is not closed"));
  }

  std::string_view text_;
  std::string origin_;
  size_t pos_ = 0;
  size_t line_ = 1;
};

StatusOr<Table> ParseHeader(const Record& header, const std::string& origin) {
  std::vector<std::string> names;
  std::unordered_map<std::string, size_t> seen;
  for (size_t i = 0; i < header.fields.size(); ++i) {
    const std::string name(Trim(header.fields[i]));
    if (name.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, " line ", header.line, ": column ", i + 1,
                       " has an empty name"));
    }
    auto [it, inserted] = seen.emplace(name, i);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, " line ", header.line,
                       ": duplicate column name ", QuoteForMessage(name),
                       " (columns ", it->second + 1, " and ", i + 1, ")"));
    }
    names.push_back(name);
  }
  return Table(std::move(names));
}

}  // namespace

StatusOr<Table> ParseCsv(std::string_view text, std::string_view origin_view) {
  const std::string origin(origin_view);
  RecordReader reader(text, origin);
  Record record;
  // The header is the first non-blank record.
  bool have_header = false;
  while (!have_header && !reader.done()) {
    DSFL_RETURN_IF_ERROR(reader.Next(&record));
    have_header = !record.blank;
  }
  if (!have_header) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, " is empty: expected a header line"));
  }
  DSFL_ASSIGN_OR_RETURN(Table table, ParseHeader(record, origin));
  const size_t num_columns = table.num_columns();
  const std::vector<double> missing_row(
      1, std::numeric_limits<double>::quiet_NaN());
  size_t pending_blank_rows = 0;  // One-column tables only.
  std::vector<double> row(num_columns);
  while (!reader.done()) {
    DSFL_RETURN_IF_ERROR(reader.Next(&record));
    if (record.blank) {
      if (num_columns == 1) ++pending_blank_rows;
      continue;
    }
    for (; pending_blank_rows > 0; --pending_blank_rows) {
      table.AppendRow(missing_row);
    }
    if (record.fields.size() != num_columns) {
      return absl::InvalidArgumentError(absl::StrCat(
          origin, " line ", record.line, ": expected ", num_columns,
          " fields as in the header, found ", record.fields.size()));
    }
    for (size_t c = 0; c < num_columns; ++c) {
      StatusOr<double> value = ParseNumericField(record.fields[c]);
      if (!value.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat(origin, " line ", record.line, ", column ",
                         QuoteForMessage(table.columns()[c]), ": ",
                         value.status().message()));
      }
      row[c] = *value;
    }
    table.AppendRow(row);
  }
  return table;
}

CsvDataSource::CsvDataSource(std::string path) : path_(std::move(path)) {}

StatusOr<Table> CsvDataSource::Read() {
  DSFL_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path_, "csv file"));
  return ParseCsv(text, path_);
}

std::string CsvDataSource::Describe() const { return "csv:" + path_; }

}  // namespace dsfl::dataproxy
