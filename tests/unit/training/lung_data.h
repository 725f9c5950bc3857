// Test helpers: the lung data shipped in data/lung, read without the CSV
// adapter (a tiny numeric parser: empty field = NaN), and R's reference
// results. Paths come from the DSFL_SOURCE_DIR environment variable.
#ifndef DSFL_TESTS_UNIT_TRAINING_LUNG_DATA_H_
#define DSFL_TESTS_UNIT_TRAINING_LUNG_DATA_H_

#include <string>
#include <vector>

#include "connector-adapters/dataproxy/table.h"
#include "nlohmann/json.hpp"

namespace dsfl::training::testing {

// $DSFL_SOURCE_DIR/<relative>; aborts when the variable is unset.
std::string SourcePath(const std::string& relative);

// data/lung/lung.csv as a Table (228 rows, 11 columns). Aborts on error.
dataproxy::Table ReadLungTable();

// data/lung/lung_reference.json. Aborts on error.
nlohmann::json ReadLungReference();

// Complete cases of `covariates` + time + event, unstandardised, double.
struct SurvivalRows {
  std::vector<std::vector<double>> x;  // rows x covariates
  std::vector<double> time;
  std::vector<double> event;
};
SurvivalRows CompleteCases(const dataproxy::Table& table,
                           const std::vector<std::string>& covariates);

// x * beta for every row.
std::vector<double> LinearPredictor(const SurvivalRows& rows,
                                    const std::vector<double>& beta);

// R's Breslow coefficients of model `name` ("main" or "full") in covariate
// order.
std::vector<double> ReferenceBeta(const nlohmann::json& reference,
                                  const std::string& name);
std::vector<std::string> ReferenceCovariates(const nlohmann::json& reference,
                                             const std::string& name);

}  // namespace dsfl::training::testing

#endif  // DSFL_TESTS_UNIT_TRAINING_LUNG_DATA_H_
