// ConnectGrpcNodes: the gRPC NodeConnector.
//  - A spec with static "slaves": one channel per slave (mutual TLS with
//    the spec's certificates, or plaintext when the spec says insecure).
//    Channels connect lazily; an unreachable slave shows up at the job's
//    first call, with its reason.
//  - A spec with a "dataspace" section: dataspace admission first
//    (master/transport/dataspace_admission.h: discover, negotiate, verify,
//    TLS binding, Authorize, audited into context.audit), then one client
//    per admitted node on the channel that was checked, carrying the
//    node's session id in every job call. Fails when fewer than
//    min_clients nodes are admitted, listing every node's reason.
#ifndef DSFL_MASTER_TRANSPORT_CONNECT_NODES_H_
#define DSFL_MASTER_TRANSPORT_CONNECT_NODES_H_

#include "master/core/node_connector.h"

namespace dsfl::master {

StatusOr<ConnectedNodes> ConnectGrpcNodes(const JobSpec& spec,
                                          const ConnectContext& context);

}  // namespace dsfl::master

#endif  // DSFL_MASTER_TRANSPORT_CONNECT_NODES_H_
