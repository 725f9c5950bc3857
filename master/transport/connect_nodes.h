// ConnectGrpcNodes: a NodeConnector that opens one gRPC channel per slave
// in the spec (mutual TLS with the spec's certificates, or plaintext when
// the spec says insecure). Channels connect lazily; an unreachable slave
// shows up at the job's first call, with its reason.
#ifndef DSFL_MASTER_TRANSPORT_CONNECT_NODES_H_
#define DSFL_MASTER_TRANSPORT_CONNECT_NODES_H_

#include "master/core/node_connector.h"

namespace dsfl::master {

StatusOr<ConnectedNodes> ConnectGrpcNodes(const JobSpec& spec);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_CONNECT_NODES_H_
