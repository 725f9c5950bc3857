// Status lists: the W3C examples (base64url with 'u', and StatusList2021's
// base64 with '-'), bit 0 = left-most bit, entries, and malformed input.
#include "connector-adapters/identity/status_list.h"

#include "common/crypto/base64url.h"
#include "connector-adapters/identity/refusal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::identity {
namespace {

using testing::ReadJsonFixture;

TEST(StatusList, BitstringStatusListExample) {
  StatusOr<StatusListCredential> list =
      ParseStatusListCredential(ReadJsonFixture(
          "edc/vc/bitstring-status-list-credential.w3c-example.json"));
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->id, "https://example.com/credentials/status/3");
  EXPECT_EQ(list->issuer, "did:example:12345");
  EXPECT_EQ(list->list_type, "BitstringStatusList");
  EXPECT_EQ(list->purpose, "revocation");
  EXPECT_EQ(list->bits.size_bits(), 131072u);
  for (uint64_t i : {0ull, 1ull, 94567ull, 131071ull}) {
    EXPECT_FALSE(list->bits.Get(i)) << i;
  }
}

TEST(StatusList, StatusList2021ExampleWithoutMultibasePrefix) {
  StatusOr<StatusListCredential> list = ParseStatusListCredential(
      ReadJsonFixture("edc/vc/statuslist2021-credential.w3c-example.json"));
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->list_type, "StatusList2021");
  EXPECT_EQ(list->bits.size_bits(), 131072u);
}

TEST(StatusList, EntriesOfBothExamples) {
  StatusOr<std::vector<StatusListEntry>> bitstring =
      ParseCredentialStatus(ReadJsonFixture(
          "edc/vc/credential-with-bitstring-status-entries.w3c-example.json"));
  ASSERT_TRUE(bitstring.ok()) << bitstring.status();
  ASSERT_EQ(bitstring->size(), 2u);
  EXPECT_EQ((*bitstring)[0].type, "BitstringStatusListEntry");
  EXPECT_EQ((*bitstring)[0].purpose, "revocation");
  EXPECT_EQ((*bitstring)[0].index, 94567u);
  EXPECT_EQ((*bitstring)[0].list_credential,
            "https://example.com/credentials/status/3");
  EXPECT_EQ((*bitstring)[1].purpose, "suspension");
  EXPECT_EQ((*bitstring)[1].index, 23452u);
  StatusOr<std::vector<StatusListEntry>> sl2021 =
      ParseCredentialStatus(ReadJsonFixture(
          "edc/vc/credential-with-statuslist2021-entry.w3c-example.json"));
  ASSERT_TRUE(sl2021.ok()) << sl2021.status();
  ASSERT_EQ(sl2021->size(), 1u);
  EXPECT_EQ((*sl2021)[0].type, "StatusList2021Entry");
  // Checked against the (all-zero) example list: not revoked.
  StatusOr<StatusListCredential> list = ParseStatusListCredential(
      ReadJsonFixture("edc/vc/statuslist2021-credential.w3c-example.json"));
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(CheckStatusEntry((*sl2021)[0], *list).ok());
}

TEST(StatusList, BitZeroIsTheLeftMostBit) {
  StatusBitstring bits = StatusBitstring::Zeros(16);
  bits.Set(0, true);
  bits.Set(9, true);
  StatusOr<std::string> encoded = bits.Encode();
  ASSERT_TRUE(encoded.ok());
  ASSERT_EQ(encoded->front(), 'u');
  StatusOr<std::string> gz = crypto::Base64UrlDecode(encoded->substr(1));
  ASSERT_TRUE(gz.ok());
  StatusOr<std::string> raw = Gunzip(*gz, 1024);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>((*raw)[0]), 0x80);  // index 0
  EXPECT_EQ(static_cast<uint8_t>((*raw)[1]), 0x40);  // index 9
  StatusOr<StatusBitstring> decoded = StatusBitstring::Decode(*encoded);
  ASSERT_TRUE(decoded.ok());
  EXPECT_TRUE(decoded->Get(0));
  EXPECT_FALSE(decoded->Get(1));
  EXPECT_FALSE(decoded->Get(7));
  EXPECT_FALSE(decoded->Get(8));
  EXPECT_TRUE(decoded->Get(9));
  // Plain base64 of the same GZIP bytes decodes to the same bits.
  StatusOr<StatusBitstring> plain =
      StatusBitstring::Decode(crypto::Base64Encode(*gz));
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->Get(0) && plain->Get(9));
}

TEST(StatusList, CheckStatusEntryReasons) {
  StatusListCredential list;
  list.purpose = "revocation";
  list.bits = StatusBitstring::Zeros(64);
  list.bits.Set(5, true);
  StatusListEntry entry{"BitstringStatusListEntry", "revocation", 5, "u"};
  EXPECT_EQ(ReasonOf(CheckStatusEntry(entry, list)), Reason::kRevoked);
  entry.index = 6;
  EXPECT_TRUE(CheckStatusEntry(entry, list).ok());
  entry.index = 64;
  EXPECT_EQ(ReasonOf(CheckStatusEntry(entry, list)),
            Reason::kStatusUnavailable);
  entry.index = 5;
  entry.purpose = "suspension";
  EXPECT_EQ(ReasonOf(CheckStatusEntry(entry, list)),
            Reason::kStatusUnavailable);
}

TEST(StatusList, MalformedListsAndEntries) {
  EXPECT_EQ(ReasonOf(StatusBitstring::Decode("u!!!").status()),
            Reason::kMalformed);
  EXPECT_EQ(
      ReasonOf(
          StatusBitstring::Decode(crypto::Base64Encode("not gzip")).status()),
      Reason::kMalformed);
  StatusOr<std::string> gz = Gzip(std::string(100, '\0'));
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(
      ReasonOf(StatusBitstring::Decode(
                   "u" + crypto::Base64UrlEncode(gz->substr(0, gz->size() - 6)))
                   .status()),
      Reason::kMalformed);
  // Decompression bombs are capped.
  StatusOr<std::string> big = Gzip(std::string(1 << 20, '\0'));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(ReasonOf(Gunzip(*big, 1024).status()), Reason::kMalformed);
  nlohmann::json bad_index = {{"credentialStatus",
                               {{"type", "BitstringStatusListEntry"},
                                {"statusPurpose", "revocation"},
                                {"statusListIndex", "-1"},
                                {"statusListCredential", "https://x"}}}};
  EXPECT_EQ(ReasonOf(ParseCredentialStatus(bad_index).status()),
            Reason::kMalformed);
  nlohmann::json unknown = {
      {"credentialStatus", {{"type", "RevocationList2020Status"}}}};
  EXPECT_EQ(ReasonOf(ParseCredentialStatus(unknown).status()),
            Reason::kStatusUnavailable);
  EXPECT_TRUE(ParseCredentialStatus({{"credentialStatus", nullptr}})->empty());
}

}  // namespace
}  // namespace dsfl::identity
