// The TLS tests use the shared test temporary directory.
#ifndef DSFL_TESTS_UNIT_TLS_TEMP_DIR_H_
#define DSFL_TESTS_UNIT_TLS_TEMP_DIR_H_

#include "tests/testing/temp_dir.h"

namespace dsfl::tls::testing {
using ::dsfl::testing::TempDir;
}  // namespace dsfl::tls::testing

#endif  // DSFL_TESTS_UNIT_TLS_TEMP_DIR_H_
