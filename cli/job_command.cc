// dsfl job run|model-hash|submit|list|status|watch|cancel|download and dsfl
// nodes. `run` drives slaves directly (no daemon); `model-hash` prints the
// model identity a hospital pins (dataspace.policy.allowed_model_sha256);
// the others talk to the master daemon's admin API. Exit codes: 0 ok, 1
// failure, 2 usage, 3 the master cannot be reached.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "absl/strings/str_format.h"
#include "cli/admin_client.h"
#include "cli/commands.h"
#include "common/config_reader.h"
#include "common/model_file.h"
#include "common/signals.h"
#include "master/console_progress.h"
#include "master/core/job_spec.h"
#include "master/transport/run_job.h"
#include "slave/training/model_definition.h"

namespace dsfl::cli {
namespace {

struct JobOptions {
  AdminEndpoint endpoint;
  std::string path;
  std::string id;
  std::string output;
  bool json = false;
};

int Fail(const std::string& what, const Status& status) {
  std::cerr << "dsfl " << what << ": " << status.message() << "\n";
  return ExitCodeFor(status);
}

int RunJobCommand(const JobOptions& options) {
  auto spec = master::LoadJobSpec(options.path);
  if (!spec.ok()) {
    std::cerr << "dsfl job run: " << options.path << ": "
              << spec.status().message() << "\n";
    return 2;
  }
  BlockTerminationSignals();
  CancellationToken cancel;
  std::thread([&cancel] {
    WaitForTerminationSignal();
    cancel.Cancel();
  }).detach();
  master::ConsoleProgress progress(stdout, options.json);
  auto result = master::RunJob(*spec, &progress, &cancel);
  if (!result.ok()) {
    std::cerr << "dsfl job run: job '" << spec->job_id
              << "' failed: " << result.status().message() << "\n";
    return 1;
  }
  progress.PrintResult(*result);
  return 0;
}

// Prints master::AdmissionSha256 of the job: the identity the master sends
// in Authorize (a training job's model, or the kind of exact analysis) and
// every dataspace slave checks against its allowlist.
int ModelHashCommand(const JobOptions& options) {
  auto sha256 = master::LoadAdmissionSha256(options.path);
  if (!sha256.ok()) {
    std::cerr << "dsfl job model-hash: " << options.path << ": "
              << sha256.status().message() << "\n";
    return 2;
  }
  std::cout << *sha256 << "\n";
  return 0;
}

StatusOr<std::unique_ptr<AdminClient>> Connect(const JobOptions& options) {
  return AdminClient::Create(ResolveEndpoint(options.endpoint));
}

std::string MetricText(const nlohmann::json& evaluation) {
  if (!evaluation.is_object()) return "-";
  std::string text =
      absl::StrFormat("loss %.4f", evaluation.value("loss", 0.0));
  if (evaluation.contains("c_index")) {
    absl::StrAppendFormat(&text, "  C-index %.4f",
                          evaluation["c_index"].get<double>());
  }
  if (evaluation.contains("auc")) {
    absl::StrAppendFormat(&text, "  AUC %.4f", evaluation["auc"].get<double>());
  }
  return text;
}

int Submit(const JobOptions& options) {
  auto spec = ReadJsonFile(options.path);
  if (!spec.ok()) {
    std::cerr << "dsfl job submit: " << spec.status().message() << "\n";
    return 2;
  }
  // A TorchScript file is read by the daemon: make its path absolute.
  if (spec->contains("model") && (*spec)["model"].contains("path") &&
      (*spec)["model"]["path"].is_string()) {
    std::filesystem::path model = (*spec)["model"]["path"].get<std::string>();
    if (model.is_relative()) {
      (*spec)["model"]["path"] =
          (std::filesystem::absolute(options.path).parent_path() / model)
              .string();
    }
  }
  auto client = Connect(options);
  if (!client.ok()) return Fail("job submit", client.status());
  auto answer = (*client)->Post("/v1/jobs", *spec);
  if (!answer.ok()) return Fail("job submit", answer.status());
  if (options.json) {
    std::cout << answer->dump() << "\n";
  } else {
    std::cout << (*answer)["id"].get<std::string>() << "\n";
  }
  return 0;
}

int List(const JobOptions& options) {
  auto client = Connect(options);
  if (!client.ok()) return Fail("job list", client.status());
  auto answer = (*client)->Get("/v1/jobs");
  if (!answer.ok()) return Fail("job list", answer.status());
  if (options.json) {
    std::cout << answer->dump() << "\n";
    return 0;
  }
  std::printf("%-28s %-10s %-9s %s\n", "ID", "STATE", "ROUNDS", "METRICS");
  for (const auto& job : (*answer)["jobs"]) {
    std::printf(
        "%-28s %-10s %4d/%-4d %s\n", job["id"].get<std::string>().c_str(),
        job["state"].get<std::string>().c_str(), job["rounds_done"].get<int>(),
        job["rounds_total"].get<int>(), MetricText(job["evaluation"]).c_str());
  }
  return 0;
}

void PrintStatus(const nlohmann::json& job) {
  std::printf("job %s: %s, round %d of %d\n",
              job["id"].get<std::string>().c_str(),
              job["state"].get<std::string>().c_str(),
              job["rounds_done"].get<int>(), job["rounds_total"].get<int>());
  if (!job["error"].get<std::string>().empty()) {
    std::printf("error: %s\n", job["error"].get<std::string>().c_str());
  }
  for (const auto& round : job["rounds"]) {
    std::printf("  round %3d  slaves %d/%d  %s  %.2fs\n",
                round["round"].get<int>(), round["completed"].get<int>(),
                round["selected"].get<int>(),
                MetricText(round.value("evaluation", nlohmann::json())).c_str(),
                round["seconds"].get<double>());
    for (const auto& node : round["nodes"]) {
      if (!node["ok"].get<bool>()) {
        std::printf("             %s dropped: %s\n",
                    node["node"].get<std::string>().c_str(),
                    node["error"].get<std::string>().c_str());
      }
    }
  }
  if (!job["model_digest"].get<std::string>().empty()) {
    std::printf("model digest %s\n",
                job["model_digest"].get<std::string>().c_str());
  }
}

int Status_(const JobOptions& options) {
  auto client = Connect(options);
  if (!client.ok()) return Fail("job status", client.status());
  auto job = (*client)->Get("/v1/jobs/" + options.id);
  if (!job.ok()) return Fail("job status", job.status());
  if (options.json) {
    std::cout << job->dump() << "\n";
  } else {
    PrintStatus(*job);
  }
  return 0;
}

// Polls until the job ends. On a terminal: a progress bar redrawn in place;
// otherwise one plain line per finished round.
int Watch(const JobOptions& options) {
  auto client = Connect(options);
  if (!client.ok()) return Fail("job watch", client.status());
  const bool tty = ::isatty(STDOUT_FILENO) == 1 && !options.json;
  size_t printed = 0;
  for (;;) {
    auto job = (*client)->Get("/v1/jobs/" + options.id);
    if (!job.ok()) return Fail("job watch", job.status());
    const auto& rounds = (*job)["rounds"];
    const int total = std::max(1, (*job)["rounds_total"].get<int>());
    for (; printed < rounds.size(); ++printed) {
      const auto& r = rounds[printed];
      if (options.json) {
        std::cout << r.dump() << "\n";
      } else if (!tty) {
        std::printf("round %d/%d  slaves %d/%d  %s  %.2fs\n",
                    r["round"].get<int>(), total, r["completed"].get<int>(),
                    r["selected"].get<int>(),
                    MetricText(r.value("evaluation", nlohmann::json())).c_str(),
                    r["seconds"].get<double>());
      }
    }
    const std::string state = (*job)["state"];
    if (tty) {
      const int done = (*job)["rounds_done"].get<int>();
      const int width = 30;
      const int filled = width * done / total;
      std::printf("\r[%s%s] %3d/%d %-9s %s   ",
                  std::string(filled, '#').c_str(),
                  std::string(width - filled, '.').c_str(), done, total,
                  state.c_str(), MetricText((*job)["evaluation"]).c_str());
    }
    std::fflush(stdout);
    if (state == "succeeded" || state == "failed" || state == "cancelled") {
      if (tty) std::printf("\n");
      if (!options.json) {
        std::printf("job %s %s%s\n", options.id.c_str(), state.c_str(),
                    (*job)["error"].get<std::string>().empty()
                        ? ""
                        : (": " + (*job)["error"].get<std::string>()).c_str());
      }
      return state == "succeeded" ? 0 : 1;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

int Cancel(const JobOptions& options) {
  auto client = Connect(options);
  if (!client.ok()) return Fail("job cancel", client.status());
  auto answer =
      (*client)->Post("/v1/jobs/" + options.id + "/cancel", nlohmann::json{});
  if (!answer.ok()) return Fail("job cancel", answer.status());
  std::cout << "cancelled " << options.id << "\n";
  return 0;
}

int Download(const JobOptions& options) {
  auto client = Connect(options);
  if (!client.ok()) return Fail("job download", client.status());
  std::string digest;
  auto body = (*client)->Download("/v1/jobs/" + options.id + "/model", &digest);
  if (!body.ok()) return Fail("job download", body.status());
  Status written = WriteFileAtomically(options.output, *body);
  if (!written.ok()) return Fail("job download", written);
  // Check what arrived: the file's own digest and the one the master holds.
  auto model = ReadModelFile(options.output);
  if (!model.ok()) return Fail("job download", model.status());
  const std::string& actual = model->digest;  // verified by ReadModelFile
  if (actual != digest) {
    return Fail(
        "job download",
        absl::DataLossError(absl::StrCat(
            "downloaded model's digest ", actual,
            " differs from the master's X-Model-Digest \"", digest, "\"")));
  }
  if (options.json) {
    std::cout
        << nlohmann::json({{"path", options.output}, {"digest", digest}}).dump()
        << "\n";
  } else {
    std::cout << options.output << " (model digest " << digest << ")\n";
  }
  return 0;
}

int Nodes(const JobOptions& options) {
  auto client = Connect(options);
  if (!client.ok()) return Fail("nodes", client.status());
  auto answer = (*client)->Get("/v1/nodes");
  if (!answer.ok()) return Fail("nodes", answer.status());
  if (options.json) {
    std::cout << answer->dump() << "\n";
    return 0;
  }
  std::printf("%-20s %-10s %s\n", "NODE", "REACHABLE", "DETAILS");
  for (const auto& node : (*answer)["nodes"]) {
    std::string details =
        node.value("reachable", false)
            ? absl::StrFormat("%s, %d rows (%s)",
                              node.value("display_name", ""),
                              node.value("rows", 0), node.value("source", ""))
            : node.value("error", "");
    std::printf("%-20s %-10s %s\n", node.value("id", "?").c_str(),
                node.value("reachable", false) ? "yes" : "no", details.c_str());
  }
  return 0;
}

void AddEndpointOptions(CLI::App* command, JobOptions* options) {
  command->add_option("--master", options->endpoint.url,
                      "admin API URL (env DSFL_MASTER; default "
                      "https://127.0.0.1:7070)");
  command->add_option("--token-file", options->endpoint.token_file,
                      "admin token file (env DSFL_TOKEN_FILE)");
  command->add_option("--ca", options->endpoint.ca_file,
                      "CA that signed the master's certificate (env DSFL_CA)");
}

}  // namespace

void AddJobCommands(CLI::App* app, CommandContext* context) {
  auto options = std::make_shared<JobOptions>();
  CLI::App* job = app->add_subcommand("job", "run and manage training jobs");
  job->require_subcommand(1);

  CLI::App* run = job->add_subcommand(
      "run", "run a job directly against running slaves (no daemon)");
  run->add_option("JOB", options->path, "job spec (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  run->add_flag("--json", options->json, "progress as JSON lines");
  run->callback(
      [options, context] { context->exit_code = RunJobCommand(*options); });

  CLI::App* model_hash = job->add_subcommand(
      "model-hash",
      "print the SHA-256 identity of the job's model (what a hospital puts "
      "in dataspace.policy.allowed_model_sha256)");
  model_hash->add_option("JOB", options->path, "job spec (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  model_hash->callback(
      [options, context] { context->exit_code = ModelHashCommand(*options); });

  auto add = [&](const char* name, const char* help,
                 int (*fn)(const JobOptions&), bool takes_id, bool json) {
    CLI::App* command = job->add_subcommand(name, help);
    AddEndpointOptions(command, options.get());
    if (takes_id) command->add_option("ID", options->id, "job id")->required();
    if (json) command->add_flag("--json", options->json, "machine-readable");
    command->callback(
        [options, context, fn] { context->exit_code = fn(*options); });
    return command;
  };
  CLI::App* submit =
      add("submit", "submit a job to the master daemon", Submit, false, true);
  submit->add_option("JOB", options->path, "job spec (JSON)")
      ->required()
      ->check(CLI::ExistingFile);
  add("list", "list jobs", List, false, true);
  add("status", "a job's state, rounds and nodes", Status_, true, true);
  add("watch", "follow a job until it ends", Watch, true, true);
  add("cancel", "cancel a job", Cancel, true, false);
  CLI::App* download =
      add("download", "download a job's final model", Download, true, true);
  download->add_option("-o,--output", options->output, "where to write it")
      ->required();

  CLI::App* nodes = app->add_subcommand("nodes", "the master's slaves, probed");
  AddEndpointOptions(nodes, options.get());
  nodes->add_flag("--json", options->json, "machine-readable");
  nodes->callback([options, context] { context->exit_code = Nodes(*options); });
}

}  // namespace dsfl::cli
