#include "master/core/job_spec.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/config_reader.h"
#include "common/sha256.h"

namespace dsfl::master {
namespace {

std::string Resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

StatusOr<std::string> ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void ParseModel(ConfigReader model, const std::string& base_dir,
                JobSpec* spec, std::string* torchscript_path) {
  const std::string type = model.String("type");
  ModelDefinition& def = spec->model;
  if (type == "logistic") {
    def.kind = ModelKind::kLogistic;
  } else if (type == "mlp") {
    def.kind = ModelKind::kMlp;
  } else if (type == "cox") {
    def.kind = ModelKind::kCox;
  } else if (type == "deepsurv") {
    def.kind = ModelKind::kDeepSurv;
  } else if (type == "torchscript") {
    def.kind = ModelKind::kTorchScript;
  } else if (type == "noop") {
    def.kind = ModelKind::kNoop;
  } else if (!type.empty()) {
    model.Fail("type", absl::StrCat("unknown model type '", type,
                                    "' (logistic, mlp, cox, deepsurv, "
                                    "torchscript, noop)"));
  }
  if (def.kind == ModelKind::kMlp || def.kind == ModelKind::kDeepSurv) {
    def.hidden_units = model.Ints("hidden_units", 1, 1 << 20);
    if (def.hidden_units.empty()) def.hidden_units = {32, 16};
    def.dropout = model.Double("dropout", 0.0, 0.0, 0.95);
  }
  if (def.kind == ModelKind::kTorchScript) {
    *torchscript_path = Resolve(base_dir, model.String("path"));
    def.torchscript_sha256 = model.String("sha256");
    Sha256Digest unused;
    if (!def.torchscript_sha256.empty() &&
        !ParseSha256Hex(def.torchscript_sha256, &unused)) {
      model.Fail("sha256", "expected 64 hexadecimal characters");
    }
    const std::string task = model.String("task");
    if (task == "binary") {
      def.task = Task::kBinary;
    } else if (task == "survival") {
      def.task = Task::kSurvival;
    } else if (!task.empty()) {
      model.Fail("task", absl::StrCat("unknown task '", task,
                                      "' (binary, survival)"));
    }
  } else {
    def.task = training::TaskOf(def);
  }
  if (def.kind == ModelKind::kNoop) {
    def.noop_parameters = model.RequiredInt("parameters", 1, int64_t{1} << 34);
  }
}

// Reads a TorchScript model's archive and checks its pinned SHA-256.
Status LoadTorchScript(const std::string& path, ModelDefinition* def) {
  if (def->kind != ModelKind::kTorchScript) return absl::OkStatus();
  DSFL_ASSIGN_OR_RETURN(def->torchscript_archive, ReadFileBytes(path));
  std::string actual = Sha256::HexOf(def->torchscript_archive);
  if (actual != def->torchscript_sha256) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.sha256: ", path, " has SHA-256 ", actual,
                     " but the job pins ", def->torchscript_sha256));
  }
  return absl::OkStatus();
}

void ParseData(ConfigReader data, JobSpec* spec) {
  DataSpec& d = spec->data;
  d.task = spec->model.task;
  d.roles.features = data.Strings("features", /*required=*/true);
  if (d.task == Task::kSurvival) {
    d.roles.time = data.String("time");
    d.roles.event = data.String("event");
  } else {
    d.roles.label = data.String("label");
  }
  std::set<std::string> seen;
  for (const std::string& f : d.roles.features) {
    if (!seen.insert(f).second) {
      data.Fail("features", absl::StrCat("column '", f, "' appears twice"));
    }
  }
  if (spec->model.kind != ModelKind::kNoop && d.roles.features.empty()) {
    data.Fail("features", "at least one feature column is required");
  }
  d.held_out_fraction = data.Double("held_out_fraction", 0.2, 0.0, 0.9);
  d.split_seed = static_cast<uint64_t>(
      data.Int("split_seed", 0, 0, std::numeric_limits<int64_t>::max()));
}

