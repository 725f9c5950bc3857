#include "connector-adapters/edc/participant.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "common/tls/pem_files.h"

namespace dsfl::edc {
namespace {

std::string ResolveAgainst(const std::string& base_dir,
                           const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

Status FieldError(const ParticipantConfig& config, const std::string& key,
                  const Status& status) {
  return absl::InvalidArgumentError(absl::StrCat(
      config.path.empty() ? key : absl::StrCat(config.path, ".", key), ": ",
      status.message()));
}

}  // namespace

std::vector<identity::TrustedIssuer> ParseTrustedIssuers(ConfigReader& reader,
                                                         const std::string& key,
                                                         bool required) {
  std::vector<identity::TrustedIssuer> issuers;
  for (ConfigReader& entry : reader.Objects(key, required)) {
    identity::TrustedIssuer issuer;
    issuer.did = entry.String("did");
    if (!issuer.did.empty() && issuer.did.rfind("did:", 0) != 0) {
      entry.Fail("did", absl::StrCat("'", issuer.did, "' is not a DID"));
    }
    issuer.types = entry.Strings("types", /*required=*/false);
    issuers.push_back(std::move(issuer));
  }
  if (required && issuers.empty() && reader.Has(key)) {
    reader.Fail(key, "at least one trusted issuer is required");
  }
  return issuers;
}

ParticipantConfig ParseParticipantConfig(ConfigReader& reader,
                                         const std::string& base_dir) {
  ParticipantConfig config;
  config.path = reader.path();
  config.did = reader.String("did");
  if (!config.did.empty() && config.did.rfind("did:", 0) != 0) {
    reader.Fail("did", absl::StrCat("'", config.did, "' is not a DID"));
  }
  config.key_path = ResolveAgainst(base_dir, reader.String("key"));
  config.key_id = reader.String("key_id", "");
  if (config.key_id.empty() && !config.did.empty()) {
    config.key_id = config.did + "#key-1";
  }
  ConfigReader connector = reader.Object("connector", /*required=*/true);
  config.connector = ReadManagementApiConfig(connector);
  config.https_ca = ResolveAgainst(base_dir, reader.String("https_ca", ""));
  config.allow_http_did = reader.Bool("allow_http_did", false);
  config.trusted_issuers =
      ParseTrustedIssuers(reader, "trusted_issuers", /*required=*/true);
  return config;
}

StatusOr<std::unique_ptr<Participant>> Participant::Create(
    const ParticipantConfig& config, const Clock* clock) {
  std::unique_ptr<Participant> p(new Participant(config));
  if (!config.https_ca.empty()) {
    auto ca = tls::ReadPemFile(config.https_ca);
    if (!ca.ok()) return FieldError(config, "https_ca", ca.status());
    p->https_ca_pem_ = *std::move(ca);
  }
  auto key_pem = tls::ReadPemFile(config.key_path);
  if (!key_pem.ok()) return FieldError(config, "key", key_pem.status());
  auto key = identity::SigningKey::FromPem(*key_pem, config.key_id);
  if (!key.ok()) return FieldError(config, "key", key.status());
  p->key_ = *std::move(key);

  identity::HttpsFetcherOptions fetch;
  fetch.ca_pem = p->https_ca_pem_;
  fetch.allow_http = config.allow_http_did;
  p->fetcher_ = identity::NewHttpsFetcher(fetch);
  p->resolver_ = std::make_unique<identity::DidWebResolver>(
      p->fetcher_.get(),
      identity::DidWebResolverOptions{config.allow_http_did});
  p->status_lists_ = std::make_unique<identity::HttpStatusListSource>(
      p->fetcher_.get(), p->resolver_.get(), clock,
      identity::HttpStatusListSourceOptions{});
  p->verifier_ = std::make_unique<identity::PresentationVerifier>(
      p->resolver_.get(), p->status_lists_.get(), clock);
  p->dcp_ = std::make_unique<identity::PresentationQueryClient>(
      p->fetcher_.get(), p->resolver_.get(), p->key_.get(), config.did, clock);
  auto connector =
      ManagementApiClient::Create(config.connector, p->fetcher_.get());
  if (!connector.ok()) return FieldError(config, "connector", connector.status());
  p->connector_ = *std::move(connector);
  return p;
}

}  // namespace dsfl::edc
