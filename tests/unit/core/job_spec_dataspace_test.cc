// The job spec's "dataspace" section (docs/coordinator.md): parsed with its
// defaults and resolved paths, exclusive with "slaves", and every mistake
// refused with an error naming the field.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "master/core/job_spec.h"

namespace dsfl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using json = nlohmann::json;

json DataspaceJob() {
  return json::parse(R"({
    "job_id": "lung-deepsurv",
    "model": {"type": "deepsurv", "hidden_units": [16, 8]},
    "data": {"features": ["age", "sex"], "time": "time", "event": "event"},
    "federation": {"min_clients": 2},
    "dataspace": {
      "did": "did:web:localhost%3A8443:participants:master",
      "key": "master.key",
      "connector": {"management_url":
                      "https://localhost:8443/participants/master/api/management",
                    "api_key": "password"},
      "https_ca": "pki/ca.pem",
      "trusted_issuers": [{"did": "did:web:localhost%3A8443:issuer",
                           "types": ["MembershipCredential"]}],
      "profile": "https://w3id.org/dsfl/profiles/lung-survival/v1",
      "sts_url": "https://localhost:8443/participants/master/sts/token",
      "privacy": {"dp.noise_multiplier": "1.1"}
    },
    "tls": {"ca": "pki/ca.pem", "cert": "pki/master.pem", "key": "pki/master.key"}
  })");
}

std::string JobError(const json& job) {
  auto spec = master::ParseJobSpec(job, "/jobs");
  return spec.ok() ? "" : std::string(spec.status().message());
}

TEST(JobSpecDataspaceTest, ParsesTheSectionWithDefaultsAndResolvedPaths) {
  auto spec = master::ParseJobSpec(DataspaceJob(), "/jobs");
  ASSERT_TRUE(spec.ok()) << spec.status();
  ASSERT_TRUE(spec->dataspace.has_value());
  EXPECT_TRUE(spec->slaves.empty());
  const master::DataspaceSpec& ds = *spec->dataspace;
  EXPECT_EQ(ds.participant.did, "did:web:localhost%3A8443:participants:master");
  EXPECT_EQ(ds.participant.key_path, "/jobs/master.key");
  EXPECT_EQ(ds.participant.key_id,
            "did:web:localhost%3A8443:participants:master#key-1");
  EXPECT_EQ(ds.participant.https_ca, "/jobs/pki/ca.pem");
  EXPECT_EQ(ds.participant.connector.management_url,
            "https://localhost:8443/participants/master/api/management");
  EXPECT_EQ(ds.participant.connector.api_key, "password");
  EXPECT_FALSE(ds.participant.allow_http_did);
  ASSERT_EQ(ds.participant.trusted_issuers.size(), 1u);
  EXPECT_EQ(ds.participant.trusted_issuers[0].did,
            "did:web:localhost%3A8443:issuer");
  EXPECT_EQ(ds.profile, "https://w3id.org/dsfl/profiles/lung-survival/v1");
  EXPECT_THAT(ds.required_credentials, ElementsAre("MembershipCredential"));
  EXPECT_EQ(ds.negotiation_timeout, absl::Seconds(120));
  EXPECT_EQ(ds.sts_url, "https://localhost:8443/participants/master/sts/token");
  EXPECT_THAT(ds.privacy,
              UnorderedElementsAre(Pair("dp.noise_multiplier", "1.1")));
  EXPECT_EQ(spec->min_clients, 2u);
}

TEST(JobSpecDataspaceTest, OptionalFieldsTakeTheirValues) {
  json j = DataspaceJob();
  j["dataspace"]["required_credentials"] = {"MembershipCredential",
                                            "DataProcessorCredential"};
  j["dataspace"]["negotiation_timeout_seconds"] = 2.5;
  j["dataspace"]["key_id"] = "did:web:localhost%3A8443:participants:master#k2";
  j["dataspace"].erase("sts_url");
  j["dataspace"].erase("privacy");
  j["dataspace"].erase("profile");
  auto spec = master::ParseJobSpec(j, "/jobs");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const master::DataspaceSpec& ds = *spec->dataspace;
  EXPECT_THAT(ds.required_credentials,
              ElementsAre("MembershipCredential", "DataProcessorCredential"));
  EXPECT_EQ(ds.negotiation_timeout, absl::Milliseconds(2500));
  EXPECT_EQ(ds.participant.key_id,
            "did:web:localhost%3A8443:participants:master#k2");
  EXPECT_EQ(ds.sts_url, "");
  EXPECT_TRUE(ds.privacy.empty());
  EXPECT_EQ(ds.profile, "");
}

