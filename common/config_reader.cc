#include "common/config_reader.h"

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace dsfl {
namespace {

const nlohmann::json& EmptyObject() {
  static const nlohmann::json* empty = new nlohmann::json(nlohmann::json::object());
  return *empty;
}

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string SuggestClosest(const std::string& word,
                           const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

ConfigReader::ConfigReader(const nlohmann::json& json, std::string path)
    : ConfigReader(json, std::move(path), std::make_shared<Shared>()) {}

ConfigReader::ConfigReader(const nlohmann::json& json, std::string path,
                           std::shared_ptr<Shared> shared)
    : path_(std::move(path)), shared_(std::move(shared)) {
  index_ = shared_->objects.size();
  ObjectState object;
  if (json.is_object()) {
    object.json = &json;
  } else {
    object.json = &EmptyObject();
    if (shared_->first_error.ok()) {
      shared_->first_error = absl::InvalidArgumentError(
          absl::StrCat(path_, ": expected a JSON object"));
    }
  }
  shared_->objects.emplace_back(path_, std::move(object));
}

std::string ConfigReader::PathOf(const std::string& key) const {
  return path_.empty() ? key : absl::StrCat(path_, ".", key);
}

void ConfigReader::Fail(const std::string& key, const std::string& message) {
  if (shared_->first_error.ok()) {
    shared_->first_error =
        absl::InvalidArgumentError(absl::StrCat(PathOf(key), ": ", message));
  }
}

bool ConfigReader::Has(const std::string& key) const {
  const nlohmann::json* json = shared_->objects[index_].second.json;
  return json->contains(key) && !(*json)[key].is_null();
}

const nlohmann::json* ConfigReader::Find(const std::string& key) {
  ObjectState& object = shared_->objects[index_].second;
  object.read_keys.insert(key);
  auto it = object.json->find(key);
  if (it == object.json->end() || it->is_null()) return nullptr;
  return &*it;
}

std::string ConfigReader::String(const std::string& key) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) {
    Fail(key, "required string is missing");
    return "";
  }
  if (!v->is_string()) {
    Fail(key, absl::StrCat("expected a string, got ", v->dump()));
    return "";
  }
  return v->get<std::string>();
}

std::string ConfigReader::String(const std::string& key,
                                 const std::string& fallback) {
  if (Find(key) == nullptr) return fallback;
  return String(key);
}

int64_t ConfigReader::RequiredInt(const std::string& key, int64_t min,
                                  int64_t max) {
  if (Find(key) == nullptr) {
    Fail(key, "required integer is missing");
    return min;
  }
  return Int(key, min, min, max);
}

int64_t ConfigReader::Int(const std::string& key, int64_t fallback,
                          int64_t min, int64_t max) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return fallback;
  if (!v->is_number_integer()) {
    Fail(key, absl::StrCat("expected an integer, got ", v->dump()));
    return fallback;
  }
  // Unsigned values beyond int64 are out of range by definition.
  if (v->is_number_unsigned() &&
      v->get<uint64_t>() >
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    Fail(key, absl::StrCat("value ", v->dump(), " is out of range"));
    return fallback;
  }
  int64_t value = v->get<int64_t>();
  if (value < min || value > max) {
    Fail(key, absl::StrCat("value ", value, " is outside [", min, ", ", max,
                           "]"));
    return fallback;
  }
  return value;
}

double ConfigReader::Double(const std::string& key, double fallback,
                            double min, double max) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return fallback;
  if (!v->is_number()) {
    Fail(key, absl::StrCat("expected a number, got ", v->dump()));
    return fallback;
  }
  double value = v->get<double>();
  if (!(value >= min && value <= max)) {
    Fail(key, absl::StrCat("value ", value, " is outside [", min, ", ", max,
                           "]"));
    return fallback;
  }
  return value;
}

bool ConfigReader::Bool(const std::string& key, bool fallback) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) {
    Fail(key, absl::StrCat("expected true or false, got ", v->dump()));
    return fallback;
  }
  return v->get<bool>();
}

std::vector<std::string> ConfigReader::Strings(const std::string& key,
                                               bool required) {
  std::vector<std::string> out;
  const nlohmann::json* v = Find(key);
  if (v == nullptr) {
    if (required) Fail(key, "required list of strings is missing");
    return out;
  }
  if (!v->is_array()) {
    Fail(key, absl::StrCat("expected a list of strings, got ", v->dump()));
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) {
      Fail(absl::StrCat(key, "[", i, "]"),
           absl::StrCat("expected a string, got ", (*v)[i].dump()));
      return {};
    }
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

std::vector<int64_t> ConfigReader::Ints(const std::string& key, int64_t min,
                                        int64_t max) {
  std::vector<int64_t> out;
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return out;
  if (!v->is_array()) {
    Fail(key, absl::StrCat("expected a list of integers, got ", v->dump()));
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const nlohmann::json& e = (*v)[i];
    if (!e.is_number_integer() || e.get<int64_t>() < min ||
        e.get<int64_t>() > max) {
      Fail(absl::StrCat(key, "[", i, "]"),
           absl::StrCat("expected an integer in [", min, ", ", max,
                        "], got ", e.dump()));
      return {};
    }
    out.push_back(e.get<int64_t>());
  }
  return out;
}

ConfigReader ConfigReader::Object(const std::string& key, bool required) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) {
    if (required) Fail(key, "required object is missing");
    return ConfigReader(EmptyObject(), PathOf(key), shared_);
  }
  return ConfigReader(*v, PathOf(key), shared_);
}

std::vector<ConfigReader> ConfigReader::Objects(const std::string& key,
                                                bool required) {
  std::vector<ConfigReader> out;
  const nlohmann::json* v = Find(key);
  if (v == nullptr) {
    if (required) Fail(key, "required list is missing");
    return out;
  }
  if (!v->is_array()) {
    Fail(key, absl::StrCat("expected a list, got ", v->dump()));
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    out.push_back(
        ConfigReader((*v)[i], absl::StrCat(PathOf(key), "[", i, "]"), shared_));
  }
  return out;
}

Status ConfigReader::Finish() {
  if (!shared_->first_error.ok()) return shared_->first_error;
  for (const auto& [path, object] : shared_->objects) {
    std::vector<std::string> known(object.read_keys.begin(),
                                   object.read_keys.end());
    for (const auto& item : object.json->items()) {
      if (object.read_keys.count(item.key()) != 0) continue;
      std::string where =
          path.empty() ? item.key() : absl::StrCat(path, ".", item.key());
      std::string suggestion = SuggestClosest(item.key(), known);
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": unknown key",
          suggestion.empty() ? ""
                             : absl::StrCat(" (did you mean '", suggestion,
                                            "'?)")));
    }
  }
  return absl::OkStatus();
}

StatusOr<nlohmann::json> ParseJson(const std::string& text,
                                   const std::string& origin) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(origin, ": invalid JSON at byte ", e.byte, ": ",
                     e.what()));
  }
}

StatusOr<nlohmann::json> ReadJsonFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseJson(buffer.str(), path);
}

}  // namespace dsfl
