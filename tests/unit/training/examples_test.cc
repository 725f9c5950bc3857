#include "slave/training/examples.h"

#include <cmath>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/training/lung_data.h"

namespace dsfl::training {
namespace {

using ::testing::HasSubstr;

ColumnRoles SurvivalRoles(std::vector<std::string> features) {
  ColumnRoles roles;
  roles.features = std::move(features);
  roles.time = "time";
  roles.event = "event";
  return roles;
}

Standardization Identity(size_t p) {
  return Standardization{std::vector<double>(p, 0.0),
                         std::vector<double>(p, 1.0)};
}

// Rows r with r % parts == part, as a new table.
dataproxy::Table Part(const dataproxy::Table& table, size_t part,
                      size_t parts) {
  dataproxy::Table out(table.columns());
  for (size_t r = part; r < table.num_rows(); r += parts) {
    std::vector<double> row;
    for (size_t c = 0; c < table.num_columns(); ++c) {
      row.push_back(table.at(r, c));
    }
    out.AppendRow(row);
  }
  return out;
}

TEST(ComputeMoments, CompleteCasesMatchR) {
  const dataproxy::Table lung = testing::ReadLungTable();
  const nlohmann::json reference = testing::ReadLungReference();
  for (const char* name : {"main", "full"}) {
    const auto covariates = testing::ReferenceCovariates(reference, name);
    auto moments = ComputeMoments(lung, SurvivalRoles(covariates),
                                  Task::kSurvival, 0.0, 1);
    ASSERT_TRUE(moments.ok()) << moments.status();
    EXPECT_EQ(moments->count,
              reference["models"][name]["n_complete"].get<int64_t>());
  }
  // R's covariate means of the main model.
  const auto covariates = testing::ReferenceCovariates(reference, "main");
  auto moments =
      ComputeMoments(lung, SurvivalRoles(covariates), Task::kSurvival, 0.0, 1);
  auto standardization = CombineMoments({*moments});
  ASSERT_TRUE(standardization.ok()) << standardization.status();
  for (size_t k = 0; k < covariates.size(); ++k) {
    EXPECT_NEAR(standardization->mean[k],
                reference["models"]["main"]["covariate_means"][covariates[k]]
                    .get<double>(),
                1e-12);
  }
}

TEST(CombineMoments, ThreeSitesEqualTheWhole) {
  const dataproxy::Table lung = testing::ReadLungTable();
  const ColumnRoles roles =
      SurvivalRoles({"age", "sex", "ph.ecog", "meal.cal", "wt.loss"});
  auto whole = ComputeMoments(lung, roles, Task::kSurvival, 0.0, 3);
  ASSERT_TRUE(whole.ok()) << whole.status();
  std::vector<ColumnMoments> sites;
  int64_t count = 0;
  for (size_t part = 0; part < 3; ++part) {
    auto site =
        ComputeMoments(Part(lung, part, 3), roles, Task::kSurvival, 0.0, 3);
    ASSERT_TRUE(site.ok()) << site.status();
    count += site->count;
    sites.push_back(*site);
  }
  EXPECT_EQ(count, whole->count);
  auto combined = CombineMoments(sites);
  auto direct = CombineMoments({*whole});
  ASSERT_TRUE(combined.ok() && direct.ok());
  for (size_t k = 0; k < roles.features.size(); ++k) {
    EXPECT_NEAR(combined->mean[k], direct->mean[k],
                1e-12 * std::abs(direct->mean[k]));
    EXPECT_NEAR(combined->stddev[k], direct->stddev[k],
                1e-9 * direct->stddev[k]);
  }
  // Population standard deviation computed the textbook way.
  const testing::SurvivalRows rows = testing::CompleteCases(
      lung, {"age", "sex", "ph.ecog", "meal.cal", "wt.loss"});
  for (size_t k = 0; k < roles.features.size(); ++k) {
    double mean = 0.0, sq = 0.0;
    for (const auto& x : rows.x) mean += x[k] / rows.x.size();
    for (const auto& x : rows.x) sq += (x[k] - mean) * (x[k] - mean);
    EXPECT_NEAR(combined->stddev[k], std::sqrt(sq / rows.x.size()),
                1e-9 * combined->stddev[k]);
  }
}

TEST(CombineMoments, ConstantFeatureGetsUnitStddevAndEmptyIsRefused) {
  ColumnMoments site;
  site.count = 4;
  site.sum = {4 * 2.5, 4 * 0.0};
  site.sum_squares = {4 * 2.5 * 2.5, 0.0};
  auto s = CombineMoments({site});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->stddev[0], 1.0);
  EXPECT_EQ(s->stddev[1], 1.0);
  EXPECT_EQ(CombineMoments({}).status().code(),
            absl::StatusCode::kInvalidArgument);
  ColumnMoments empty;
  empty.sum = {0.0};
  empty.sum_squares = {0.0};
  EXPECT_EQ(CombineMoments({empty}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ColumnMoments other = empty;
  other.sum = {0.0, 0.0};
  EXPECT_EQ(CombineMoments({empty, other}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(BuildExamples, HeldOutSplitIsDeterministicAndDisjoint) {
  const dataproxy::Table lung = testing::ReadLungTable();
  // row_id as a feature (identity standardisation) identifies the rows.
  const ColumnRoles roles = SurvivalRoles({"row_id", "age", "ph.ecog"});
  auto a = BuildExamples(lung, roles, Task::kSurvival, Identity(3), 0.3, 99);
  auto b = BuildExamples(lung, roles, Task::kSurvival, Identity(3), 0.3, 99);
  ASSERT_TRUE(a.ok() && b.ok()) << a.status();
  EXPECT_EQ(a->train.features, b->train.features);
  EXPECT_EQ(a->held_out.features, b->held_out.features);
  EXPECT_EQ(a->train.time, b->train.time);
  EXPECT_EQ(a->held_out.event, b->held_out.event);

  auto ids = [](const Examples& e) {
    std::set<int> out;
    for (int64_t r = 0; r < e.num_rows; ++r) {
      out.insert(static_cast<int>(e.features[r * e.num_features]));
    }
    return out;
  };
  const std::set<int> train = ids(a->train), held = ids(a->held_out);
  EXPECT_EQ(train.size() + held.size(), 227u);  // complete cases
  for (int id : held) EXPECT_EQ(train.count(id), 0u) << "row_id " << id;
  // Roughly 30% held out, each by the documented rule.
  EXPECT_GT(held.size(), 45u);
  EXPECT_LT(held.size(), 95u);
  for (int id : held) EXPECT_TRUE(IsHeldOutRow(id - 1, 0.3, 99));
  for (int id : train) EXPECT_FALSE(IsHeldOutRow(id - 1, 0.3, 99));

  // Another seed gives another split; the moments skip held-out rows.
  auto c = BuildExamples(lung, roles, Task::kSurvival, Identity(3), 0.3, 100);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(ids(c->held_out), held);
  auto moments = ComputeMoments(lung, roles, Task::kSurvival, 0.3, 99);
  ASSERT_TRUE(moments.ok());
  EXPECT_EQ(moments->count, a->train.num_rows);
  double sum_age = 0.0;
  for (int64_t r = 0; r < a->train.num_rows; ++r) {
    sum_age += a->train.features[r * 3 + 1];
  }
  EXPECT_DOUBLE_EQ(moments->sum[1], sum_age);
  EXPECT_TRUE(ValidateExamples(a->train, Task::kSurvival).ok());
}

TEST(BuildExamples, StandardisesWithTheGivenMoments) {
  const dataproxy::Table lung = testing::ReadLungTable();
  const ColumnRoles roles = SurvivalRoles({"age", "wt.loss"});
  auto moments = ComputeMoments(lung, roles, Task::kSurvival, 0.0, 5);
  auto standardization = CombineMoments({*moments});
  auto split =
      BuildExamples(lung, roles, Task::kSurvival, *standardization, 0.0, 5);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->held_out.num_rows, 0);
  const Examples& e = split->train;
  EXPECT_EQ(e.num_rows, 214);  // 14 missing wt.loss
  for (int64_t k = 0; k < 2; ++k) {
    double mean = 0.0, sq = 0.0;
    for (int64_t r = 0; r < e.num_rows; ++r) mean += e.features[r * 2 + k];
    mean /= e.num_rows;
    for (int64_t r = 0; r < e.num_rows; ++r) {
      sq += std::pow(e.features[r * 2 + k] - mean, 2);
    }
    EXPECT_NEAR(mean, 0.0, 1e-6);
    EXPECT_NEAR(std::sqrt(sq / e.num_rows), 1.0, 1e-6);
  }
  EXPECT_TRUE(e.label.empty());
  EXPECT_EQ(e.time.size(), 214u);
}

TEST(BuildExamples, BinaryLabels) {
  const dataproxy::Table lung = testing::ReadLungTable();
  ColumnRoles roles;
  roles.features = {"age", "sex"};
  roles.label = "event";
  auto split = BuildExamples(lung, roles, Task::kBinary, Identity(2), 0.0, 0);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->train.num_rows, 228);
  EXPECT_EQ(split->train.label.size(), 228u);
  EXPECT_TRUE(split->train.time.empty());
}

TEST(BuildExamples, ValidationErrorsNameTheColumnAndValue) {
  dataproxy::Table table({"x", "label", "time", "event"});
  table.AppendRow({1.0, 0.0, 5.0, 1.0});
  table.AppendRow({2.0, 2.0, -1.0, 3.0});
  ColumnRoles binary;
  binary.features = {"x"};
  binary.label = "label";
  auto bad_label =
      BuildExamples(table, binary, Task::kBinary, Identity(1), 0.0, 0);
  EXPECT_EQ(bad_label.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_label.status().message(), HasSubstr("'label'"));
  EXPECT_THAT(bad_label.status().message(), HasSubstr("value 2"));

  auto bad_time =
      ComputeMoments(table, SurvivalRoles({"x"}), Task::kSurvival, 0.0, 0);
  EXPECT_EQ(bad_time.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_time.status().message(), HasSubstr("'time'"));
  EXPECT_THAT(bad_time.status().message(), HasSubstr("-1"));

  dataproxy::Table events({"x", "time", "event"});
  events.AppendRow({1.0, 5.0, 3.0});
  auto bad_event =
      ComputeMoments(events, SurvivalRoles({"x"}), Task::kSurvival, 0.0, 0);
  EXPECT_THAT(bad_event.status().message(), HasSubstr("'event'"));
  EXPECT_THAT(bad_event.status().message(), HasSubstr("value 3"));

  auto missing = ComputeMoments(table, SurvivalRoles({"x", "ghost"}),
                                Task::kSurvival, 0.0, 0);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("'ghost'"));

  auto bad_fraction =
      ComputeMoments(events, SurvivalRoles({"x"}), Task::kSurvival, 1.5, 0);
  EXPECT_EQ(bad_fraction.status().code(), absl::StatusCode::kInvalidArgument);

  Standardization zero{{0.0}, {0.0}};
  auto bad_sd = BuildExamples(table, binary, Task::kBinary, zero, 0.0, 0);
  EXPECT_EQ(bad_sd.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_sd.status().message(), HasSubstr("'x'"));
}

TEST(BuildExamples, IncompleteRowsAreSkippedBeforeValidation) {
  dataproxy::Table table({"x", "label"});
  table.AppendRow({NAN, 7.0});  // incomplete: its bad label is never read
  table.AppendRow({1.0, 1.0});
  ColumnRoles roles;
  roles.features = {"x"};
  roles.label = "label";
  auto split = BuildExamples(table, roles, Task::kBinary, Identity(1), 0.0, 0);
  ASSERT_TRUE(split.ok()) << split.status();
  EXPECT_EQ(split->train.num_rows, 1);
}

TEST(ValidateExamples, RefusesInconsistentExamples) {
  Examples e;
  e.num_rows = 2;
  e.num_features = 1;
  e.features = {0.0f, 1.0f};
  e.time = {1.0f, 2.0f};
  e.event = {1.0f, 0.0f};
  EXPECT_TRUE(ValidateExamples(e, Task::kSurvival).ok());
  EXPECT_FALSE(ValidateExamples(e, Task::kBinary).ok());  // no labels
  Examples nan = e;
  nan.features[1] = NAN;
  EXPECT_EQ(ValidateExamples(nan, Task::kSurvival).code(),
            absl::StatusCode::kInvalidArgument);
  Examples wide = e;
  wide.num_features = 2;
  EXPECT_EQ(ValidateExamples(wide, Task::kSurvival).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace dsfl::training