TEST(JobSpecDataspaceTest, ExactlyOneOfSlavesAndDataspace) {
  json both = DataspaceJob();
  both["slaves"] = {{{"id", "a"}, {"endpoint", "127.0.0.1:1"}}};
  EXPECT_THAT(JobError(both), HasSubstr("dataspace: a job names its slaves "
                                        "either statically"));
  json neither = DataspaceJob();
  neither.erase("dataspace");
  EXPECT_THAT(JobError(neither), HasSubstr("slaves: required"));
}

TEST(JobSpecDataspaceTest, ADataspaceJobNeedsMutualTls) {
  json j = DataspaceJob();
  j.erase("tls");
  j["insecure"] = true;
  EXPECT_THAT(JobError(j), HasSubstr("insecure: a dataspace job needs mutual "
                                     "TLS"));
}

TEST(JobSpecDataspaceTest, ErrorsNameTheField) {
  json j = DataspaceJob();
  j["dataspace"].erase("did");
  EXPECT_THAT(JobError(j), HasSubstr("dataspace.did: required"));
  j = DataspaceJob();
  j["dataspace"]["did"] = "https://master.example";
  EXPECT_THAT(JobError(j), HasSubstr("dataspace.did: 'https://master.example' "
                                     "is not a DID"));
  j = DataspaceJob();
  j["dataspace"].erase("connector");
  EXPECT_THAT(JobError(j), HasSubstr("dataspace.connector: required"));
  j = DataspaceJob();
  j["dataspace"].erase("trusted_issuers");
  EXPECT_THAT(JobError(j), HasSubstr("dataspace.trusted_issuers"));
  j = DataspaceJob();
  j["dataspace"]["negotiation_timeout_seconds"] = 0;
  EXPECT_THAT(JobError(j), HasSubstr("dataspace.negotiation_timeout_seconds: "
                                     "value 0 is outside"));
  j = DataspaceJob();
  j["dataspace"]["required_credentials"] = json::array();
  EXPECT_THAT(JobError(j), HasSubstr("dataspace.required_credentials: at "
                                     "least one credential type"));
  j = DataspaceJob();
  j["dataspace"]["sts_url"] = "http://localhost:8443/sts";
  EXPECT_THAT(JobError(j),
              HasSubstr("dataspace.sts_url: expected an https://"));
  j = DataspaceJob();
  j["dataspace"]["privacy"] = {{"dp.noise_multiplier", 1.1}};
  EXPECT_THAT(JobError(j), HasSubstr("dataspace.privacy.dp.noise_multiplier: "
                                     "expected a string"));
  j = DataspaceJob();
  j["dataspace"]["privacy"] = "none";
  EXPECT_THAT(JobError(j), HasSubstr("dataspace.privacy: expected an object"));
}

TEST(JobSpecDataspaceTest, UnknownKeysAreErrorsWithASuggestion) {
  json j = DataspaceJob();
  j["dataspace"]["negotiaton_timeout_seconds"] = 10;
  EXPECT_THAT(JobError(j),
              HasSubstr("dataspace.negotiaton_timeout_seconds: unknown key "
                        "(did you mean 'negotiation_timeout_seconds'?)"));
  j = DataspaceJob();
  j["dataspace"]["connector"]["managment_url"] = "https://x";
  EXPECT_THAT(JobError(j), HasSubstr("managment_url: unknown key"));
}

TEST(JobSpecDataspaceTest, TheSpecDigestCoversTheSection) {
  auto a = master::ParseJobSpec(DataspaceJob(), "/jobs");
  json changed = DataspaceJob();
  changed["dataspace"]["privacy"]["dp.noise_multiplier"] = "0.9";
  auto b = master::ParseJobSpec(changed, "/jobs");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->spec_sha256, b->spec_sha256);
}

}  // namespace
}  // namespace dsfl
