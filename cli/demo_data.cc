#include "cli/demo_data.h"

#include <algorithm>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dsfl::cli {

StatusOr<std::vector<HospitalShard>> SplitByInstitution(
    const std::string& csv_text, size_t hospitals) {
  if (hospitals == 0) return absl::InvalidArgumentError("no hospitals");
  std::istringstream in(csv_text);
  std::string header;
  if (!std::getline(in, header)) {
    return absl::InvalidArgumentError("lung data: empty file");
  }
  std::vector<std::string> columns = absl::StrSplit(header, ',');
  auto inst_it = std::find(columns.begin(), columns.end(), "inst");
  if (inst_it == columns.end()) {
    return absl::InvalidArgumentError("lung data: no 'inst' column");
  }
  const size_t inst_column = static_cast<size_t>(inst_it - columns.begin());

  std::map<std::string, std::vector<std::string>> by_institution;
  std::string line;
  size_t line_number = 1;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields = absl::StrSplit(line, ',');
    if (fields.size() != columns.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "lung data line ", line_number, ": ", fields.size(),
          " fields, expected ", columns.size()));
    }
    std::string code = fields[inst_column].empty() ? "NA" : fields[inst_column];
    by_institution[code].push_back(line);
  }

  std::vector<std::pair<std::string, size_t>> order;
  for (const auto& [code, rows] : by_institution) {
    if (code != "NA") order.emplace_back(code, rows.size());
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return std::stod(a.first) < std::stod(b.first);
  });
  std::vector<HospitalShard> shards(hospitals);
  for (const auto& [code, count] : order) {
    auto smallest = std::min_element(
        shards.begin(), shards.end(),
        [](const HospitalShard& a, const HospitalShard& b) {
          return a.rows < b.rows;
        });
    smallest->institutions.push_back(code);
    smallest->rows += count;
  }
  if (by_institution.count("NA") != 0) {
    shards.back().institutions.push_back("NA");
    shards.back().rows += by_institution["NA"].size();
  }
  for (HospitalShard& shard : shards) {
    shard.csv = header + "\n";
    for (const std::string& code : shard.institutions) {
      for (const std::string& row : by_institution[code]) {
        absl::StrAppend(&shard.csv, row, "\n");
      }
    }
  }
  return shards;
}

nlohmann::json LungJobData() {
  return {{"features",
           {"age", "sex", "ph.ecog", "ph.karno", "pat.karno", "wt.loss"}},
          {"time", "time"},
          {"event", "event"},
          {"held_out_fraction", 0.25},
          {"split_seed", 2026}};
}

}  // namespace dsfl::cli
