#include "master/daemon/admin_server.h"

#include <openssl/crypto.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/http_listener.h"
#include "common/metrics/metrics_http_server.h"
#include "common/metrics/prometheus_text.h"
#include "common/sha256.h"
#include "httplib.h"
#include "spdlog/spdlog.h"

namespace dsfl::master {
namespace {

int HttpStatusOf(const Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kFailedPrecondition:
      return 409;
    default:
      return 500;
  }
}

void SendJson(httplib::Response& response, int status,
              const nlohmann::json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void SendError(httplib::Response& response, const Status& status) {
  SendJson(response, HttpStatusOf(status),
           {{"error", std::string(status.message())}});
}

}  // namespace

Status CheckAdminCertificate(const std::string& cert_path,
                             const std::string& key_path) {
  httplib::SSLServer server(cert_path.c_str(), key_path.c_str());
  if (!server.is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("admin.cert/admin.key: cannot load ", cert_path, " and ",
                     key_path, " (PEM certificate and its unencrypted key)"));
  }
  return absl::OkStatus();
}

struct AdminServer::Impl {
  AdminServerOptions options;
  JobManager* manager;
  JobStore* store;
  MetricsRenderer metrics;
  NodeProber prober;
  Sha256Digest token_digest;
  std::unique_ptr<httplib::SSLServer> server;
  std::unique_ptr<HttpListener> listener;  // declared after: stops first
  int port = 0;

  bool Authorized(const httplib::Request& request) const {
    const std::string header = request.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (header.rfind(prefix, 0) != 0) return false;
    Sha256Digest given = Sha256::Of(header.substr(prefix.size()));
    return CRYPTO_memcmp(given.data(), token_digest.data(), given.size()) == 0;
  }

  void Routes() {
    server->set_pre_routing_handler(
        [this](const httplib::Request& request, httplib::Response& response) {
          if (request.path == "/metrics" || Authorized(request)) {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          response.set_header("WWW-Authenticate", "Bearer");
          SendJson(response, 401, {{"error", "missing or wrong bearer token"}});
          return httplib::Server::HandlerResponse::Handled;
        });
    server->Post("/v1/jobs", [this](const httplib::Request& request,
                                    httplib::Response& response) {
      nlohmann::json spec = nlohmann::json::parse(request.body, nullptr, false);
      if (spec.is_discarded()) {
        SendError(response, absl::InvalidArgumentError(
                                "request body is not valid JSON"));
        return;
      }
      auto id = manager->Submit(std::move(spec));
      if (!id.ok()) {
        SendError(response, id.status());
        return;
      }
      SendJson(response, 201, {{"id", *id}});
    });
    server->Get("/v1/jobs", [this](const httplib::Request&,
                                   httplib::Response& response) {
      auto jobs = store->List();
      if (!jobs.ok()) return SendError(response, jobs.status());
      nlohmann::json list = nlohmann::json::array();
      for (const JobRecord& job : *jobs) list.push_back(ToJson(job));
      SendJson(response, 200, {{"jobs", list}});
    });
    server->Get(R"(/v1/jobs/([^/]+))", [this](const httplib::Request& request,
                                              httplib::Response& response) {
      auto job = store->Get(request.matches[1]);
      if (!job.ok()) return SendError(response, job.status());
      auto rounds = store->Rounds(job->id);
      if (!rounds.ok()) return SendError(response, rounds.status());
      nlohmann::json body = ToJson(*job);
      body["rounds"] = *rounds;
      SendJson(response, 200, body);
    });
    server->Get(R"(/v1/jobs/([^/]+)/metrics)",
                [this](const httplib::Request& request,
                       httplib::Response& response) {
                  auto rounds = store->Rounds(request.matches[1]);
                  if (!rounds.ok()) return SendError(response, rounds.status());
                  SendJson(response, 200, {{"rounds", *rounds}});
                });
    server->Post(R"(/v1/jobs/([^/]+)/cancel)",
                 [this](const httplib::Request& request,
                        httplib::Response& response) {
                   Status status = manager->Cancel(request.matches[1]);
                   if (!status.ok()) return SendError(response, status);
                   SendJson(response, 200, {{"cancelled", true}});
                 });
    server->Get(R"(/v1/jobs/([^/]+)/model)", [this](
                                                 const httplib::Request& request,
                                                 httplib::Response& response) {
      auto job = store->Get(request.matches[1]);
      if (!job.ok()) return SendError(response, job.status());
      if (job->state != JobState::kSucceeded || job->model_path.empty()) {
        return SendError(response, absl::FailedPreconditionError(absl::StrCat(
                                       "job '", job->id, "' has no final model (",
                                       JobStateName(job->state), ")")));
      }
      std::ifstream in(job->model_path, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      response.set_header("X-Model-Digest", job->model_digest);
      response.set_content(buffer.str(), "application/octet-stream");
    });
    server->Get("/v1/nodes", [this](const httplib::Request&,
                                    httplib::Response& response) {
      SendJson(response, 200, {{"nodes", prober()}});
    });
    server->Get("/metrics", [this](const httplib::Request&,
                                   httplib::Response& response) {
      response.set_content(metrics(), metrics::kPrometheusContentType);
    });
  }
};

AdminServer::AdminServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AdminServer::~AdminServer() { Stop(); }

StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(
    const AdminServerOptions& options, JobManager* manager, JobStore* store,
    MetricsRenderer metrics, NodeProber prober) {
  if (options.token.empty()) {
    return absl::InvalidArgumentError("admin.token_file: the token is empty");
  }
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->manager = manager;
  impl->store = store;
  impl->metrics = std::move(metrics);
  impl->prober = std::move(prober);
  impl->token_digest = Sha256::Of(options.token);
  impl->server = std::make_unique<httplib::SSLServer>(
      options.cert_path.c_str(), options.key_path.c_str());
  if (!impl->server->is_valid()) {
    return absl::InvalidArgumentError(
        absl::StrCat("admin.cert/admin.key: cannot load ", options.cert_path,
                     " and ", options.key_path));
  }
  impl->server->set_socket_options(metrics::ExclusivePortSocketOptions);
  impl->Routes();
  DSFL_ASSIGN_OR_RETURN(impl->listener,
                        HttpListener::Start(impl->server.get(), options.bind,
                                            options.port, "admin.listen"));
  impl->port = impl->listener->port();
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl)));
}

int AdminServer::port() const { return impl_->port; }

void AdminServer::Stop() {
  if (impl_ != nullptr && impl_->listener != nullptr) impl_->listener->Stop();
}

}  // namespace dsfl::master
