// Loading the copied test vectors (tests/fixtures/vectors) and hex helpers.
#ifndef DSFL_TESTS_UNIT_CRYPTO_VECTORS_H_
#define DSFL_TESTS_UNIT_CRYPTO_VECTORS_H_

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace dsfl::crypto::testing {

inline std::string VectorPath(const std::string& name) {
  const char* root = std::getenv("DSFL_SOURCE_DIR");
  return std::string(root == nullptr ? "." : root) +
         "/tests/fixtures/vectors/" + name;
}

inline nlohmann::json LoadVectors(const std::string& name) {
  std::ifstream in(VectorPath(name));
  EXPECT_TRUE(in.good()) << "cannot open " << VectorPath(name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return nlohmann::json::parse(buffer.str());
}

inline std::string HexToBytes(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

inline std::string BytesToHex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 0xF]);
  }
  return out;
}

}  // namespace dsfl::crypto::testing

#endif  // DSFL_TESTS_UNIT_CRYPTO_VECTORS_H_
