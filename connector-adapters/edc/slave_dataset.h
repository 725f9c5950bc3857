// The dataset properties a hospital advertises so that the dsfl master can
// discover its slave in the federated catalog (docs/dataspace.md), and
// their extraction from catalogs.
//
// A dataset advertises a dsfl slave when it carries, as asset properties
// in the dsfl namespace https://w3id.org/dsfl/v1/ (full IRI, or the
// "dsfl:" prefix):
//   slaveEndpoint    required  "host:port" of the slave's gRPC mTLS server
//   datasetProfile   required  the data's schema/profile (IRI or token),
//                              e.g.
//                              "https://w3id.org/dsfl/profiles/lung-survival/v1"
//   participantId    optional  the slave's DID; must equal the catalog's
//                              participantId (required if the catalog has
//                              none)
//   tlsServerName    optional  DNS name in the slave's certificate
//   protocolVersion  optional  "dsfl.v1" (default); others are skipped
// Datasets without slaveEndpoint are ignored silently; datasets that
// advertise one but are malformed or have no offer are skipped with a
// reason.
//
// Threading: pure functions.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_SLAVE_DATASET_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_SLAVE_DATASET_H_

#include <string>
#include <vector>

#include "common/status.h"
#include "connector-adapters/edc/catalog.h"
#include "connector-adapters/edc/requests.h"
#include "nlohmann/json.hpp"

namespace dsfl::edc {

inline constexpr char kDsflNs[] = "https://w3id.org/dsfl/v1/";
inline constexpr char kDsflProtocolVersion[] = "dsfl.v1";

// The property `name` (e.g. "slaveEndpoint") of a dataset: the full IRI
// key, else "dsfl:<name>"; "" when absent.
std::string DsflProperty(const nlohmann::json& dataset,
                         const std::string& name);
// The full IRI of a dsfl property.
std::string DsflIri(const std::string& name);

struct SlaveDataset {
  std::string participant_id;  // DID
  std::string dataset_id;      // asset id
  std::string dsp_endpoint;    // counterPartyAddress
  std::string slave_endpoint;  // host:port
  std::string profile;
  std::string tls_server_name;
  std::string protocol_version;
  std::string description;
  std::vector<Offer> offers;  // At least one.
};

struct SlaveDiscovery {
  std::vector<SlaveDataset> slaves;
  std::vector<std::string> skipped;  // "<dataset id> of <participant>: why"
};

// Every dsfl slave dataset in `catalogs` (nested catalogs included).
// A non-empty `profile` keeps only datasets with that datasetProfile.
SlaveDiscovery ExtractSlaveDatasets(const std::vector<Catalog>& catalogs,
                                    const std::string& profile = "");

// The negotiation request for a slave's dataset: its first offer verbatim,
// assigner = the participant, target = the dataset.
ContractRequest ContractRequestFor(const SlaveDataset& slave);

}  // namespace dsfl::edc

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_SLAVE_DATASET_H_
