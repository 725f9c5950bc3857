// AdmissionSessions: ids from the injected random source, the three-way
// check (job, peer, id) with one problem per mismatch, replacement,
// LRU eviction at the bound, idle expiry on the injected clock, revocation.
#include "slave/core/admission_sessions.h"

#include <set>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/identity/test_util.h"

namespace dsfl::slave {
namespace {

using identity::testing::FakeClock;
using identity::testing::Unix;

// 0x00.., 0x01.., ...: each Fill() a different, predictable 16 bytes.
class CountingRandom final : public RandomBytes {
 public:
  Status Fill(unsigned char* out, size_t size) override {
    if (fail_) return absl::InternalError("no entropy");
    for (size_t i = 0; i < size; ++i)
      out[i] = static_cast<unsigned char>(next_);
    ++next_;
    return absl::OkStatus();
  }
  void set_fail(bool fail) { fail_ = fail; }
  void set_next(int next) { next_ = next; }

 private:
  int next_ = 0;
  bool fail_ = false;
};

SessionGrant Grant(const std::string& job, const std::string& peer) {
  SessionGrant grant;
  grant.job_id = job;
  grant.peer_sha256 = peer;
  grant.master_did = "did:web:master.example";
  grant.agreement_id = "agreement-1";
  grant.model_sha256 = std::string(64, 'a');
  grant.privacy = {{"dp.noise_multiplier", "1.1"}};
  return grant;
}

class AdmissionSessionsTest : public ::testing::Test {
 protected:
  FakeClock clock_{Unix(1767225600)};
  CountingRandom random_;
};

TEST_F(AdmissionSessionsTest, AdmitsAndChecksJobPeerAndId) {
  AdmissionSessions sessions(&clock_, &random_);
  StatusOr<AdmittedSession> s = sessions.Admit(Grant("job-1", "peer-a"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->session_id, std::string(32, '0'));  // 16 bytes 0x00, hex
  EXPECT_EQ(s->admitted_at, Unix(1767225600));
  EXPECT_EQ(s->grant.agreement_id, "agreement-1");

  SessionCheck ok = sessions.Check("job-1", "peer-a", s->session_id);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.session.grant.model_sha256, std::string(64, 'a'));
  EXPECT_EQ(ok.session.grant.privacy.at("dp.noise_multiplier"), "1.1");

  EXPECT_EQ(sessions.Check("job-1", "peer-a", "").problem,
            SessionProblem::kNoSession);
  EXPECT_EQ(sessions.Check("job-1", "peer-a", std::string(32, 'f')).problem,
            SessionProblem::kUnknownSession);
  EXPECT_EQ(sessions.Check("job-2", "peer-a", s->session_id).problem,
            SessionProblem::kWrongJob);
  // A stolen id used from another TLS peer, for any job.
  EXPECT_EQ(sessions.Check("job-1", "peer-b", s->session_id).problem,
            SessionProblem::kWrongPeer);
  EXPECT_EQ(sessions.Check("job-2", "peer-b", s->session_id).problem,
            SessionProblem::kWrongPeer);
}

TEST_F(AdmissionSessionsTest, ProblemNames) {
  EXPECT_STREQ(SessionProblemName(SessionProblem::kNoSession), "no_session");
  EXPECT_STREQ(SessionProblemName(SessionProblem::kUnknownSession),
               "unknown_session");
  EXPECT_STREQ(SessionProblemName(SessionProblem::kWrongJob),
               "session_wrong_job");
  EXPECT_STREQ(SessionProblemName(SessionProblem::kWrongPeer),
               "session_wrong_peer");
  EXPECT_STREQ(SessionProblemName(SessionProblem::kExpired), "session_expired");
}

TEST_F(AdmissionSessionsTest, ANewAdmissionOfTheSameJobAndPeerReplacesTheOld) {
  AdmissionSessions sessions(&clock_, &random_);
  auto first = sessions.Admit(Grant("job-1", "peer-a"));
  auto other_peer = sessions.Admit(Grant("job-1", "peer-b"));
  auto second = sessions.Admit(Grant("job-1", "peer-a"));
  ASSERT_TRUE(first.ok() && other_peer.ok() && second.ok());
  EXPECT_NE(first->session_id, second->session_id);
  EXPECT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions.Check("job-1", "peer-a", first->session_id).problem,
            SessionProblem::kUnknownSession);
  EXPECT_TRUE(sessions.Check("job-1", "peer-a", second->session_id).ok());
  EXPECT_TRUE(sessions.Check("job-1", "peer-b", other_peer->session_id).ok());
}

TEST_F(AdmissionSessionsTest, EvictsTheLeastRecentlyUsedBeyondTheBound) {
  AdmissionSessions sessions(&clock_, &random_, {3, absl::Hours(1)});
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    auto s = sessions.Admit(Grant("job-" + std::to_string(i), "peer"));
    ASSERT_TRUE(s.ok());
    ids.push_back(s->session_id);
    clock_.Advance(absl::Seconds(1));
  }
  // job-0 is used again, so job-1 is now the least recently used.
  ASSERT_TRUE(sessions.Check("job-0", "peer", ids[0]).ok());
  clock_.Advance(absl::Seconds(1));
  auto fourth = sessions.Admit(Grant("job-3", "peer"));
  ASSERT_TRUE(fourth.ok());
  EXPECT_EQ(sessions.size(), 3u);
  EXPECT_EQ(sessions.Check("job-1", "peer", ids[1]).problem,
            SessionProblem::kUnknownSession);
  EXPECT_TRUE(sessions.Check("job-0", "peer", ids[0]).ok());
  EXPECT_TRUE(sessions.Check("job-2", "peer", ids[2]).ok());
  EXPECT_TRUE(sessions.Check("job-3", "peer", fourth->session_id).ok());
}