// "analysis": {"type": "cox" | "km" | "concordance", "time", "event",
// "covariates", "ties": "efron" | "breslow", "design": "pooled" |
// "stratified", "rows": "all" | "training" | "held_out",
// "held_out_fraction", "split_seed", "eps", "max_iterations",
// "concordance", "uno", "baseline_hazard", "exclude_refusing_sites",
// "model_file" (type concordance)}.
void ParseAnalysis(ConfigReader a, const std::string& base_dir, JobSpec* spec) {
  analytics::AnalysisSpec analysis;
  const std::string type = a.String("type", "cox");
  if (type == "km") {
    analysis.type = analytics::AnalysisSpec::Type::kKaplanMeier;
  } else if (type == "concordance") {
    analysis.type = analytics::AnalysisSpec::Type::kConcordance;
    analysis.model_file = Resolve(base_dir, a.String("model_file"));
  } else if (type != "cox") {
    a.Fail("type", absl::StrCat("unknown analysis '", type,
                                "' (cox, km, concordance)"));
  }
  analysis.data.time = a.String("time", "time");
  analysis.data.event = a.String("event", "event");
  const bool cox = analysis.type == analytics::AnalysisSpec::Type::kCox;
  analysis.data.covariates =
      a.Strings("covariates",
                /*required=*/analysis.type !=
                    analytics::AnalysisSpec::Type::kKaplanMeier);
  std::set<std::string> seen;
  for (const std::string& c : analysis.data.covariates) {
    if (!seen.insert(c).second) {
      a.Fail("covariates", absl::StrCat("column '", c, "' appears twice"));
    }
  }
  if (cox && analysis.data.covariates.empty()) {
    a.Fail("covariates", "a Cox model needs at least one covariate");
  }
  const std::string ties = a.String("ties", "efron");
  if (ties == "breslow") {
    analysis.ties = analytics::Ties::kBreslow;
  } else if (ties != "efron") {
    a.Fail("ties", absl::StrCat("unknown ties '", ties, "' (efron, breslow)"));
  }
  const std::string design = a.String("design", "pooled");
  if (design == "stratified") {
    analysis.design = analytics::CoxDesign::kStratified;
  } else if (design != "pooled") {
    a.Fail("design",
           absl::StrCat("unknown design '", design, "' (pooled, stratified)"));
  }
  const std::string rows = a.String("rows", "all");
  if (rows == "training") {
    analysis.data.rows = analytics::RowSet::kTraining;
  } else if (rows == "held_out") {
    analysis.data.rows = analytics::RowSet::kHeldOut;
  } else if (rows != "all") {
    a.Fail("rows",
           absl::StrCat("unknown rows '", rows, "' (all, training, held_out)"));
  }
  analysis.data.held_out_fraction =
      a.Double("held_out_fraction", 0.2, 0.0, 0.9);
  analysis.data.split_seed = static_cast<uint64_t>(
      a.Int("split_seed", 0, 0, std::numeric_limits<int64_t>::max()));
  analysis.eps = a.Double("eps", 1e-12, 1e-16, 1e-3);
  analysis.max_iterations =
      static_cast<int>(a.Int("max_iterations", 100, 1, 10000));
  analysis.concordance = a.Bool("concordance", true);
  analysis.uno = a.Bool("uno", true);
  analysis.baseline_hazard = a.Bool("baseline_hazard", true);
  analysis.exclude_refusing_sites = a.Bool("exclude_refusing_sites", false);
  spec->analysis = analysis;
}

void ParseTraining(ConfigReader training, JobSpec* spec) {
  spec->rounds =
      static_cast<uint32_t>(training.Int("rounds", 10, 1, 100000));
  spec->plan.local_epochs = training.Int("local_epochs", 1, 1, 1000000);
  spec->plan.batch_size = training.Int("batch_size", 0, 0, 1 << 24);
  ConfigReader optimizer = training.Object("optimizer", false);
  OptimizerConfig& opt = spec->plan.optimizer;
  opt.name = optimizer.String("name", "adam");
  if (opt.name != "adam" && opt.name != "sgd") {
    optimizer.Fail("name", absl::StrCat("unknown optimizer '", opt.name,
                                        "' (adam, sgd)"));
  }
  opt.learning_rate = optimizer.Double("learning_rate", 0.01, 1e-12, 100.0);
  opt.weight_decay = optimizer.Double("weight_decay", 0.0, 0.0, 10.0);
  opt.momentum = optimizer.Double("momentum", 0.0, 0.0, 1.0);
}

void ParseFederation(ConfigReader federation, JobSpec* spec) {
  const std::string strategy = federation.String("strategy", "fedavg");
  if (strategy != "fedavg") {
    federation.Fail("strategy",
                    absl::StrCat("unknown strategy '", strategy, "' (fedavg)"));
  }
  spec->fraction_fit = federation.Double("fraction_fit", 1.0, 1e-9, 1.0);
  spec->min_clients =
      static_cast<uint32_t>(federation.Int("min_clients", 1, 1, 100000));
  spec->round_timeout = absl::Seconds(
      federation.Double("round_timeout_seconds", 600.0, 0.01, 7 * 86400.0));
  spec->max_parallel =
      static_cast<size_t>(federation.Int("max_parallel", 0, 0, 100000));
  spec->evaluate_every =
      static_cast<uint32_t>(federation.Int("evaluate_every", 1, 0, 100000));
  spec->seed = static_cast<uint64_t>(federation.Int(
      "seed", 0, 0, std::numeric_limits<int64_t>::max()));
  spec->chunk_bytes = static_cast<uint32_t>(
      federation.Int("chunk_bytes", 1 << 20, 4096, 4 << 20));
  if (spec->chunk_bytes % 4 != 0) {
    federation.Fail("chunk_bytes", "must be a multiple of 4");
  }
  const std::string wire = federation.String("wire_format", "float32");
  if (wire == "bfloat16") {
    spec->wire_format = WireFormat::kBfloat16;
  } else if (wire != "float32") {
    federation.Fail(
        "wire_format",
        "expected \"float32\" or \"bfloat16\", got \"" + wire + "\"");
  }
}

