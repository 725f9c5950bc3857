#include "connector-adapters/identity/did_document.h"

#include <array>
#include <utility>

#include "absl/strings/str_cat.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {
namespace {

constexpr std::array<std::pair<Relationship, const char*>, 5> kRelationships = {
    {{Relationship::kAuthentication, "authentication"},
     {Relationship::kAssertionMethod, "assertionMethod"},
     {Relationship::kCapabilityInvocation, "capabilityInvocation"},
     {Relationship::kCapabilityDelegation, "capabilityDelegation"},
     {Relationship::kKeyAgreement, "keyAgreement"}}};

std::string StringOr(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string FirstEndpoint(const nlohmann::json& endpoint) {
  if (endpoint.is_string()) return endpoint.get<std::string>();
  if (endpoint.is_array()) {
    for (const auto& value : endpoint) {
      std::string found = FirstEndpoint(value);
      if (!found.empty()) return found;
    }
  }
  if (endpoint.is_object()) {
    for (const char* name : {"uri", "url", "@id", "id"}) {
      std::string found = StringOr(endpoint, name);
      if (!found.empty()) return found;
    }
  }
  return "";
}

}  // namespace

std::string_view RelationshipName(Relationship relationship) {
  for (const auto& [r, name] : kRelationships) {
    if (r == relationship) return name;
  }
  return "?";
}

std::string DidDocument::Absolute(std::string_view id) const {
  if (id.empty()) return id_;
  if (id.front() == '#') return id_ + std::string(id);
  if (id.substr(0, 4) == "did:") return std::string(id);
  if (id.find(':') != std::string_view::npos) return std::string(id);  // IRI
  return absl::StrCat(id_, "#", std::string(id));
}

StatusOr<DidDocument> DidDocument::ParseText(std::string_view text,
                                             std::string_view origin) {
  nlohmann::json json =
      nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded()) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat("DID document from ", std::string(origin),
                               " is not valid JSON"));
  }
  return Parse(json);
}

StatusOr<DidDocument> DidDocument::Parse(const nlohmann::json& json) {
  if (!json.is_object()) {
    return Refuse(Reason::kMalformed, "DID document: not a JSON object");
  }
  DidDocument doc;
  doc.json_ = json;
  doc.id_ = StringOr(json, "id");
  if (doc.id_.empty()) {
    return Refuse(Reason::kMalformed, "DID document: 'id' missing");
  }
  auto add_method = [&doc](const nlohmann::json& entry,
                           const std::string& where) -> StatusOr<std::string> {
    if (!entry.is_object()) {
      return Refuse(Reason::kMalformed,
                    absl::StrCat("DID document: ", where, " is not an object"));
    }
    VerificationMethod method;
    method.id = doc.Absolute(StringOr(entry, "id"));
    if (StringOr(entry, "id").empty()) {
      return Refuse(Reason::kMalformed,
                    absl::StrCat("DID document: ", where, " has no 'id'"));
    }
    method.type = StringOr(entry, "type");
    method.controller = StringOr(entry, "controller");
    auto jwk = entry.find("publicKeyJwk");
    if (jwk == entry.end() || jwk->is_null()) {
      method.key_error =
          Refuse(Reason::kUnsupportedKey,
                 absl::StrCat("verification method ", method.id, " (",
                              method.type, ") has no publicKeyJwk"));
    } else {
      StatusOr<PublicJwk> key = ParsePublicJwk(*jwk);
      if (key.ok()) {
        method.key = *key;
      } else {
        method.key_error =
            WithContext(key.status(),
                        absl::StrCat("verification method ", method.id, ": "));
      }
    }
    std::string id = method.id;
    doc.methods_.push_back(std::move(method));
    return id;
  };
  auto methods = json.find("verificationMethod");
  if (methods != json.end() && !methods->is_null()) {
    if (!methods->is_array()) {
      return Refuse(Reason::kMalformed,
                    "DID document: 'verificationMethod' is not an array");
    }
    for (size_t i = 0; i < methods->size(); ++i) {
      DSFL_RETURN_IF_ERROR(
          add_method((*methods)[i], absl::StrCat("verificationMethod[", i, "]"))
              .status());
    }
  }
  for (const auto& [relationship, name] : kRelationships) {
    auto entries = json.find(name);
    if (entries == json.end() || entries->is_null()) continue;
    if (!entries->is_array()) {
      return Refuse(Reason::kMalformed,
                    absl::StrCat("DID document: '", name, "' is not an array"));
    }
    for (size_t i = 0; i < entries->size(); ++i) {
      const nlohmann::json& entry = (*entries)[i];
      if (entry.is_string()) {
        doc.relationships_.emplace_back(relationship,
                                        doc.Absolute(entry.get<std::string>()));
      } else if (entry.is_object()) {
        DSFL_ASSIGN_OR_RETURN(
            std::string id, add_method(entry, absl::StrCat(name, "[", i, "]")));
        doc.relationships_.emplace_back(relationship, std::move(id));
      } else if (!entry.is_null()) {
        return Refuse(Reason::kMalformed,
                      absl::StrCat("DID document: ", name, "[", i,
                                   "] is neither a reference nor a method"));
      }
    }
  }
  auto services = json.find("service");
  if (services != json.end() && services->is_array()) {
    for (const auto& entry : *services) {
      if (!entry.is_object()) continue;
      DidService service;
      service.id = doc.Absolute(StringOr(entry, "id"));
      auto type = entry.find("type");
      if (type != entry.end() && type->is_array() && !type->empty() &&
          (*type)[0].is_string()) {
        service.type = (*type)[0].get<std::string>();
      } else {
        service.type = StringOr(entry, "type");
      }
      auto endpoint = entry.find("serviceEndpoint");
      if (endpoint != entry.end()) service.endpoint = FirstEndpoint(*endpoint);
      doc.services_.push_back(std::move(service));
    }
  }
  return doc;
}

StatusOr<const VerificationMethod*> DidDocument::FindMethod(
    std::string_view kid) const {
  const VerificationMethod* found = nullptr;
  if (kid.empty()) {
    if (methods_.size() != 1) {
      return Refuse(Reason::kWrongKey,
                    absl::StrCat("token has no 'kid' and DID document ", id_,
                                 " has ", methods_.size(),
                                 " verification methods (exactly one needed)"));
    }
    found = &methods_[0];
  } else {
    std::string wanted(kid);
    std::string by_fragment;
    size_t hash = wanted.find('#');
    if (hash == std::string::npos) {
      by_fragment = absl::StrCat(id_, "#", wanted);
    } else if (hash == 0) {
      by_fragment = id_ + wanted;
    }
    for (const VerificationMethod& method : methods_) {
      if (method.id == wanted ||
          (!by_fragment.empty() && method.id == by_fragment)) {
        found = &method;
        break;
      }
    }
    if (found == nullptr) {
      return Refuse(Reason::kWrongKey,
                    absl::StrCat("key '", wanted,
                                 "' is not a verification method of ", id_));
    }
  }
  if (!found->key.has_value()) return found->key_error;
  return found;
}

bool DidDocument::HasRelationship(Relationship relationship,
                                  std::string_view method_id) const {
  for (const auto& [r, id] : relationships_) {
    if (r == relationship && id == method_id) return true;
  }
  return false;
}

std::optional<std::string> DidDocument::ServiceEndpoint(
    std::string_view type) const {
  for (const DidService& service : services_) {
    if (service.type == type && !service.endpoint.empty()) {
      return service.endpoint;
    }
  }
  return std::nullopt;
}

}  // namespace dsfl::identity
