#include "libs/auth/caching_authenticator.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "libs/core/clock.h"

namespace coalition::auth {
namespace {

// Answers from a table that a test edits (to revoke or create keys) and counts its calls.
class CountingAuthenticator final : public Authenticator {
 public:
  absl::StatusOr<Caller> Authenticate(absl::string_view secret) override {
    ++calls_[std::string(secret)];
    auto it = answers_.find(std::string(secret));
    if (it == answers_.end()) return absl::UnauthenticatedError("unknown API key");
    return it->second;
  }

  void Answer(const std::string& secret, absl::StatusOr<Caller> answer) {
    answers_.insert_or_assign(secret, std::move(answer));
  }
  void Forget(const std::string& secret) { answers_.erase(secret); }
  int calls(const std::string& secret) const {
    auto it = calls_.find(secret);
    return it == calls_.end() ? 0 : it->second;
  }

 private:
  absl::flat_hash_map<std::string, absl::StatusOr<Caller>> answers_;
  absl::flat_hash_map<std::string, int> calls_;
};

// A well-formed secret ("ck_" and 43 base64url characters) that names its holder.
std::string Key(const std::string& holder) {
  std::string secret = "ck_" + holder;
  secret.resize(46, 'A');
  return secret;
}

Caller Convener(const std::string& key) {
  Caller caller;
  caller.key = key;
  caller.role = coalition::common::v1::ROLE_CONVENER;
  caller.network_id = "n1";
  caller.coalition_ids = {"c1", "c2"};
  return caller;
}

class CachingAuthenticatorTest : public ::testing::Test {
 protected:
  void Build(CachingAuthenticator::Options options) {
    auto inner = std::make_unique<CountingAuthenticator>();
    inner_ = inner.get();
    inner_->Answer(Key("alice"), Convener("networks/n1/apiKeys/alice"));
    inner_->Answer(Key("bob"), Convener("networks/n1/apiKeys/bob"));
    inner_->Answer(Key("carol"), Convener("networks/n1/apiKeys/carol"));
    cache_ = std::make_unique<CachingAuthenticator>(std::move(inner), &clock_, options);
  }
  void SetUp() override { Build(Options()); }

  static CachingAuthenticator::Options Options() {
    CachingAuthenticator::Options options;
    options.ttl = absl::Seconds(30);
    options.negative_ttl = absl::Seconds(5);
    return options;
  }

  FakeClock clock_;
  CountingAuthenticator* inner_ = nullptr;
  std::unique_ptr<CachingAuthenticator> cache_;
};

TEST_F(CachingAuthenticatorTest, FirstCallAsksTheInnerAuthenticator) {
  absl::StatusOr<Caller> caller = cache_->Authenticate(Key("alice"));
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->key, "networks/n1/apiKeys/alice");
  EXPECT_EQ(inner_->calls(Key("alice")), 1);
}

TEST_F(CachingAuthenticatorTest, SecondCallWithinTtlIsAnsweredFromTheCache) {
  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  clock_.Advance(absl::Seconds(29));

  absl::StatusOr<Caller> caller = cache_->Authenticate(Key("alice"));

  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->key, "networks/n1/apiKeys/alice");
  EXPECT_EQ(caller->role, coalition::common::v1::ROLE_CONVENER);
  EXPECT_EQ(caller->network_id, "n1");
  EXPECT_EQ(caller->coalition_ids, (std::vector<std::string>{"c1", "c2"}));
  EXPECT_EQ(inner_->calls(Key("alice")), 1);
}

TEST_F(CachingAuthenticatorTest, EachSecretIsCachedOnItsOwn) {
  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  absl::StatusOr<Caller> bob = cache_->Authenticate(Key("bob"));
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_EQ(bob->key, "networks/n1/apiKeys/bob");
  EXPECT_EQ(inner_->calls(Key("bob")), 1);
}

TEST_F(CachingAuthenticatorTest, AnswerExpiresAfterTtl) {
  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  clock_.Advance(absl::Seconds(30));
  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  EXPECT_EQ(inner_->calls(Key("alice")), 2);
}

