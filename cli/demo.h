// `dsfl demo`: a whole federation on this machine, on the real lung data.
//
// In the work directory it (1) creates a dev CA and certificates for the
// master, three hospitals and a hospital data proxy; (2) splits the lung
// data by institution into three hospitals (data/lung/README.md); (3) starts
// an HTTPS data proxy for hospital C and three dsfl-slave processes (A and B
// read CSV files, C reads through the proxy), each on a free port with
// mutual TLS 1.3; (4) writes a DeepSurv job and runs dsfl-master on it,
// whose per-round progress and final held-out C-index are printed; (5)
// runs an exact federated Cox job on the same slaves (fitted on the same
// training rows) and a concordance job for the trained DeepSurv, and prints
// the Cox coefficients and both models' C-index on the held-out patients;
// (6) stops everything. Every config, certificate, log and model stays in the
// work directory, whose layout the demo prints.
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
