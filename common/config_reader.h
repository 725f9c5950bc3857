// ConfigReader: typed, validated reading of one JSON object of a config file
// or job spec, with errors that name the field by its full path.
//
// Reads are sticky: the first problem (missing required key, wrong type,
// value out of range) is remembered and later reads return defaults, so
// parsing code reads straight through and checks Finish() once. Finish()
// also rejects keys that were never read, with a did-you-mean suggestion
// ("job.trainig: unknown key (did you mean 'training'?)").
//
// Child objects share the parent's error state: Object("tls") returns a
// reader for "<path>.tls". Arrays of objects: Objects("slaves").
// Thread-compatibility: one reader per parse. The JSON must outlive it.
#ifndef DSFL_COMMON_CONFIG_READER_H_
#define DSFL_COMMON_CONFIG_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "nlohmann/json.hpp"

namespace dsfl {

class ConfigReader {
 public:
  // `json` must be an object (else an error is recorded).
  ConfigReader(const nlohmann::json& json, std::string path);

  bool Has(const std::string& key) const;

  std::string String(const std::string& key);  // required
  std::string String(const std::string& key, const std::string& fallback);
  int64_t Int(const std::string& key, int64_t fallback, int64_t min,
              int64_t max);
  int64_t RequiredInt(const std::string& key, int64_t min, int64_t max);
  double Double(const std::string& key, double fallback, double min,
                double max);
  bool Bool(const std::string& key, bool fallback);
  std::vector<std::string> Strings(const std::string& key, bool required);
  std::vector<int64_t> Ints(const std::string& key, int64_t min, int64_t max);

  // A nested object; `required` records an error when absent (then returns
  // a reader over an empty object).
  ConfigReader Object(const std::string& key, bool required);
  // Each element of an array of objects.
  std::vector<ConfigReader> Objects(const std::string& key, bool required);

  // The raw value at `key` (null when absent), marked as read, for a
  // sub-object that another component validates with its own reader.
  const nlohmann::json* Raw(const std::string& key) { return Find(key); }

  // Records an error at `<path>.<key>` (for cross-field checks).
  void Fail(const std::string& key, const std::string& message);

  const std::string& path() const { return path_; }
  std::string PathOf(const std::string& key) const;

  // The first error of the whole parse, including unknown keys of this
  // reader and of every child reader created from it.
  Status Finish();

 private:
  struct ObjectState {
    const nlohmann::json* json = nullptr;
    std::set<std::string> read_keys;
  };
  // Shared by a reader and every child reader made from it: the first error
  // and, per object path, which keys were read.
  struct Shared {
    Status first_error;
    std::vector<std::pair<std::string, ObjectState>> objects;
  };
  ConfigReader(const nlohmann::json& json, std::string path,
               std::shared_ptr<Shared> shared);
  const nlohmann::json* Find(const std::string& key);

  std::string path_;
  // Shared (not unique) because child readers are returned by value and
  // must keep the parse's state alive for Finish() on the root.
  std::shared_ptr<Shared> shared_;
  size_t index_ = 0;
};

// Closest candidate within a small edit distance, or "" when none is close.
std::string SuggestClosest(const std::string& word,
                           const std::vector<std::string>& candidates);

// Parses JSON text; the error names `origin` and the parser's position.
StatusOr<nlohmann::json> ParseJson(const std::string& text,
                                   const std::string& origin);
StatusOr<nlohmann::json> ReadJsonFile(const std::string& path);

}  // namespace dsfl

#endif  // DSFL_COMMON_CONFIG_READER_H_
