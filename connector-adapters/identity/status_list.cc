#include "connector-adapters/identity/status_list.h"

#include <zlib.h>

#include <charconv>

#include "absl/strings/str_cat.h"
#include "common/crypto/base64url.h"
#include "connector-adapters/identity/refusal.h"

namespace dsfl::identity {
namespace {

constexpr size_t kMaxListBytes = 16u << 20;

std::string StringOr(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> TypesOf(const nlohmann::json& object) {
  std::vector<std::string> types;
  for (const char* name : {"type", "@type"}) {
    auto it = object.find(name);
    if (it == object.end()) continue;
    if (it->is_string()) types.push_back(it->get<std::string>());
    if (it->is_array()) {
      for (const auto& t : *it) {
        if (t.is_string()) types.push_back(t.get<std::string>());
      }
    }
  }
  return types;
}

}  // namespace

StatusOr<std::string> Gzip(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return absl::InternalError("zlib deflateInit2 failed");
  }
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int result = deflate(&stream, Z_FINISH);
  deflateEnd(&stream);
  if (result != Z_STREAM_END) return absl::InternalError("zlib deflate failed");
  out.resize(stream.total_out);
  return out;
}

StatusOr<std::string> Gunzip(std::string_view data, size_t max_output) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 16) != Z_OK) {
    return absl::InternalError("zlib inflateInit2 failed");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int result = Z_OK;
  while (result != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    result = inflate(&stream, Z_NO_FLUSH);
    if (result != Z_OK && result != Z_STREAM_END) {
      inflateEnd(&stream);
      return Refuse(Reason::kMalformed,
                    absl::StrCat("status list is not valid GZIP (zlib error ",
                                 result, ")"));
    }
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    if (out.size() > max_output) {
      inflateEnd(&stream);
      return Refuse(Reason::kMalformed,
                    absl::StrCat("status list decompresses to more than ",
                                 max_output, " bytes"));
    }
    if (result == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
      inflateEnd(&stream);
      return Refuse(Reason::kMalformed, "status list GZIP stream is truncated");
    }
  }
  inflateEnd(&stream);
  return out;
}

StatusOr<StatusBitstring> StatusBitstring::Decode(std::string_view encoded) {
  StatusOr<std::string> compressed =
      !encoded.empty() && encoded.front() == 'u'
          ? crypto::Base64UrlDecode(encoded.substr(1))
          : crypto::Base64Decode(encoded);
  if (!compressed.ok()) {
    return Refuse(Reason::kMalformed,
                  absl::StrCat("encodedList is not base64/base64url: ",
                               compressed.status().message()));
  }
  DSFL_ASSIGN_OR_RETURN(std::string raw, Gunzip(*compressed, kMaxListBytes));
  StatusBitstring bits;
  bits.bytes_.assign(raw.begin(), raw.end());
  return bits;
}

StatusBitstring StatusBitstring::Zeros(uint64_t bits) {
  StatusBitstring result;
  result.bytes_.assign((bits + 7) / 8, 0);
  return result;
}

bool StatusBitstring::Get(uint64_t index) const {
  if (index / 8 >= bytes_.size()) return false;
  return (bytes_[index / 8] >> (7 - index % 8)) & 1;
}

void StatusBitstring::Set(uint64_t index, bool value) {
  if (index / 8 >= bytes_.size()) bytes_.resize(index / 8 + 1, 0);
  const uint8_t mask = static_cast<uint8_t>(1u << (7 - index % 8));
  if (value) {
    bytes_[index / 8] |= mask;
  } else {
    bytes_[index / 8] &= static_cast<uint8_t>(~mask);
  }
}

StatusOr<std::string> StatusBitstring::Encode() const {
  DSFL_ASSIGN_OR_RETURN(
      std::string compressed,
      Gzip(std::string_view(reinterpret_cast<const char*>(bytes_.data()),
                            bytes_.size())));
  return "u" + crypto::Base64UrlEncode(compressed);
}

