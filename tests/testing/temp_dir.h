// A fresh temporary directory for tests, removed with its contents on
// destruction. Shared by every test area.
#ifndef DSFL_TESTS_TESTING_TEMP_DIR_H_
#define DSFL_TESTS_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace dsfl::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "dsfl_test_XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    EXPECT_NE(mkdtemp(buffer.data()), nullptr);
    path_ = buffer.data();
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace dsfl::testing

#endif  // DSFL_TESTS_TESTING_TEMP_DIR_H_
