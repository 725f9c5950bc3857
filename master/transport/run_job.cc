#include "master/transport/run_job.h"

#include "common/tls/tls_policy.h"
#include "master/transport/grpc_slave_client.h"

namespace dsfl::master {

StatusOr<JobResult> RunJob(const JobSpec& spec, JobListener* listener,
                           CancellationToken* cancel) {
  if (spec.slaves.empty()) {
    return absl::InvalidArgumentError("slaves: the job lists no slaves");
  }
  if (!spec.insecure) DSFL_RETURN_IF_ERROR(tls::RequireTls13ProcessWide());
  std::vector<std::unique_ptr<GrpcSlaveClient>> clients;
  std::vector<Node> nodes;
  for (const SlaveEndpoint& endpoint : spec.slaves) {
    DSFL_ASSIGN_OR_RETURN(
        auto client,
        ConnectSlave(endpoint, spec.tls, spec.insecure, spec.chunk_bytes));
    nodes.push_back(Node{endpoint.id, client.get()});
    clients.push_back(std::move(client));
  }
  JobRunner runner(spec, std::move(nodes), &SystemClock(), listener);
  return runner.Run(cancel);
}

}  // namespace dsfl::master
