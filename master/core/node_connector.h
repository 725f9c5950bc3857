// NodeConnector: turns a job spec into the connected SlaveClients of the
// nodes the job may use. The gRPC implementation
// (master/transport/connect_nodes.h) opens mutual TLS channels to a spec's
// static "slaves", or, for a spec with a "dataspace" section, discovers and
// admits the nodes first (master/transport/dataspace_admission.h) and
// returns only the admitted ones; tests and simulations connect in-process
// slaves.
//
// ConnectContext carries what admission needs from the job: the master's
// audit log (admission steps are recorded before the master acts on them),
// the listener for progress lines, and the job's cancellation. All are
// borrowed and may be null (a static federation uses none of them).
#ifndef DSFL_MASTER_CORE_NODE_CONNECTOR_H_
#define DSFL_MASTER_CORE_NODE_CONNECTOR_H_

#include <functional>
#include <memory>
#include <vector>

#include "common/audit/audit_sink.h"
#include "common/cancellation.h"
#include "master/core/job_spec.h"
#include "master/core/round_engine.h"
#include "master/core/slave_client.h"

namespace dsfl::master {

class JobListener;  // master/core/job_runner.h

struct ConnectedNodes {
  std::vector<std::unique_ptr<SlaveClient>> clients;  // owned
  std::vector<Node> nodes;                            // point into clients
};

struct ConnectContext {
  audit::AuditSink* audit = nullptr;    // the master's log; may be null
  JobListener* listener = nullptr;      // progress lines; may be null
  CancellationToken* cancel = nullptr;  // the job's; may be null
};

using NodeConnector = std::function<StatusOr<ConnectedNodes>(
    const JobSpec& spec, const ConnectContext& context)>;

}  // namespace dsfl::master

#endif  // DSFL_MASTER_CORE_NODE_CONNECTOR_H_