void ParseSlaves(ConfigReader* parent, std::vector<SlaveEndpoint>* out) {
  std::set<std::string> ids;
  for (ConfigReader slave : parent->Objects("slaves", false)) {
    SlaveEndpoint endpoint;
    endpoint.id = slave.String("id");
    endpoint.address = slave.String("endpoint");
    endpoint.tls_name = slave.String("tls_name", endpoint.id);
    if (!endpoint.id.empty() && !ids.insert(endpoint.id).second) {
      slave.Fail("id", absl::StrCat("slave id '", endpoint.id,
                                    "' appears twice"));
    }
    if (endpoint.address.find(':') == std::string::npos) {
      slave.Fail("endpoint", absl::StrCat("expected host:port, got '",
                                          endpoint.address, "'"));
    }
    out->push_back(std::move(endpoint));
  }
}

// "dataspace": the participant keys (edc/participant.h) plus "profile",
// "required_credentials", "negotiation_timeout_seconds", "sts_url",
// "privacy" (docs/coordinator.md).
void ParseDataspace(ConfigReader section, const std::string& base_dir,
                    JobSpec* spec) {
  DataspaceSpec ds;
  ds.participant = edc::ParseParticipantConfig(section, base_dir);
  ds.profile = section.String("profile", "");
  if (section.Has("required_credentials")) {
    ds.required_credentials =
        section.Strings("required_credentials", /*required=*/true);
    if (ds.required_credentials.empty()) {
      section.Fail("required_credentials",
                   "at least one credential type is required (default "
                   "[\"MembershipCredential\"])");
    }
  }
  ds.negotiation_timeout = absl::Seconds(section.Double(
      "negotiation_timeout_seconds", 120.0, 0.1, 86400.0));
  ds.sts_url = section.String("sts_url", "");
  if (!ds.sts_url.empty() && ds.sts_url.rfind("https://", 0) != 0 &&
      !(ds.participant.allow_http_did && ds.sts_url.rfind("http://", 0) == 0)) {
    section.Fail("sts_url", absl::StrCat("expected an https:// URL, got '",
                                         ds.sts_url, "'"));
  }
  if (const nlohmann::json* privacy = section.Raw("privacy")) {
    if (!privacy->is_object()) {
      section.Fail("privacy", "expected an object of strings");
    } else {
      for (const auto& [key, value] : privacy->items()) {
        if (!value.is_string()) {
          section.Fail("privacy." + key, "expected a string");
        } else if (key.empty()) {
          section.Fail("privacy", "setting names must not be empty");
        } else {
          ds.privacy[key] = value.get<std::string>();
        }
      }
    }
  }
  spec->dataspace = std::move(ds);
}

}  // namespace

StatusOr<std::vector<SlaveEndpoint>> ParseSlaveEndpoints(
    const nlohmann::json& list, const std::string& path) {
  // Parsed as the "slaves" key of a wrapper so errors read "<path>[i].id".
  nlohmann::json wrapper = {{"slaves", list}};
  const size_t dot = path.rfind('.');
  ConfigReader root(wrapper, dot == std::string::npos ? "" : path.substr(0, dot));
  std::vector<SlaveEndpoint> endpoints;
  ParseSlaves(&root, &endpoints);
  DSFL_RETURN_IF_ERROR(root.Finish());
  return endpoints;
}