TEST_F(AdmissionSessionsTest, IdleSessionsExpireOnTheInjectedClock) {
  AdmissionSessions sessions(&clock_, &random_, {16, absl::Minutes(10)});
  auto s = sessions.Admit(Grant("job-1", "peer"));
  ASSERT_TRUE(s.ok());
  clock_.Advance(absl::Minutes(9));
  ASSERT_TRUE(sessions.Check("job-1", "peer", s->session_id).ok());  // used
  clock_.Advance(absl::Minutes(10));  // exactly the timeout since last use
  ASSERT_TRUE(sessions.Check("job-1", "peer", s->session_id).ok());
  clock_.Advance(absl::Minutes(10) + absl::Seconds(1));
  EXPECT_EQ(sessions.Check("job-1", "peer", s->session_id).problem,
            SessionProblem::kExpired);
  // Gone for good.
  EXPECT_EQ(sessions.Check("job-1", "peer", s->session_id).problem,
            SessionProblem::kUnknownSession);
  EXPECT_EQ(sessions.size(), 0u);

  // A shorter timeout applies to existing sessions; expired ones are
  // swept when the next session is admitted.
  auto a = sessions.Admit(Grant("job-a", "peer"));
  ASSERT_TRUE(a.ok());
  sessions.set_idle_timeout(absl::Minutes(1));
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(sessions.Admit(Grant("job-b", "peer")).ok());
  EXPECT_EQ(sessions.size(), 1u);
}

TEST_F(AdmissionSessionsTest, RevokesOneOrByPredicate) {
  AdmissionSessions sessions(&clock_, &random_);
  auto a = sessions.Admit(Grant("job-a", "peer"));
  SessionGrant other_model = Grant("job-b", "peer");
  other_model.model_sha256 = std::string(64, 'b');
  auto b = sessions.Admit(other_model);
  auto c = sessions.Admit(Grant("job-c", "peer"));
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_TRUE(sessions.Revoke(c->session_id));
  EXPECT_FALSE(sessions.Revoke(c->session_id));
  EXPECT_EQ(sessions.RevokeIf([](const AdmittedSession& s) {
    return s.grant.model_sha256 == std::string(64, 'b');
  }),
            1u);
  EXPECT_TRUE(sessions.Check("job-a", "peer", a->session_id).ok());
  EXPECT_EQ(sessions.Check("job-b", "peer", b->session_id).problem,
            SessionProblem::kUnknownSession);
}

TEST_F(AdmissionSessionsTest, ARandomSourceFailureAdmitsNothing) {
  AdmissionSessions sessions(&clock_, &random_);
  random_.set_fail(true);
  EXPECT_EQ(sessions.Admit(Grant("job-1", "peer")).status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(sessions.size(), 0u);
  // A source repeating itself must not merge two sessions.
  random_.set_fail(false);
  ASSERT_TRUE(sessions.Admit(Grant("job-1", "peer")).ok());
  random_.set_next(0);
  EXPECT_EQ(sessions.Admit(Grant("job-2", "peer")).status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(sessions.size(), 1u);
}

TEST_F(AdmissionSessionsTest, SecureIdsAreDistinctHex) {
  AdmissionSessions sessions(&clock_, &SecureRandomBytes());
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    auto s = sessions.Admit(Grant("job-" + std::to_string(i), "peer"));
    ASSERT_TRUE(s.ok());
    EXPECT_THAT(s->session_id, ::testing::MatchesRegex("[0-9a-f]{32}"));
    ids.insert(s->session_id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST_F(AdmissionSessionsTest, ConcurrentAdmitsAndChecks) {
  AdmissionSessions sessions(&clock_, &SecureRandomBytes(),
                             {64, absl::Hours(1)});
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const std::string job =
            "job-" + std::to_string(t) + "-" + std::to_string(i);
        auto s = sessions.Admit(Grant(job, "peer-" + std::to_string(t)));
        if (!s.ok()) {
          ++failures;
          continue;
        }
        // May have been evicted by other threads, never mixed up.
        SessionCheck check =
            sessions.Check(job, "peer-" + std::to_string(t), s->session_id);
        if (!check.ok() && check.problem != SessionProblem::kUnknownSession) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(sessions.size(), 64u);
}

}  // namespace
}  // namespace dsfl::slave
