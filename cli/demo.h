// `dsfl demo`: a whole federation on this machine, on the real lung data,
// whose hospitals are discovered and admitted through the dev dataspace
// (docs/dataspace.md, "Demo"; no job lists an endpoint).
//
// In the work directory it (1) creates a dev CA and starts dsfl-devspace
// (cli/demo_dataspace.h) on a free port, reading its manifest of DIDs, URLs
// and keys; (2) issues mutual-TLS certificates naming each participant's
// DID (cli/demo_pki.h); (3) splits the lung data by institution into three
// hospitals (data/lung/README.md); (4) starts an HTTPS data proxy for
// hospital C and three dsfl-slave processes with a "dataspace" section
// (policy: the DeepSurv model's hash, the model-creator credential, a
// minimum cohort), each published in its connector (POST .../v3/assets)
// once it listens; (5) runs dsfl-master on a DeepSurv job with a
// "dataspace" section, printing after admission what the signed audit logs
// record of each hospital's discovery, negotiation, verification, TLS
// binding and Authorize (cli/demo_admission.h), then its rounds and final
// held-out C-index; (6) runs an exact federated Cox job and a concordance
// job for the trained DeepSurv the same way and compares both models
// (cli/demo_analyses.h); (7) stops everything, and prints the layout and
// every audit log with its public key.
//
// Errors: the first failing step's error (a process that does not start, a
// refused publication, a master that exits non-zero).
// Threading: one call at a time; it owns the processes it starts and stops
// them (reverse order) on every return path.
#ifndef DSFL_CLI_DEMO_H_
#define DSFL_CLI_DEMO_H_

#include <string>

#include "common/status.h"

namespace dsfl::cli {

struct DemoOptions {
  std::string workdir;    // created if missing
  std::string data_path;  // lung.csv; empty = the shipped copy
  int rounds = 20;
};

// Returns the master's exit status as an error when the job failed.
Status RunDemo(const DemoOptions& options);

// The shipped lung.csv: next to the installed binaries, else in the source
// tree this binary was built from.
std::string DefaultLungCsv();

}  // namespace dsfl::cli

#endif  // DSFL_CLI_DEMO_H_