StatusOr<JobSpec> ParseJobSpec(const nlohmann::json& json,
                               const std::string& base_dir) {
  JobSpec spec;
  ConfigReader root(json, "");
  spec.job_id = root.String("job_id", "job");
  if (spec.job_id.empty() ||
      spec.job_id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
                                    "OPQRSTUVWXYZ0123456789-_.") !=
          std::string::npos) {
    root.Fail("job_id", "use letters, digits, '-', '_' and '.' only");
  }
  std::string torchscript_path;
  if (root.Has("analysis")) {
    ParseAnalysis(root.Object("analysis", true), base_dir, &spec);
  }
  if (!spec.analysis || root.Has("model")) {
    ParseModel(root.Object("model", true), base_dir, &spec, &torchscript_path);
    ParseData(root.Object("data", true), &spec);
  }
  ParseTraining(root.Object("training", false), &spec);
  ParseFederation(root.Object("federation", false), &spec);

  if (root.Has("slaves") && root.Has("dataspace")) {
    root.Fail("dataspace",
              "a job names its slaves either statically (\"slaves\") or "
              "through the dataspace (\"dataspace\"), not both");
  } else if (!root.Has("slaves") && !root.Has("dataspace")) {
    root.Fail("slaves",
              "required: a list of slaves, or a \"dataspace\" section to "
              "discover them");
  }
  ParseSlaves(&root, &spec.slaves);
  if (root.Has("dataspace")) {
    ParseDataspace(root.Object("dataspace", true), base_dir, &spec);
  }
  spec.insecure = root.Bool("insecure", false);
  if (spec.insecure && spec.dataspace) {
    root.Fail("insecure",
              "a dataspace job needs mutual TLS (binding each slave's "
              "certificate to its DID)");
  }
  if (!spec.insecure || root.Has("tls")) {
    ConfigReader tls = root.Object("tls", !spec.insecure);
    spec.tls.ca = Resolve(base_dir, tls.String("ca"));
    spec.tls.cert = Resolve(base_dir, tls.String("cert"));
    spec.tls.key = Resolve(base_dir, tls.String("key"));
  }
  spec.output_dir = Resolve(base_dir, root.String("output_dir", "dsfl-out"));
  if (spec.min_clients > spec.slaves.size() && !spec.slaves.empty()) {
    root.Fail("federation.min_clients",
              absl::StrCat(spec.min_clients, " exceeds the ",
                           spec.slaves.size(), " listed slaves"));
  }
  DSFL_RETURN_IF_ERROR(root.Finish());
  spec.spec_sha256 = Sha256::HexOf(json.dump());
  DSFL_RETURN_IF_ERROR(LoadTorchScript(torchscript_path, &spec.model));
  return spec;
}

StatusOr<ModelDefinition> ParseJobModel(const nlohmann::json& json,
                                        const std::string& base_dir) {
  if (!json.is_object()) {
    return absl::InvalidArgumentError("job spec: expected a JSON object");
  }
  // Only "model" is read; the rest of the spec is not checked here.
  const nlohmann::json model =
      json.contains("model") ? nlohmann::json{{"model", json["model"]}}
                             : nlohmann::json::object();
  ConfigReader root(model, "");
  JobSpec spec;
  std::string torchscript_path;
  ParseModel(root.Object("model", true), base_dir, &spec, &torchscript_path);
  DSFL_RETURN_IF_ERROR(root.Finish());
  DSFL_RETURN_IF_ERROR(LoadTorchScript(torchscript_path, &spec.model));
  return spec.model;
}

StatusOr<ModelDefinition> LoadJobModel(const std::string& path) {
  DSFL_ASSIGN_OR_RETURN(nlohmann::json json, ReadJsonFile(path));
  return ParseJobModel(
      json, std::filesystem::absolute(path).parent_path().string());
}

std::string AnalysisSha256(analytics::AnalysisSpec::Type type) {
  const char* name = "cox";
  switch (type) {
    case analytics::AnalysisSpec::Type::kCox:
      name = "cox";
      break;
    case analytics::AnalysisSpec::Type::kKaplanMeier:
      name = "km";
      break;
    case analytics::AnalysisSpec::Type::kConcordance:
      name = "concordance";
      break;
  }
  return ToHex(Sha256::Of(absl::StrCat("dsfl.analysis.v1\ntype=", name, "\n")));
}

std::string AdmissionSha256(const JobSpec& spec) {
  if (spec.analysis) return AnalysisSha256(spec.analysis->type);
  return training::ModelDefinitionSha256(spec.model);
}

StatusOr<std::string> LoadAdmissionSha256(const std::string& path) {
  DSFL_ASSIGN_OR_RETURN(nlohmann::json json, ReadJsonFile(path));
  const std::string base_dir =
      std::filesystem::absolute(path).parent_path().string();
  if (json.is_object() && json.contains("analysis")) {
    DSFL_ASSIGN_OR_RETURN(JobSpec spec, ParseJobSpec(json, base_dir));
    return AdmissionSha256(spec);
  }
  DSFL_ASSIGN_OR_RETURN(ModelDefinition model, ParseJobModel(json, base_dir));
  return training::ModelDefinitionSha256(model);
}

StatusOr<JobSpec> LoadJobSpec(const std::string& path) {
  DSFL_ASSIGN_OR_RETURN(nlohmann::json json, ReadJsonFile(path));
  std::string base_dir =
      std::filesystem::absolute(path).parent_path().string();
  return ParseJobSpec(json, base_dir);
}

}  // namespace dsfl::master
