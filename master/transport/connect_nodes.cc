#include "master/transport/connect_nodes.h"

#include "common/tls/tls_policy.h"
#include "master/transport/dataspace_admission.h"
#include "master/transport/grpc_slave_client.h"

namespace dsfl::master {

StatusOr<ConnectedNodes> ConnectGrpcNodes(const JobSpec& spec,
                                          const ConnectContext& context) {
  ConnectedNodes connected;
  if (spec.dataspace) {
    DataspaceAdmissionDeps deps;
    deps.audit =
        context.audit != nullptr ? context.audit : &audit::NullAuditSink();
    deps.listener = context.listener;
    deps.cancel = context.cancel;
    DSFL_ASSIGN_OR_RETURN(std::vector<AdmittedNode> admitted,
                          AdmitDataspaceNodes(spec, deps));
    for (AdmittedNode& node : admitted) {
      auto client = std::make_unique<GrpcSlaveClient>(
          std::move(node.channel), spec.chunk_bytes, node.session_id);
      connected.nodes.push_back(Node{node.id, client.get()});
      connected.clients.push_back(std::move(client));
    }
    return connected;
  }
  if (spec.slaves.empty()) {
    return absl::InvalidArgumentError(
        "slaves: the job lists no slaves (and has no dataspace section)");
  }
  if (!spec.insecure) DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
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
