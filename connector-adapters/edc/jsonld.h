// Lenient reading of the compacted JSON-LD that EDC, DSP 0.8 and DSP
// 2025-1 produce, without a JSON-LD processor:
//   - keys match by local name: "dataset", "dcat:dataset",
//     "http://www.w3.org/ns/dcat#dataset" and "edc:dataset" are one key
//     (the first present wins, plain keys before prefixed ones);
//   - a value may be one object or an array (compaction turns one-element
//     arrays into objects): Values() always yields a list;
//   - identifiers come from "@id" or "id", types from "@type" or "type";
//   - a scalar may be a string, {"@value": ...}, {"@id": ...} or
//     {"odrl:type"/"type": ...} (ODRL actions);
//   - unknown members are ignored.
// Namespaces of the dataspace vocabularies are constants below.
//
// Threading: pure functions over borrowed JSON; thread-safe.
#ifndef DSFL_CONNECTOR_ADAPTERS_EDC_JSONLD_H_
#define DSFL_CONNECTOR_ADAPTERS_EDC_JSONLD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nlohmann/json.hpp"

namespace dsfl::edc::jsonld {

inline constexpr char kEdcNs[] = "https://w3id.org/edc/v0.0.1/ns/";
inline constexpr char kOdrlNs[] = "http://www.w3.org/ns/odrl/2/";
inline constexpr char kDcatNs[] = "http://www.w3.org/ns/dcat#";
inline constexpr char kDctNs[] = "http://purl.org/dc/terms/";
inline constexpr char kDspace2025Ns[] = "https://w3id.org/dspace/2025/1/";
inline constexpr char kOdrlContext[] = "http://www.w3.org/ns/odrl.jsonld";

// "dcat:dataset" -> "dataset"; "http://www.w3.org/ns/dcat#dataset" ->
// "dataset"; "https://w3id.org/edc/v0.0.1/ns/state" -> "state"; "@id"
// unchanged.
std::string_view LocalName(std::string_view key);

// The member of `object` whose key has local name `local` (case-sensitive),
// or nullptr. Members whose value is null count as absent.
const nlohmann::json* Find(const nlohmann::json& object,
                           std::string_view local);
// Same, trying each of `locals` in order ("endpointURL", "endpointUrl").
const nlohmann::json* FindAny(const nlohmann::json& object,
                              std::initializer_list<std::string_view> locals);

// A value as a list: nullptr/null -> {}, array -> its elements, else {v}.
std::vector<const nlohmann::json*> Values(const nlohmann::json* value);

// A scalar's text (see file comment); std::nullopt when not scalar-like.
// Numbers become their decimal text. For arrays, the first element's.
std::optional<std::string> Text(const nlohmann::json* value);
// Text(Find(object, local)) or "".
std::string TextOf(const nlohmann::json& object, std::string_view local);
// Integer value (number or numeric string).
std::optional<int64_t> Integer(const nlohmann::json* value);

// "@id", else "id" ("" when neither is a string).
std::string Id(const nlohmann::json& object);
// Local names of "@type"/"type" (string or array).
std::vector<std::string> Types(const nlohmann::json& object);
bool HasType(const nlohmann::json& object, std::string_view local);

}  // namespace dsfl::edc::jsonld

#endif  // DSFL_CONNECTOR_ADAPTERS_EDC_JSONLD_H_