StatusOr<std::vector<StatusListEntry>> ParseCredentialStatus(
    const nlohmann::json& credential) {
  std::vector<StatusListEntry> entries;
  auto it = credential.find("credentialStatus");
  if (it == credential.end() || it->is_null()) return entries;
  std::vector<const nlohmann::json*> items;
  if (it->is_array()) {
    for (const auto& item : *it) items.push_back(&item);
  } else {
    items.push_back(&*it);
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const nlohmann::json& item = *items[i];
    const std::string where = absl::StrCat("credentialStatus[", i, "]");
    if (!item.is_object()) {
      return Refuse(Reason::kMalformed, where + " is not an object");
    }
    StatusListEntry entry;
    std::vector<std::string> types = TypesOf(item);
    for (const std::string& type : types) {
      if (type == "StatusList2021Entry" || type == "BitstringStatusListEntry") {
        entry.type = type;
      }
    }
    if (entry.type.empty()) {
      return Refuse(
          Reason::kStatusUnavailable,
          absl::StrCat(where, ": type '", types.empty() ? "" : types[0],
                       "' is not a supported status method"));
    }
    entry.purpose = StringOr(item, "statusPurpose");
    entry.list_credential = StringOr(item, "statusListCredential");
    auto index = item.find("statusListIndex");
    bool index_ok = false;
    if (index != item.end() && index->is_string()) {
      const std::string& text = index->get_ref<const std::string&>();
      auto [end, ec] =
          std::from_chars(text.data(), text.data() + text.size(), entry.index);
      index_ok = !text.empty() && ec == std::errc() &&
                 end == text.data() + text.size();
    } else if (index != item.end() && index->is_number_unsigned()) {
      entry.index = index->get<uint64_t>();
      index_ok = true;
    }
    if (!index_ok || entry.purpose.empty() || entry.list_credential.empty()) {
      return Refuse(Reason::kMalformed,
                    absl::StrCat(where,
                                 ": needs statusPurpose, statusListIndex (a "
                                 "non-negative integer) and "
                                 "statusListCredential"));
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

StatusOr<StatusListCredential> ParseStatusListCredential(
    const nlohmann::json& credential) {
  if (!credential.is_object()) {
    return Refuse(Reason::kMalformed, "status list credential: not an object");
  }
  StatusListCredential list;
  list.id = StringOr(credential, "id");
  auto issuer = credential.find("issuer");
  if (issuer != credential.end() && issuer->is_object()) {
    list.issuer = StringOr(*issuer, "id");
  } else {
    list.issuer = StringOr(credential, "issuer");
  }
  auto subject = credential.find("credentialSubject");
  if (subject == credential.end() || !subject->is_object()) {
    return Refuse(Reason::kMalformed,
                  "status list credential: credentialSubject missing");
  }
  for (const std::string& type : TypesOf(*subject)) {
    if (type == "StatusList2021" || type == "BitstringStatusList") {
      list.list_type = type;
    }
  }
  if (list.list_type.empty()) {
    return Refuse(Reason::kMalformed,
                  "status list credential: credentialSubject.type is neither "
                  "StatusList2021 nor BitstringStatusList");
  }
  list.purpose = StringOr(*subject, "statusPurpose");
  const std::string encoded = StringOr(*subject, "encodedList");
  if (encoded.empty()) {
    return Refuse(Reason::kMalformed,
                  "status list credential: encodedList missing");
  }
  DSFL_ASSIGN_OR_RETURN(list.bits, StatusBitstring::Decode(encoded));
  return list;
}

Status CheckStatusEntry(const StatusListEntry& entry,
                        const StatusListCredential& list) {
  if (entry.purpose != list.purpose) {
    return Refuse(Reason::kStatusUnavailable,
                  absl::StrCat("status entry purpose '", entry.purpose,
                               "' differs from the list's '", list.purpose,
                               "' (", entry.list_credential, ")"));
  }
  if (entry.index >= list.bits.size_bits()) {
    return Refuse(Reason::kStatusUnavailable,
                  absl::StrCat("status index ", entry.index,
                               " is past the end of the list (",
                               list.bits.size_bits(), " bits)"));
  }
  if (list.bits.Get(entry.index)) {
    return Refuse(
        Reason::kRevoked,
        absl::StrCat("credential is marked '", entry.purpose, "' at index ",
                     entry.index, " of ", entry.list_credential));
  }
  return absl::OkStatus();
}

}  // namespace dsfl::identity
