// dsfl simulate cox|km: an exact federated survival analysis over shard CSV
// files, each served by an in-process site running the slave's analytics
// code (slave/analytics), driven by the master's (master/analytics) through
// the in-memory transport. The numbers are those a federation of
// dsfl-slave processes holding the same shards returns.
//
// Disclosure limits are off by default (whoever runs a simulation holds
// every shard already); --min-rows, --min-events and --min-cell-count apply
// a hospital's limits to preview their effect.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "connector-adapters/dataproxy/csv_data_source.h"
#include "master/analytics/analysis.h"
#include "master/analytics/analysis_report.h"
#include "master/analytics/in_process_analytics_client.h"

namespace dsfl::cli {
namespace {

struct SimulateOptions {
  bool km = false;
  std::vector<std::string> shards;
  std::string time = "time";
  std::string event = "event";
  std::string covariates;
  std::string ties = "efron";
  std::string design = "pooled";
  std::string rows = "all";
  double held_out_fraction = 0.2;
  uint64_t split_seed = 0;
  double eps = 1e-12;
  int max_iterations = 100;
  bool no_concordance = false;
  bool exclude_refusing_sites = false;
  int64_t min_rows = 0;
  int64_t min_events = 0;
  int64_t min_cell_count = 1;
  bool json = false;
};

int RunSimulate(const SimulateOptions& o) {
  analytics::AnalysisSpec spec;
  spec.type = o.km ? analytics::AnalysisSpec::Type::kKaplanMeier
                   : analytics::AnalysisSpec::Type::kCox;
  spec.data.time = o.time;
  spec.data.event = o.event;
  if (!o.km) {
    for (absl::string_view c : absl::StrSplit(o.covariates, ',')) {
      if (!c.empty()) spec.data.covariates.emplace_back(c);
    }
    if (spec.data.covariates.empty()) {
      std::cerr << "dsfl simulate cox: --covariates names no column\n";
      return 2;
    }
  }
  spec.ties =
      o.ties == "breslow" ? analytics::Ties::kBreslow : analytics::Ties::kEfron;
  spec.design = o.design == "stratified" ? analytics::CoxDesign::kStratified
                                         : analytics::CoxDesign::kPooled;
  spec.data.rows = o.rows == "training" ? analytics::RowSet::kTraining
                                        : analytics::RowSet::kAll;
  spec.data.held_out_fraction = o.held_out_fraction;
  spec.data.split_seed = o.split_seed;
  spec.eps = o.eps;
  spec.max_iterations = o.max_iterations;
  spec.concordance = !o.no_concordance;
  spec.exclude_refusing_sites = o.exclude_refusing_sites;
  const analytics::DisclosureLimits limits{o.min_rows, o.min_events,
                                           o.min_cell_count};

  std::vector<std::unique_ptr<analytics::SiteAnalytics>> sites;
  std::vector<std::unique_ptr<analytics::InProcessAnalyticsClient>> clients;
  analytics::Federation federation;
  federation.context.job_id = "simulate";
  for (const std::string& shard : o.shards) {
    sites.push_back(std::make_unique<analytics::SiteAnalytics>(
        std::make_unique<dataproxy::CsvDataSource>(shard), limits));
    clients.push_back(std::make_unique<analytics::InProcessAnalyticsClient>(
        sites.back().get()));
    federation.sites.push_back(
        {std::filesystem::path(shard).stem().string(), clients.back().get()});
  }
  auto result = analytics::RunAnalysis(spec, federation);
  if (!result.ok()) {
    std::cerr << "dsfl simulate: " << result.status().message() << "\n";
    return 1;
  }
  if (o.json) {
    std::printf("%s\n", analytics::AnalysisJson(*result).dump(2).c_str());
  } else {
    std::printf("%s", analytics::AnalysisText(*result).c_str());
  }
  return 0;
}

void AddCommon(CLI::App* command, SimulateOptions* o) {
  command->add_option("--shard", o->shards, "a site's CSV file (repeat)")
      ->required()
      ->check(CLI::ExistingFile);
  command->add_option("--time", o->time, "follow-up time column")
      ->capture_default_str();
  command->add_option("--event", o->event, "event column (1 = event)")
      ->capture_default_str();
  command->add_option("--min-rows", o->min_rows,
                      "each site's limits.min_rows (default 0: off)");
  command->add_option("--min-events", o->min_events,
                      "each site's limits.min_events (default 0: off)");
  command->add_option("--min-cell-count", o->min_cell_count,
                      "each site's limits.min_cell_count (default 1: off)");
  command->add_flag("--exclude-refusing-sites", o->exclude_refusing_sites,
                    "leave out sites that refuse, instead of failing");
  command->add_flag("--json", o->json, "the report as JSON");
}

}  // namespace

void AddSimulateCommands(CLI::App* app, CommandContext* context) {
  CLI::App* simulate = app->add_subcommand(
      "simulate",
      "exact federated survival analyses over shard CSVs, in process");
  simulate->require_subcommand(1);

  auto cox_options = std::make_shared<SimulateOptions>();
  CLI::App* cox = simulate->add_subcommand(
      "cox", "federated Cox regression (equals R's coxph on the pooled data)");
  AddCommon(cox, cox_options.get());
  cox->add_option("--covariates", cox_options->covariates,
                  "comma-separated covariate columns")
      ->required();
  cox->add_option("--ties", cox_options->ties, "breslow or efron")
      ->check(CLI::IsMember({"breslow", "efron"}))
      ->capture_default_str();
  cox->add_option("--design", cox_options->design,
                  "pooled (one baseline hazard) or stratified (per site)")
      ->check(CLI::IsMember({"pooled", "stratified"}))
      ->capture_default_str();
  cox->add_option("--rows", cox_options->rows,
                  "all, or training (fit on the training split; C also on "
                  "the held-out rows)")
      ->check(CLI::IsMember({"all", "training"}))
      ->capture_default_str();
  cox->add_option("--held-out-fraction", cox_options->held_out_fraction,
                  "held-out fraction of the split (with --rows training)")
      ->check(CLI::Range(0.0, 0.9));
  cox->add_option("--split-seed", cox_options->split_seed,
                  "seed of the split (with --rows training)");
  cox->add_option("--eps", cox_options->eps,
                  "convergence: relative log-likelihood change")
      ->check(CLI::Range(1e-16, 1e-3))
      ->capture_default_str();
  cox->add_option("--max-iterations", cox_options->max_iterations,
                  "Newton-Raphson iterations at most")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  cox->add_flag("--no-concordance", cox_options->no_concordance,
                "skip Harrell's and Uno's C");
  cox->callback([cox_options, context] {
    context->exit_code = RunSimulate(*cox_options);
  });

  auto km_options = std::make_shared<SimulateOptions>();
  km_options->km = true;
  CLI::App* km = simulate->add_subcommand(
      "km", "federated Kaplan-Meier (equals R's survfit on the pooled data)");
  AddCommon(km, km_options.get());
  km->callback(
      [km_options, context] { context->exit_code = RunSimulate(*km_options); });
}

}  // namespace dsfl::cli
