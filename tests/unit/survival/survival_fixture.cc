#include "tests/unit/survival/survival_fixture.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "connector-adapters/dataproxy/csv_data_source.h"

namespace dsfl::analytics::testing {
namespace fs = std::filesystem;

std::string SourcePath(const std::string& relative) {
  const char* root = std::getenv("DSFL_SOURCE_DIR");
  if (root == nullptr) std::abort();
  return std::string(root) + "/" + relative;
}

const nlohmann::json& LungReference() {
  static const nlohmann::json* reference = [] {
    std::ifstream in(SourcePath("data/lung/lung_reference.json"));
    std::stringstream buffer;
    buffer << in.rdbuf();
    return new nlohmann::json(nlohmann::json::parse(buffer.str()));
  }();
  return *reference;
}

std::vector<std::string> ShardFiles(const std::string& split) {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(
           SourcePath("tests/fixtures/lung_shards/" + split))) {
    if (entry.path().extension() == ".csv") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

DisclosureLimits OpenLimits() {
  DisclosureLimits limits;
  limits.min_rows = 0;
  limits.min_events = 0;
  limits.min_cell_count = 1;
  return limits;
}

SimulatedFederation::SimulatedFederation(
    const std::vector<std::string>& csv_files, DisclosureLimits limits) {
  federation_.context.job_id = "test";
  for (const std::string& file : csv_files) {
    sites_.push_back(std::make_unique<SiteAnalytics>(
        std::make_unique<dataproxy::CsvDataSource>(file), limits));
    clients_.push_back(
        std::make_unique<InProcessAnalyticsClient>(sites_.back().get()));
    federation_.sites.push_back(
        {fs::path(file).stem().string(), clients_.back().get()});
  }
}

std::string WriteTempFile(const std::string& name, const std::string& text) {
  // One directory per test process, removed when the process exits.
  struct TempDir {
    TempDir() {
      char pattern[] = "/tmp/dsfl_survival_XXXXXX";
      path = ::mkdtemp(pattern);
    }
    ~TempDir() {
      std::error_code ignored;
      fs::remove_all(path, ignored);
    }
    std::string path;
  };
  static TempDir dir;
  const std::string path = dir.path + "/" + name;
  std::ofstream(path) << text;
  return path;
}

}  // namespace dsfl::analytics::testing