TEST_F(CachingAuthenticatorTest, RevokedKeyStopsWorkingWithinTtl) {
  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  inner_->Forget(Key("alice"));  // revoked in membership

  clock_.Advance(absl::Seconds(10));
  EXPECT_TRUE(cache_->Authenticate(Key("alice")).ok());  // still remembered: the accepted window

  clock_.Advance(absl::Seconds(20));
  EXPECT_EQ(cache_->Authenticate(Key("alice")).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(CachingAuthenticatorTest, UnknownKeyIsRememberedForNegativeTtl) {
  EXPECT_EQ(cache_->Authenticate(Key("mallory")).status().code(),
            absl::StatusCode::kUnauthenticated);
  clock_.Advance(absl::Seconds(4));
  EXPECT_EQ(cache_->Authenticate(Key("mallory")).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(inner_->calls(Key("mallory")), 1);

  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(cache_->Authenticate(Key("mallory")).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(inner_->calls(Key("mallory")), 2);
}

TEST_F(CachingAuthenticatorTest, NewKeyWorksOnceTheNegativeAnswerExpires) {
  ASSERT_FALSE(cache_->Authenticate(Key("dave")).ok());
  inner_->Answer(Key("dave"), Convener("networks/n1/apiKeys/dave"));
  EXPECT_FALSE(cache_->Authenticate(Key("dave")).ok());

  clock_.Advance(absl::Seconds(5));
  absl::StatusOr<Caller> dave = cache_->Authenticate(Key("dave"));
  ASSERT_TRUE(dave.ok()) << dave.status();
  EXPECT_EQ(dave->key, "networks/n1/apiKeys/dave");
}

TEST_F(CachingAuthenticatorTest, UnavailableIsNeverCached) {
  inner_->Answer(Key("alice"), absl::UnavailableError("membership is down"));
  EXPECT_EQ(cache_->Authenticate(Key("alice")).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(cache_->Authenticate(Key("alice")).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(inner_->calls(Key("alice")), 2);

  inner_->Answer(Key("alice"), Convener("networks/n1/apiKeys/alice"));
  EXPECT_TRUE(cache_->Authenticate(Key("alice")).ok());
  EXPECT_EQ(inner_->calls(Key("alice")), 3);
}

TEST_F(CachingAuthenticatorTest, OtherErrorsAreNeverCached) {
  for (const absl::Status& error :
       {absl::DeadlineExceededError("slow"), absl::InternalError("bug"),
        absl::PermissionDeniedError("no"), absl::ResourceExhaustedError("busy")}) {
    SCOPED_TRACE(error.ToString());
    inner_->Answer(Key("alice"), error);
    const int before = inner_->calls(Key("alice"));
    EXPECT_EQ(cache_->Authenticate(Key("alice")).status().code(), error.code());
    EXPECT_EQ(cache_->Authenticate(Key("alice")).status().code(), error.code());
    EXPECT_EQ(inner_->calls(Key("alice")), before + 2);
  }
}

TEST_F(CachingAuthenticatorTest, HoldsNoMoreThanMaxEntries) {
  CachingAuthenticator::Options options = Options();
  options.max_entries = 2;
  Build(options);
  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  ASSERT_TRUE(cache_->Authenticate(Key("bob")).ok());
  ASSERT_TRUE(cache_->Authenticate(Key("carol")).ok());  // over the bound: something must go

  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  ASSERT_TRUE(cache_->Authenticate(Key("bob")).ok());
  // At most two of the three were still held, so at least one was asked again.
  EXPECT_GE(inner_->calls(Key("alice")) + inner_->calls(Key("bob")) + inner_->calls(Key("carol")),
            4);
}

TEST_F(CachingAuthenticatorTest, ExpiredEntriesMakeRoomBeforeLiveOnes) {
  CachingAuthenticator::Options options = Options();
  options.max_entries = 2;
  Build(options);
  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());     // kept 30 s
  ASSERT_FALSE(cache_->Authenticate(Key("mallory")).ok());  // kept 5 s
  clock_.Advance(absl::Seconds(10));

  ASSERT_TRUE(cache_->Authenticate(Key("bob")).ok());  // full: the expired answer makes room

  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  ASSERT_TRUE(cache_->Authenticate(Key("bob")).ok());
  EXPECT_EQ(inner_->calls(Key("alice")), 1);
  EXPECT_EQ(inner_->calls(Key("bob")), 1);
}

TEST_F(CachingAuthenticatorTest, SecretsNotShapedLikeAKeyAreRefusedWithoutAsking) {
  for (const std::string& junk :
       {std::string("x"), std::string("ck_short"), std::string(10000, 'k'), Key("alice") + "!",
        std::string("ck_") + std::string(43, '*')}) {
    EXPECT_TRUE(absl::IsUnauthenticated(cache_->Authenticate(junk).status())) << junk;
    EXPECT_EQ(inner_->calls(junk), 0) << junk;
  }
}

TEST_F(CachingAuthenticatorTest, AFloodOfUnknownKeysNeverPushesKnownOnesOut) {
  CachingAuthenticator::Options options = Options();
  options.max_entries = 2;
  options.max_negative_entries = 10;
  Build(options);
  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  ASSERT_TRUE(cache_->Authenticate(Key("bob")).ok());
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(cache_->Authenticate(Key(absl::StrCat("mallory", i))).ok());
  }
  ASSERT_TRUE(cache_->Authenticate(Key("alice")).ok());
  ASSERT_TRUE(cache_->Authenticate(Key("bob")).ok());
  EXPECT_EQ(inner_->calls(Key("alice")), 1);
  EXPECT_EQ(inner_->calls(Key("bob")), 1);
}

}  // namespace
}  // namespace coalition::auth
