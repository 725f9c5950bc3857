// dsfl-bench-train: samples/s of dsfl's C++ libtorch training (the slave's
// own training::Train, as a round runs it) on synthetic rows, against the
// same model, data, batch size, optimiser and thread count in Python
// PyTorch (bench/train_torch.py, run with --python). ratio = C++ / Python.
//
// The data (N x F standard-normal features; a binary label for the MLP,
// exponential survival times with ~70% events for DeepSurv) is generated
// here and written to a file that the Python script reads, so both train on
// identical rows. Both sides time the same work: full-data loss before,
// `epochs` epochs of shuffled minibatches (Adam), full-data loss after, and
// the export of the parameters.
//
// Usage: dsfl-bench-train [--rows 100000] [--features 20] [--epochs 2]
//        [--batch 256] [--threads 1] [--python /usr/bin/python3
//        --script bench/train_torch.py] [--work-dir DIR]
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "bench/bench_output.h"
#include "common/subprocess.h"
#include "slave/training/trainer.h"

namespace dsfl::bench {
namespace {

using training::Examples;
using training::ModelDefinition;
using training::ModelKind;

struct Settings {
  int64_t rows = 100000;
  int64_t features = 20;
  int64_t epochs = 2;
  int64_t batch = 256;
  int threads = 1;
  std::vector<int64_t> hidden{64, 32};
  double dropout = 0.1;
  double learning_rate = 1e-3;
  std::string python;
  std::string script;
  std::string work_dir = "/tmp";
};

// Features ~ N(0, 1); label = [x.w + noise > 0]; time ~ Exp(exp(x.w)),
// event ~ Bernoulli(0.7). Deterministic (fixed seed).
Examples MakeData(const Settings& s, bool survival) {
  std::mt19937_64 rng(2026);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uniform(1e-6f, 1.0f);
  Examples e;
  e.num_rows = s.rows;
  e.num_features = s.features;
  std::vector<float> w(static_cast<size_t>(s.features));
  for (auto& v : w) v = 0.3f * normal(rng);
  e.features.resize(static_cast<size_t>(s.rows * s.features));
  for (int64_t r = 0; r < s.rows; ++r) {
    float dot = 0.f;
    for (int64_t f = 0; f < s.features; ++f) {
      float x = normal(rng);
      e.features[static_cast<size_t>(r * s.features + f)] = x;
      dot += x * w[static_cast<size_t>(f)];
    }
    if (survival) {
      e.time.push_back(-std::log(uniform(rng)) / std::exp(dot));
      e.event.push_back(uniform(rng) < 0.7f ? 1.f : 0.f);
    } else {
      e.label.push_back(dot + 0.5f * normal(rng) > 0.f ? 1.f : 0.f);
    }
  }
  return e;
}

// Raw little-endian float32: features (row-major), then the targets.
Status WriteData(const Examples& e, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  auto put = [&](const std::vector<float>& v) {
    out.write(reinterpret_cast<const char*>(v.data()),
              static_cast<std::streamsize>(v.size() * sizeof(float)));
  };
  put(e.features);
  put(e.label);
  put(e.time);
  put(e.event);
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

// Samples/s, and the model's parameter count in *params.
StatusOr<double> RunCpp(const Settings& s, ModelKind kind, const Examples& e,
                        int64_t* params) {
  ModelDefinition def;
  def.kind = kind;
  def.hidden_units = s.hidden;
  def.dropout = s.dropout;
  training::TrainingPlan plan;
  plan.local_epochs = s.epochs;
  plan.batch_size = s.batch;
  plan.optimizer.name = "adam";
  plan.optimizer.learning_rate = s.learning_rate;
  plan.seed = 7;
  training::SetTrainingThreads(s.threads);
  DSFL_ASSIGN_OR_RETURN(FlatModel global,
                        training::InitializeModel(def, s.features, 1));
  *params = static_cast<int64_t>(global.values.size());
  // One warm-up epoch (allocator, dispatcher caches), as the Python side.
  training::TrainingPlan warm = plan;
  warm.local_epochs = 1;
  DSFL_RETURN_IF_ERROR(
      training::Train(def, warm, global, e, nullptr, nullptr).status());
  const auto start = std::chrono::steady_clock::now();
  DSFL_ASSIGN_OR_RETURN(
      training::TrainOutcome out,
      training::Train(def, plan, global, e, nullptr, nullptr));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (out.model.values.empty()) return absl::InternalError("empty model");
  return static_cast<double>(s.rows * s.epochs) / seconds;
}

// Runs the Python script; its last stdout line is {"samples_per_second": X}.
StatusOr<double> RunPython(const Settings& s, const std::string& model,
                           const std::string& data_path) {
  const std::string log = absl::StrCat(s.work_dir, "/train_", model, ".log");
  std::remove(log.c_str());
  DSFL_ASSIGN_OR_RETURN(
      auto process,
      Subprocess::Spawn(
          {s.python,     s.script,
           "--model",    model,
           "--data",     data_path,
           "--rows",     std::to_string(s.rows),
           "--features", std::to_string(s.features),
           "--epochs",   std::to_string(s.epochs),
           "--batch",    std::to_string(s.batch),
           "--threads",  std::to_string(s.threads),
           "--lr",       std::to_string(s.learning_rate),
           "--dropout",  std::to_string(s.dropout),
           "--hidden",   absl::StrCat(s.hidden[0], ",", s.hidden[1])},
          log));
  const int status = process->Wait();
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty() && line.front() == '{') last = line;
  }
  auto j = nlohmann::json::parse(last, nullptr, false);
  if (status != 0 || j.is_discarded() || !j.contains("samples_per_second")) {
    std::stringstream all;
    all << std::ifstream(log).rdbuf();
    return absl::InternalError(
        absl::StrCat(s.script, " failed (status ", status, "): ", all.str()));
  }
  return j["samples_per_second"].get<double>();
}

int Main(const Settings& s) {
  int failures = 0;
  for (auto [kind, name] : {std::pair{ModelKind::kDeepSurv, "deepsurv"},
                            std::pair{ModelKind::kMlp, "mlp"}}) {
    const Examples data = MakeData(s, kind == ModelKind::kDeepSurv);
    int64_t params = 0;
    auto cpp = RunCpp(s, kind, data, &params);
    if (!cpp.ok()) {
      std::cerr << "dsfl-bench-train: " << name << ": " << cpp.status() << "\n";
      ++failures;
      continue;
    }
    nlohmann::json extra = {{"model", name},          {"rows", s.rows},
                            {"features", s.features}, {"epochs", s.epochs},
                            {"batch", s.batch},       {"threads", s.threads},
                            {"optimizer", "adam"}};
    std::optional<double> ratio;
    if (!s.python.empty()) {
      const std::string path =
          absl::StrCat(s.work_dir, "/train_", name, ".f32");
      Status written = WriteData(data, path);
      auto py =
          written.ok() ? RunPython(s, name, path) : StatusOr<double>(written);
      std::remove(path.c_str());
      if (py.ok()) {
        ratio = *cpp / *py;
        extra["python_samples_per_second"] = *py;
      } else {
        std::cerr << "dsfl-bench-train: python: " << py.status() << "\n";
        extra["python"] = "failed";
      }
    }
    EmitBenchLine({"train", params, 1, *cpp, "samples/s", ratio, extra});
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace
}  // namespace dsfl::bench

int main(int argc, char** argv) {
  CLI::App app{"dsfl-bench-train: C++ libtorch vs Python PyTorch training"};
  dsfl::bench::Settings s;
  app.add_option("--rows", s.rows, "synthetic rows");
  app.add_option("--features", s.features, "features per row");
  app.add_option("--epochs", s.epochs, "timed epochs");
  app.add_option("--batch", s.batch, "minibatch rows");
  app.add_option("--threads", s.threads, "torch threads (both sides)");
  app.add_option("--python", s.python, "python3 with torch (empty: skip)");
  app.add_option("--script", s.script, "bench/train_torch.py");
  app.add_option("--work-dir", s.work_dir, "where the data file goes");
  CLI11_PARSE(app, argc, argv);
  return dsfl::bench::Main(s);
}
