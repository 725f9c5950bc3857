#include "connector-adapters/edc/slave_dataset.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "connector-adapters/edc/jsonld.h"

namespace dsfl::edc {
namespace {

// "host:port" or "[v6]:port" with a port in 1..65535.
bool ValidHostPort(const std::string& endpoint) {
  size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      colon + 1 >= endpoint.size()) {
    return false;
  }
  int port = 0;
  const char* begin = endpoint.data() + colon + 1;
  const char* end = endpoint.data() + endpoint.size();
  auto [ptr, ec] = std::from_chars(begin, end, port);
  if (ec != std::errc() || ptr != end || port < 1 || port > 65535) return false;
  for (char c : endpoint.substr(0, colon)) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '/' || c == '@') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string DsflIri(const std::string& name) { return kDsflNs + name; }

std::string DsflProperty(const nlohmann::json& dataset,
                         const std::string& name) {
  if (!dataset.is_object()) return "";
  for (const std::string& key : {DsflIri(name), "dsfl:" + name}) {
    auto it = dataset.find(key);
    if (it != dataset.end()) {
      if (auto text = jsonld::Text(&*it)) return *text;
    }
  }
  return "";
}

SlaveDiscovery ExtractSlaveDatasets(const std::vector<Catalog>& catalogs,
                                    const std::string& profile) {
  SlaveDiscovery discovery;
  for (const Catalog& catalog : FlattenCatalogs(catalogs)) {
    for (const Dataset& dataset : catalog.datasets) {
      SlaveDataset slave;
      slave.slave_endpoint = DsflProperty(dataset.json, "slaveEndpoint");
      if (slave.slave_endpoint.empty()) continue;
      slave.dataset_id = dataset.id;
      slave.profile = DsflProperty(dataset.json, "datasetProfile");
      slave.tls_server_name = DsflProperty(dataset.json, "tlsServerName");
      slave.protocol_version = DsflProperty(dataset.json, "protocolVersion");
      if (slave.protocol_version.empty()) {
        slave.protocol_version = kDsflProtocolVersion;
      }
      slave.description = dataset.description;
      slave.offers = dataset.offers;
      slave.dsp_endpoint = catalog.DspEndpoint();
      const std::string advertised =
          DsflProperty(dataset.json, "participantId");
      slave.participant_id =
          catalog.participant_id.empty() ? advertised : catalog.participant_id;
      const std::string who =
          absl::StrCat("dataset '", dataset.id, "' of ",
                       slave.participant_id.empty() ? "(unknown participant)"
                                                    : slave.participant_id);
      auto skip = [&](const std::string& why) {
        discovery.skipped.push_back(absl::StrCat(who, ": ", why));
      };
      if (dataset.id.empty()) {
        skip("the dataset has no @id");
      } else if (slave.participant_id.empty()) {
        skip("no participantId (catalog or dsfl:participantId)");
      } else if (!advertised.empty() && advertised != catalog.participant_id &&
                 !catalog.participant_id.empty()) {
        skip(absl::StrCat("dsfl:participantId '", advertised,
                          "' differs from the catalog's participantId"));
      } else if (!ValidHostPort(slave.slave_endpoint)) {
        skip(absl::StrCat("dsfl:slaveEndpoint '", slave.slave_endpoint,
                          "' is not host:port"));
      } else if (slave.profile.empty()) {
        skip("dsfl:datasetProfile is missing");
      } else if (slave.protocol_version != kDsflProtocolVersion) {
        skip(absl::StrCat("dsfl:protocolVersion '", slave.protocol_version,
                          "' is not supported (", kDsflProtocolVersion, ")"));
      } else if (slave.offers.empty()) {
        skip("the dataset has no offer (hasPolicy)");
      } else if (slave.dsp_endpoint.empty()) {
        skip("the catalog names no DSP endpoint (service endpointURL)");
      } else if (!profile.empty() && slave.profile != profile) {
        continue;  // Another kind of data: not an error.
      } else {
        discovery.slaves.push_back(std::move(slave));
      }
    }
  }
  return discovery;
}

ContractRequest ContractRequestFor(const SlaveDataset& slave) {
  ContractRequest request;
  request.counter_party_address = slave.dsp_endpoint;
  request.counter_party_id = slave.participant_id;
  request.offer = slave.offers.front().policy;
  request.assigner = slave.participant_id;
  request.target = slave.dataset_id;
  return request;
}

}  // namespace dsfl::edc
