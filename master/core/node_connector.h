// NodeConnector: turns a job spec's slave list into connected SlaveClients.
// The gRPC implementation (master/transport/connect_nodes.h) opens mutual
// TLS channels; tests and simulations connect in-process slaves. Discovery
// through the dataspace will produce the endpoint list this consumes.
#ifndef DSFL_MASTER_CORE_NODE_CONNECTOR_H_
#define DSFL_MASTER_CORE_NODE_CONNECTOR_H_

#include <functional>
#include <memory>
#include <vector>

#include "master/core/job_spec.h"
#include "master/core/round_engine.h"
#include "master/core/slave_client.h"

namespace dsfl::master {

struct ConnectedNodes {
  std::vector<std::unique_ptr<SlaveClient>> clients;  // owned
  std::vector<Node> nodes;                            // point into clients
};

using NodeConnector =
    std::function<StatusOr<ConnectedNodes>(const JobSpec& spec)>;

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_NODE_CONNECTOR_H_
