#include "master/transport/connect_nodes.h"

#include "common/tls/tls_policy.h"
#include "master/transport/grpc_slave_client.h"

namespace dsfl::master {

StatusOr<ConnectedNodes> ConnectGrpcNodes(const JobSpec& spec) {
  if (spec.slaves.empty()) {
    return absl::InvalidArgumentError("slaves: the job lists no slaves");
  }
  if (!spec.insecure) DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
  ConnectedNodes connected;
  for (const SlaveEndpoint& endpoint : spec.slaves) {
    DSFL_ASSIGN_OR_RETURN(
        auto client,
        ConnectSlave(endpoint, spec.tls, spec.insecure, spec.chunk_bytes));
    connected.nodes.push_back(Node{endpoint.id, client.get()});
    connected.clients.push_back(std::move(client));
  }
  return connected;
}

}  // namespace dsfl::master
