// ParseParticipantConfig / Participant::Create: the "dataspace" section both
// daemons share. Errors must name the field; a good section builds every
// collaborator with the key from the file.
#include "connector-adapters/edc/participant.h"

#include <fstream>

#include "common/clock.h"
#include "connector-adapters/identity/signing_key.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace dsfl::edc {
namespace {

using ::testing::HasSubstr;

nlohmann::json Section() {
  return {{"did", "did:web:localhost%3A8443:participants:hospital-a"},
          {"key", "a.key"},
          {"connector",
           {{"management_url",
             "https://localhost:8443/participants/hospital-a/api/management"},
            {"api_key", "password"}}},
          {"trusted_issuers",
           {{{"did", "did:web:localhost%3A8443:issuer"},
             {"types", {"MembershipCredential"}}}}}};
}

StatusOr<ParticipantConfig> Parse(const nlohmann::json& json,
                                  const std::string& base_dir) {
  ConfigReader reader(json, "dataspace");
  ParticipantConfig config = ParseParticipantConfig(reader, base_dir);
  DSFL_RETURN_IF_ERROR(reader.Finish());
  return config;
}

void WriteKey(const std::string& path) {
  auto key = identity::SigningKey::Generate(identity::KeyType::kP256, "k");
  ASSERT_TRUE(key.ok());
  auto pem = (*key)->ToPem();
  ASSERT_TRUE(pem.ok());
  std::ofstream(path) << *pem;
}

TEST(ParticipantConfigTest, ReadsEveryFieldWithDefaults) {
  auto config = Parse(Section(), "/etc/dsfl");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->key_path, "/etc/dsfl/a.key");
  EXPECT_EQ(config->key_id,
            "did:web:localhost%3A8443:participants:hospital-a#key-1");
  EXPECT_EQ(config->connector.api_key, "password");
  EXPECT_EQ(config->connector.api_version, "v3");
  EXPECT_FALSE(config->allow_http_did);
  ASSERT_EQ(config->trusted_issuers.size(), 1u);
  EXPECT_EQ(config->trusted_issuers[0].types,
            std::vector<std::string>{"MembershipCredential"});
}

TEST(ParticipantConfigTest, ErrorsNameTheField) {
  nlohmann::json bad = Section();
  bad["did"] = "hospital-a";
  EXPECT_THAT(Parse(bad, "/").status().message(),
              HasSubstr("dataspace.did: 'hospital-a' is not a DID"));
  bad = Section();
  bad.erase("connector");
  EXPECT_THAT(Parse(bad, "/").status().message(),
              HasSubstr("dataspace.connector"));
  bad = Section();
  bad["trusted_issuers"][0]["did"] = "issuer";
  EXPECT_THAT(Parse(bad, "/").status().message(),
              HasSubstr("dataspace.trusted_issuers[0].did"));
  bad = Section();
  bad["trusted_isuers"] = bad["trusted_issuers"];
  EXPECT_THAT(Parse(bad, "/").status().message(),
              HasSubstr("did you mean 'trusted_issuers'"));
}

TEST(ParticipantTest, BuildsFromAKeyFileAndNamesAMissingOne) {
  testing::TempDir dir;
  auto config = Parse(Section(), dir.path());
  ASSERT_TRUE(config.ok()) << config.status();
  auto missing = Participant::Create(*config, &SystemClock());
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("dataspace.key"));

  WriteKey(dir.File("a.key"));
  auto participant = Participant::Create(*config, &SystemClock());
  ASSERT_TRUE(participant.ok()) << participant.status();
  EXPECT_EQ((*participant)->did(), config->did);
  EXPECT_EQ((*participant)->key().kid(), config->key_id);
  EXPECT_EQ((*participant)->key().algorithm(), "ES256");
  EXPECT_EQ((*participant)->connector().config().management_url,
            config->connector.management_url);
}

}  // namespace
}  // namespace dsfl::edc
