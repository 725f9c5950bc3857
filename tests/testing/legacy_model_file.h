// Model files as dsfl wrote them before the model digest became a tree (up
// to 83cc728): the same layout (common/model_file.h) with metadata "sha256"
// = plain SHA-256 of the payload and no "digest"/"digest_algorithm". For
// tests that an upgrade still reads them. Shared by every test area.
#ifndef DSFL_TESTS_TESTING_LEGACY_MODEL_FILE_H_
#define DSFL_TESTS_TESTING_LEGACY_MODEL_FILE_H_

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "common/flat_model.h"
#include "common/sha256.h"
#include "nlohmann/json.hpp"

namespace dsfl::testing {

inline void WriteLegacyModelFile(const std::string& path,
                                 const FlatModel& model,
                                 nlohmann::json metadata) {
  const std::string_view payload(
      reinterpret_cast<const char*>(model.values.data()),
      model.values.size() * sizeof(float));
  nlohmann::json tensors = nlohmann::json::array();
  for (const TensorSpec& t : model.spec.tensors()) {
    tensors.push_back(
        {{"name", t.name}, {"shape", t.shape}, {"dtype", "float32"}});
  }
  if (!metadata.is_object()) metadata = nlohmann::json::object();
  metadata.erase("digest");
  metadata.erase("digest_algorithm");
  metadata["tensors"] = tensors;
  metadata["total_bytes"] = payload.size();
  metadata["sha256"] = Sha256::HexOf(payload);
  const std::string header = metadata.dump();
  const uint64_t header_size = header.size();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write("DSFLMDL1", 8);
  out.write(reinterpret_cast<const char*>(&header_size), sizeof(header_size));
  out << header << payload;
}

}  // namespace dsfl::testing

#endif  // DSFL_TESTS_TESTING_LEGACY_MODEL_FILE_H_
