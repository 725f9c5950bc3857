#include "tests/unit/training/lung_data.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

namespace dsfl::training::testing {
namespace {

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "lung_data: %s\n", message.c_str());
  std::abort();
}

std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream stream(line);
  while (std::getline(stream, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

}  // namespace

std::string SourcePath(const std::string& relative) {
  const char* root = std::getenv("DSFL_SOURCE_DIR");
  if (root == nullptr) Die("DSFL_SOURCE_DIR is not set");
  return std::string(root) + "/" + relative;
}

dataproxy::Table ReadLungTable() {
  const std::string path = SourcePath("data/lung/lung.csv");
  std::ifstream in(path);
  if (!in) Die("cannot open " + path);
  std::string line;
  std::getline(in, line);
  dataproxy::Table table(SplitCsvLine(line));
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    const std::vector<std::string> fields = SplitCsvLine(line);
    if (fields.size() != table.num_columns()) Die("bad row: " + line);
    std::vector<double> row;
    for (const std::string& f : fields) {
      row.push_back(f.empty() || f == "NA"
                        ? std::numeric_limits<double>::quiet_NaN()
                        : std::stod(f));
    }
    table.AppendRow(row);
  }
  return table;
}

nlohmann::json ReadLungReference() {
  const std::string path = SourcePath("data/lung/lung_reference.json");
  std::ifstream in(path);
  if (!in) Die("cannot open " + path);
  return nlohmann::json::parse(in);
}

SurvivalRows CompleteCases(const dataproxy::Table& table,
                           const std::vector<std::string>& covariates) {
  std::vector<size_t> columns;
  for (const std::string& name : covariates) {
    columns.push_back(*table.ColumnIndex(name));
  }
  const size_t time = *table.ColumnIndex("time");
  const size_t event = *table.ColumnIndex("event");
  SurvivalRows rows;
  for (size_t r = 0; r < table.num_rows(); ++r) {
    std::vector<double> x;
    bool complete =
        !std::isnan(table.at(r, time)) && !std::isnan(table.at(r, event));
    for (size_t c : columns) {
      x.push_back(table.at(r, c));
      complete = complete && !std::isnan(x.back());
    }
    if (!complete) continue;
    rows.x.push_back(x);
    rows.time.push_back(table.at(r, time));
    rows.event.push_back(table.at(r, event));
  }
  return rows;
}

std::vector<double> LinearPredictor(const SurvivalRows& rows,
                                    const std::vector<double>& beta) {
  std::vector<double> lp;
  for (const std::vector<double>& x : rows.x) {
    double sum = 0.0;
    for (size_t k = 0; k < beta.size(); ++k) sum += x[k] * beta[k];
    lp.push_back(sum);
  }
  return lp;
}

std::vector<std::string> ReferenceCovariates(const nlohmann::json& reference,
                                             const std::string& name) {
  return reference["models"][name]["covariates"]
      .get<std::vector<std::string>>();
}

std::vector<double> ReferenceBeta(const nlohmann::json& reference,
                                  const std::string& name) {
  const nlohmann::json& coef =
      reference["models"][name]["pooled"]["breslow"]["coef"];
  std::vector<double> beta;
  for (const std::string& c : ReferenceCovariates(reference, name)) {
    beta.push_back(coef[c].get<double>());
  }
  return beta;
}

}  // namespace dsfl::training::testing
