#include "connector-adapters/edc/jsonld.h"

#include <charconv>

namespace dsfl::edc::jsonld {

std::string_view LocalName(std::string_view key) {
  if (key.empty() || key.front() == '@') return key;
  size_t cut = key.find_last_of("#/");
  if (cut != std::string_view::npos) return key.substr(cut + 1);
  size_t colon = key.find(':');
  if (colon != std::string_view::npos) return key.substr(colon + 1);
  return key;
}

const nlohmann::json* Find(const nlohmann::json& object,
                           std::string_view local) {
  if (!object.is_object()) return nullptr;
  auto exact = object.find(std::string(local));
  if (exact != object.end() && !exact->is_null()) return &*exact;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it->is_null()) continue;
    if (LocalName(it.key()) == local) return &*it;
  }
  return nullptr;
}

const nlohmann::json* FindAny(const nlohmann::json& object,
                              std::initializer_list<std::string_view> locals) {
  for (std::string_view local : locals) {
    if (const nlohmann::json* found = Find(object, local)) return found;
  }
  return nullptr;
}

std::vector<const nlohmann::json*> Values(const nlohmann::json* value) {
  std::vector<const nlohmann::json*> values;
  if (value == nullptr || value->is_null()) return values;
  if (value->is_array()) {
    for (const auto& element : *value) values.push_back(&element);
  } else {
    values.push_back(value);
  }
  return values;
}

std::optional<std::string> Text(const nlohmann::json* value) {
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number_integer()) return std::to_string(value->get<int64_t>());
  if (value->is_number_unsigned()) {
    return std::to_string(value->get<uint64_t>());
  }
  if (value->is_number_float()) return value->dump();
  if (value->is_boolean()) return value->get<bool>() ? "true" : "false";
  if (value->is_array()) {
    return value->empty() ? std::nullopt : Text(&(*value)[0]);
  }
  if (value->is_object()) {
    for (const char* key : {"@value", "@id"}) {
      auto it = value->find(key);
      if (it != value->end() && it->is_string()) return it->get<std::string>();
    }
    if (const nlohmann::json* type = Find(*value, "type")) return Text(type);
    auto id = value->find("id");
    if (id != value->end() && id->is_string()) return id->get<std::string>();
  }
  return std::nullopt;
}

std::string TextOf(const nlohmann::json& object, std::string_view local) {
  return Text(Find(object, local)).value_or("");
}

std::optional<int64_t> Integer(const nlohmann::json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_number_integer()) return value->get<int64_t>();
  if (value->is_number_unsigned()) {
    return static_cast<int64_t>(value->get<uint64_t>());
  }
  if (value->is_number_float()) {
    return static_cast<int64_t>(value->get<double>());
  }
  std::optional<std::string> text = Text(value);
  if (!text || text->empty()) return std::nullopt;
  int64_t parsed = 0;
  auto [end, ec] =
      std::from_chars(text->data(), text->data() + text->size(), parsed);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return std::nullopt;
  }
  return parsed;
}

std::string Id(const nlohmann::json& object) {
  if (!object.is_object())
    return object.is_string() ? object.get<std::string>() : "";
  for (const char* key : {"@id", "id"}) {
    auto it = object.find(key);
    if (it != object.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

std::vector<std::string> Types(const nlohmann::json& object) {
  std::vector<std::string> types;
  if (!object.is_object()) return types;
  for (const char* key : {"@type", "type"}) {
    auto it = object.find(key);
    if (it == object.end()) continue;
    for (const nlohmann::json* value : Values(&*it)) {
      if (value->is_string()) {
        types.emplace_back(LocalName(value->get_ref<const std::string&>()));
      }
    }
    if (!types.empty()) break;
  }
  return types;
}

bool HasType(const nlohmann::json& object, std::string_view local) {
  for (const std::string& type : Types(object)) {
    if (type == local) return true;
  }
  return false;
}

}  // namespace dsfl::edc::jsonld
