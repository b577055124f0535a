// The Redis cache against a real redis-server, including one that is killed, restarted and hung.

#include <hiredis/hiredis.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/cache/cache.h"
#include "libs/core/clock.h"
#include "libs/testing/captured_log.h"
#include "libs/testing/metrics.h"
#include "libs/testing/redis_server.h"
#include "prometheus/registry.h"

namespace coalition::cache {
namespace {

using ::coalition::testing::CapturedLog;
using ::coalition::testing::CounterValue;
using ::coalition::testing::HistogramCount;
using ::coalition::testing::RedisServer;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::Duration kTtl = absl::Seconds(30);
constexpr absl::Duration kCommandTimeout = absl::Milliseconds(200);
constexpr absl::Duration kRetryAfterFailure = absl::Seconds(1);
constexpr absl::Duration kTombstoneTtl = absl::Milliseconds(300);

// The store behind the cache: what a load reads, and how often it was read.
class FakeStore {
 public:
  explicit FakeStore(std::string value) : value_(std::move(value)) {}

  absl::StatusOr<std::string> Load() {
    loads_.fetch_add(1);
    absl::MutexLock lock(&mu_);
    return value_;
  }
  void Write(std::string value) {
    absl::MutexLock lock(&mu_);
    value_ = std::move(value);
  }
  int loads() const { return loads_.load(); }

 private:
  std::atomic<int> loads_{0};
  absl::Mutex mu_;
  std::string value_ ABSL_GUARDED_BY(mu_);
};

// Looks into Redis directly, past the cache.
class RawRedis {
 public:
  explicit RawRedis(int port)
      : context_(redisConnectWithTimeout("127.0.0.1", port, absl::ToTimeval(absl::Seconds(1)))) {}
  ~RawRedis() {
    if (context_ != nullptr) redisFree(context_);
  }

  // The stored bytes of `key`, nullopt when it has none.
  std::optional<std::string> Get(const std::string& key) {
    redisReply* reply = Command({"GET", key});
    std::optional<std::string> value;
    if (reply != nullptr && reply->type == REDIS_REPLY_STRING) {
      value = std::string(reply->str, reply->len);
    }
    if (reply != nullptr) freeReplyObject(reply);
    return value;
  }
  // Milliseconds `key` has left; negative when it has no expiry or does not exist.
  int64_t Pttl(const std::string& key) {
    redisReply* reply = Command({"PTTL", key});
    const int64_t ttl = reply != nullptr ? reply->integer : -3;
    if (reply != nullptr) freeReplyObject(reply);
    return ttl;
  }

 private:
  redisReply* Command(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const std::string& arg : args) {
      argv.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    return static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lengths.data()));
  }

  redisContext* context_;
};

class RedisCacheTest : public ::testing::Test {
 protected:
  // The password the server requires; none by default.
  virtual std::string RequiredPassword() const { return ""; }

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<RedisServer>> server = RedisServer::Start(RequiredPassword());
    ASSERT_TRUE(server.ok()) << server.status();
    redis_ = *std::move(server);
  }

  RedisOptions Options(std::string prefix = "test:") {
    RedisOptions options;
    options.port = redis_->port();
    // Generous for loopback, so that a busy CI machine does not trip the circuit by accident.
    options.connect_timeout = kCommandTimeout;
    options.command_timeout = kCommandTimeout;
    options.retry_after_failure = kRetryAfterFailure;
    options.tombstone_ttl = kTombstoneTtl;
    options.key_prefix = std::move(prefix);
    options.registry = registry_;
    options.clock = &clock_;
    return options;
  }

  static absl::StatusOr<std::string> Read(Cache& cache, FakeStore& store,
                                          const std::string& key = "roster",
                                          absl::Duration ttl = kTtl) {
    return cache.GetOrLoad(key, ttl, [&] { return store.Load(); });
  }

  double Requests(const std::string& result) const {
    return CounterValue(*registry_, "coalition_cache_requests_total", {{"result", result}});
  }
  double Invalidations(const std::string& outcome) const {
    return CounterValue(*registry_, "coalition_cache_invalidations_total", {{"outcome", outcome}});
  }

  // Makes the cache see Redis fail (a timeout while Redis is paused), which opens the circuit.
  void OpenCircuitWithHungRedis(Cache& cache) {
    ASSERT_TRUE(redis_->Pause().ok());
    FakeStore unrelated("x");
    ASSERT_TRUE(Read(cache, unrelated, "unrelated").ok());
    ASSERT_EQ(Requests("error"), 1);
  }

  std::unique_ptr<RedisServer> redis_;
  FakeClock clock_;
  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
};

TEST_F(RedisCacheTest, MissLoadsOnceThenHitsServeTheCachedValue) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("ada,grace");
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::string> value = Read(*cache, store);
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(*value, "ada,grace");
  }
  EXPECT_EQ(store.loads(), 1);
  EXPECT_EQ(Requests("miss"), 1);
  EXPECT_EQ(Requests("hit"), 2);
}

TEST_F(RedisCacheTest, AnonymousScopeNeitherReadsNorFillsRedis) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("ada,grace");
  {
    AnonymousScope anonymous;
    for (int i = 0; i < 2; ++i) ASSERT_TRUE(Read(*cache, store).ok());
    EXPECT_EQ(store.loads(), 2);  // nothing was stored to hit
  }
  EXPECT_EQ(Requests("miss") + Requests("hit") + Requests("bypass"), 0);
  ASSERT_TRUE(Read(*cache, store).ok());  // the first read outside fills the key
  EXPECT_EQ(store.loads(), 3);
  EXPECT_EQ(Requests("miss"), 1);
  {
    // Even a key that is in Redis is not read: its idle time would say when.
    AnonymousScope anonymous;
    ASSERT_TRUE(Read(*cache, store).ok());
    EXPECT_EQ(store.loads(), 4);
    AnonymousScope inactive_inside(false);  // an inner scope cannot switch it off
    EXPECT_TRUE(AnonymousScope::Active());
  }
  EXPECT_FALSE(AnonymousScope::Active());
  EXPECT_EQ(Requests("hit"), 0);
}

TEST_F(RedisCacheTest, InvalidateMakesTheNextReadLoadAgain) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("old");
  ASSERT_EQ(*Read(*cache, store), "old");

  store.Write("new");
  cache->Invalidate("roster");

  EXPECT_EQ(*Read(*cache, store), "new");
  EXPECT_EQ(store.loads(), 2);
  EXPECT_EQ(Invalidations("written"), 1);
}

TEST_F(RedisCacheTest, ValueIsCachedAgainOnceTheTombstoneExpires) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("old");
  ASSERT_EQ(*Read(*cache, store), "old");
  store.Write("new");
  cache->Invalidate("roster");

  // While the tombstone lives, reads load and do not fill.
  EXPECT_EQ(*Read(*cache, store), "new");
  EXPECT_EQ(*Read(*cache, store), "new");
  EXPECT_EQ(store.loads(), 3);

  absl::SleepFor(kTombstoneTtl + absl::Milliseconds(100));
  EXPECT_EQ(*Read(*cache, store), "new");
  EXPECT_EQ(*Read(*cache, store), "new");
  EXPECT_EQ(store.loads(), 4);
}

TEST_F(RedisCacheTest, LoadStartedBeforeAWriteIsNotJoinedOrCachedAfterIt) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("old");
  absl::Notification loading;
  absl::Notification release;
  absl::StatusOr<std::string> early;
  std::thread early_reader([&] {
    early = cache->GetOrLoad("roster", kTtl, [&] {
      absl::StatusOr<std::string> value = store.Load();
      loading.Notify();
      release.WaitForNotification();
      return value;
    });
  });
  loading.WaitForNotification();
  store.Write("new");
  cache->Invalidate("roster");

  // A read after the write starts its own load instead of waiting for the early one.
  EXPECT_EQ(*Read(*cache, store), "new");
  // The early load finishes after its tombstone has expired: only this process can stop it.
  absl::SleepFor(kTombstoneTtl + absl::Milliseconds(100));
  release.Notify();
  early_reader.join();
  EXPECT_EQ(*early, "old");  // It began before the write: either value is correct for it.

  EXPECT_EQ(*Read(*cache, store), "new");
  EXPECT_EQ(*Read(*cache, store), "new");
  RawRedis raw(redis_->port());
  EXPECT_THAT(raw.Get("test:roster").value_or(""), Not(HasSubstr("old")));
}

TEST_F(RedisCacheTest, LoadRacingWithAnInvalidationFromAnotherProcessDoesNotCacheOldValue) {
  std::unique_ptr<Cache> reader = NewRedisCache(Options());
  std::unique_ptr<Cache> writer = NewRedisCache(Options());
  FakeStore store("old");
  absl::Notification loading;
  absl::Notification release;
  std::thread slow_reader([&] {
    absl::StatusOr<std::string> value = reader->GetOrLoad("roster", kTtl, [&] {
      absl::StatusOr<std::string> loaded = store.Load();
      loading.Notify();
      release.WaitForNotification();
      return loaded;
    });
    EXPECT_EQ(*value, "old");
  });
  loading.WaitForNotification();
  store.Write("new");
  writer->Invalidate("roster");
  release.Notify();  // Its fill (SET NX) now meets the tombstone.
  slow_reader.join();

  RawRedis raw(redis_->port());
  EXPECT_THAT(raw.Get("test:roster").value_or(""), Not(HasSubstr("old")));
  EXPECT_EQ(*Read(*reader, store), "new");
  EXPECT_EQ(*Read(*writer, store), "new");
}

TEST_F(RedisCacheTest, LoadErrorIsReturnedAndNotCached) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  int loads = 0;
  auto load = [&]() -> absl::StatusOr<std::string> {
    if (++loads == 1) return absl::UnavailableError("membership service down");
    return std::string("ada");
  };
  EXPECT_EQ(cache->GetOrLoad("roster", kTtl, load).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(*cache->GetOrLoad("roster", kTtl, load), "ada");
  EXPECT_EQ(*cache->GetOrLoad("roster", kTtl, load), "ada");
  EXPECT_EQ(loads, 2);
}

TEST_F(RedisCacheTest, BinaryKeysAndValuesRoundTrip) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  const std::vector<std::pair<std::string, std::string>> entries = {
      {std::string("nul\0key", 7), std::string("\0\x01\xff\xfe", 4)},
      {"crlf", "line\r\n*3\r\n$3\r\nSET"},
      {"empty", ""},
      {"looks-like-a-tombstone", "t"},
      {"looks-like-a-tag", "v"},
      {"key with spaces \xe2\x9c\x93", std::string(200000, '\0') + "end"},
  };
  for (const auto& [key, value] : entries) {
    FakeStore store(value);
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<std::string> read = Read(*cache, store, key);
      ASSERT_TRUE(read.ok()) << read.status();
      EXPECT_EQ(*read, value) << "key " << key;
    }
    EXPECT_EQ(store.loads(), 1) << "key " << key;
  }
}

TEST_F(RedisCacheTest, KeyPrefixKeepsCachesApart) {
  std::unique_ptr<Cache> membership = NewRedisCache(Options("membership:"));
  std::unique_ptr<Cache> reports = NewRedisCache(Options("reports:"));
  FakeStore roster("roster");
  FakeStore report("report");
  EXPECT_EQ(*Read(*membership, roster, "k"), "roster");
  EXPECT_EQ(*Read(*reports, report, "k"), "report");
  EXPECT_EQ(report.loads(), 1);

  reports->Invalidate("k");
  EXPECT_EQ(*Read(*membership, roster, "k"), "roster");
  EXPECT_EQ(roster.loads(), 1);

  RawRedis raw(redis_->port());
  EXPECT_THAT(raw.Get("membership:k").value_or(""), HasSubstr("roster"));
  EXPECT_FALSE(raw.Get("k").has_value());
}

TEST_F(RedisCacheTest, EntryExpiresAfterItsTtlPlusAtMostTenPercent) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("tally");
  const absl::Duration ttl = absl::Milliseconds(200);
  ASSERT_EQ(*Read(*cache, store, "tally", ttl), "tally");
  RawRedis raw(redis_->port());
  const int64_t remaining = raw.Pttl("test:tally");
  EXPECT_GT(remaining, 0);
  EXPECT_LE(remaining, 220);
  EXPECT_EQ(*Read(*cache, store, "tally", ttl), "tally");
  EXPECT_EQ(store.loads(), 1);

  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(*Read(*cache, store, "tally", ttl), "tally");
  EXPECT_EQ(store.loads(), 2);
}

TEST_F(RedisCacheTest, ConcurrentMissesOfOneKeyShareOneLoad) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  constexpr int kThreads = 16;
  std::atomic<int> loads{0};
  std::atomic<int> entered{0};
  absl::Notification release;
  std::vector<std::thread> readers;
  readers.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    readers.emplace_back([&] {
      entered.fetch_add(1);
      absl::StatusOr<std::string> value = cache->GetOrLoad("heatmap", kTtl, [&] {
        loads.fetch_add(1);
        release.WaitForNotification();
        return absl::StatusOr<std::string>("cells");
      });
      EXPECT_EQ(*value, "cells");
    });
  }
  while (entered.load() < kThreads) absl::SleepFor(absl::Milliseconds(1));
  absl::SleepFor(absl::Milliseconds(150));  // Time for every reader's GET to miss and join.
  release.Notify();
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(loads.load(), 1);
}

TEST_F(RedisCacheTest, ReadsSucceedAndStayFastWhileRedisIsDown) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("ada");
  ASSERT_EQ(*Read(*cache, store), "ada");
  ASSERT_TRUE(redis_->Kill().ok());

  store.Write("grace");
  for (int i = 0; i < 20; ++i) {
    const absl::Time start = absl::Now();
    absl::StatusOr<std::string> value = Read(*cache, store);
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(*value, "grace");
    if (i > 0) {
      EXPECT_LT(absl::Now() - start, absl::Milliseconds(50)) << "read " << i;
    }
  }
  EXPECT_EQ(store.loads(), 21);
  EXPECT_EQ(Requests("error"), 1);
  EXPECT_EQ(Requests("bypass"), 19);
}

TEST_F(RedisCacheTest, ReadsSucceedWithinTheCommandTimeoutWhileRedisHangs) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("ada");
  ASSERT_EQ(*Read(*cache, store), "ada");
  ASSERT_TRUE(redis_->Pause().ok());

  const absl::Time first = absl::Now();
  absl::StatusOr<std::string> value = Read(*cache, store);
  const absl::Duration first_read = absl::Now() - first;
  ASSERT_TRUE(value.ok()) << value.status();
  EXPECT_EQ(*value, "ada");
  EXPECT_GE(first_read, kCommandTimeout - absl::Milliseconds(20));
  EXPECT_LT(first_read, kCommandTimeout + absl::Milliseconds(300));

  // The circuit is open: the next reads do not wait for Redis at all.
  const absl::Time rest = absl::Now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Read(*cache, store).ok());
  EXPECT_LT(absl::Now() - rest, kCommandTimeout);
  EXPECT_EQ(Requests("error"), 1);
  EXPECT_EQ(Requests("bypass"), 20);
}

TEST_F(RedisCacheTest, CacheIsUsedAgainAfterRedisRestartsAndRetryAfterFailurePasses) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("ada");
  ASSERT_EQ(*Read(*cache, store), "ada");
  ASSERT_TRUE(redis_->Kill().ok());
  ASSERT_EQ(*Read(*cache, store), "ada");
  ASSERT_EQ(Requests("error"), 1);
  ASSERT_TRUE(redis_->Restart().ok());

  EXPECT_EQ(*Read(*cache, store), "ada");
  EXPECT_EQ(Requests("bypass"), 1);  // Still inside retry_after_failure.

  clock_.Advance(kRetryAfterFailure);
  EXPECT_EQ(*Read(*cache, store), "ada");  // The restarted Redis is empty: a miss that fills.
  EXPECT_EQ(*Read(*cache, store), "ada");
  EXPECT_EQ(Requests("miss"), 2);
  EXPECT_EQ(Requests("hit"), 1);
  EXPECT_EQ(store.loads(), 4);
}

TEST_F(RedisCacheTest, InvalidationWhileRedisHangsIsWrittenBeforeItsOldValueIsRead) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("old");
  ASSERT_EQ(*Read(*cache, store), "old");
  OpenCircuitWithHungRedis(*cache);

  store.Write("new");
  cache->Invalidate("roster");  // The circuit is open: remembered, not sent.
  EXPECT_EQ(Invalidations("deferred"), 1);
  ASSERT_TRUE(redis_->Resume().ok());
  RawRedis raw(redis_->port());
  ASSERT_THAT(raw.Get("test:roster").value_or(""), HasSubstr("old"));

  EXPECT_EQ(*Read(*cache, store), "new");
  clock_.Advance(kRetryAfterFailure);
  EXPECT_EQ(*Read(*cache, store), "new");
  EXPECT_EQ(*Read(*cache, store), "new");
  EXPECT_THAT(raw.Get("test:roster").value_or(""), Not(HasSubstr("old")));
}

TEST_F(RedisCacheTest, InvalidationLostToACrashIsWrittenAfterRedisIsBack) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("old");
  ASSERT_TRUE(redis_->Kill().ok());
  store.Write("new");
  cache->Invalidate("roster");
  EXPECT_EQ(Invalidations("deferred"), 1);

  // Redis comes back holding the old value, filled by a process that read before the write.
  ASSERT_TRUE(redis_->Restart().ok());
  std::unique_ptr<Cache> other_process = NewRedisCache(Options());
  FakeStore stale("old");
  ASSERT_EQ(*Read(*other_process, stale), "old");

  EXPECT_EQ(*Read(*cache, store), "new");  // Circuit still open: bypassed.
  clock_.Advance(kRetryAfterFailure);
  EXPECT_EQ(*Read(*cache, store), "new");
  EXPECT_EQ(*Read(*other_process, store), "new");
}

TEST_F(RedisCacheTest, TooManyUnwrittenInvalidationsSweepEveryKeyUnderThePrefix) {
  RedisOptions options = Options();
  options.max_pending_invalidations = 2;
  std::unique_ptr<Cache> cache = NewRedisCache(options);
  std::unique_ptr<Cache> other_service = NewRedisCache(Options("other:"));
  FakeStore store("old");
  FakeStore other("other");
  for (const char* key : {"a", "b", "c"}) ASSERT_EQ(*Read(*cache, store, key), "old");
  ASSERT_EQ(*Read(*other_service, other, "a"), "other");
  OpenCircuitWithHungRedis(*cache);

  store.Write("new");
  for (const char* key : {"a", "b", "c"}) cache->Invalidate(key);
  EXPECT_EQ(Invalidations("deferred"), 2);
  EXPECT_EQ(Invalidations("overflowed"), 1);
  ASSERT_TRUE(redis_->Resume().ok());

  clock_.Advance(kRetryAfterFailure);
  for (const char* key : {"a", "b", "c"}) EXPECT_EQ(*Read(*cache, store, key), "new") << key;
  RawRedis raw(redis_->port());
  for (const char* key : {"test:a", "test:b", "test:c"}) {
    EXPECT_THAT(raw.Get(key).value_or(""), Not(HasSubstr("old"))) << key;
  }
  EXPECT_EQ(*Read(*other_service, other, "a"), "other");
  EXPECT_EQ(other.loads(), 1);  // Another prefix is left alone.
}

TEST_F(RedisCacheTest, MetricsCountRequestsInvalidationsAndRoundTrips) {
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("ada");
  ASSERT_TRUE(Read(*cache, store).ok());  // GET, SET NX
  ASSERT_TRUE(Read(*cache, store).ok());  // GET
  cache->Invalidate("roster");            // SET tombstone
  ASSERT_TRUE(Read(*cache, store).ok());  // GET

  EXPECT_EQ(Requests("hit"), 1);
  EXPECT_EQ(Requests("miss"), 2);
  EXPECT_EQ(Requests("error"), 0);
  EXPECT_EQ(Requests("bypass"), 0);
  EXPECT_EQ(Invalidations("written"), 1);
  EXPECT_EQ(Invalidations("deferred"), 0);
  EXPECT_EQ(HistogramCount(*registry_, "coalition_cache_redis_seconds"), 5u);
}

constexpr char kPassword[] = "s3cret-cache-password";
constexpr char kWrongPassword[] = "not-the-cache-password";

// Against a Redis started with --requirepass.
class RedisCachePasswordTest : public RedisCacheTest {
 protected:
  std::string RequiredPassword() const override { return kPassword; }

  // Reads `count` times; each must be served, from Redis or the store.
  void ReadTimes(Cache& cache, FakeStore& store, int count) {
    for (int i = 0; i < count; ++i) {
      absl::StatusOr<std::string> value = Read(cache, store);
      ASSERT_TRUE(value.ok()) << value.status();
      EXPECT_EQ(*value, "ada");
    }
  }
};

TEST_F(RedisCachePasswordTest, RightPasswordIsSentAsAuthAndTheCacheServesHits) {
  RedisOptions options = Options();
  options.password = kPassword;
  std::unique_ptr<Cache> cache = NewRedisCache(options);
  FakeStore store("ada");
  ReadTimes(*cache, store, 3);
  EXPECT_EQ(store.loads(), 1);
  EXPECT_EQ(Requests("hit"), 2);
  cache->Invalidate("roster");
  EXPECT_EQ(Invalidations("written"), 1);
  EXPECT_EQ(Requests("error"), 0);
}

TEST_F(RedisCachePasswordTest, WithoutAPasswordReadsFailOpenToTheStoreAndSayWhy) {
  CapturedLog log;
  std::unique_ptr<Cache> cache = NewRedisCache(Options());
  FakeStore store("ada");
  ReadTimes(*cache, store, 5);
  EXPECT_EQ(store.loads(), 5);
  EXPECT_EQ(Requests("hit"), 0);
  // The first NOAUTH opens the circuit: the others do not pay a round trip for it.
  EXPECT_EQ(Requests("error"), 1);
  EXPECT_EQ(Requests("bypass"), 4);
  cache->Invalidate("roster");  // Never fails the write.
  EXPECT_EQ(Invalidations("deferred"), 1);

  std::vector<std::string> refusals;
  for (const std::string& line : log.Lines()) {
    if (absl::StrContains(line, "refused the cache's credentials")) refusals.push_back(line);
  }
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_THAT(refusals[0], HasSubstr("NOAUTH"));
  EXPECT_THAT(refusals[0], HasSubstr("\"password_set\":false"));
}

TEST_F(RedisCachePasswordTest, WrongPasswordFailsOpenAndIsLoggedOnceWithoutThePassword) {
  CapturedLog log;
  RedisOptions options = Options();
  options.password = kWrongPassword;
  std::unique_ptr<Cache> cache = NewRedisCache(options);
  FakeStore store("ada");
  ReadTimes(*cache, store, 3);
  clock_.Advance(kRetryAfterFailure);
  ReadTimes(*cache, store, 2);  // Tries Redis again: refused again.
  EXPECT_EQ(store.loads(), 5);
  EXPECT_EQ(Requests("hit"), 0);
  EXPECT_EQ(Requests("error"), 2);

  int refusals = 0;
  for (const std::string& line : log.Lines()) {
    EXPECT_THAT(line, Not(HasSubstr(kWrongPassword)));
    EXPECT_THAT(line, Not(HasSubstr(kPassword)));
    if (absl::StrContains(line, "refused the cache's credentials")) {
      ++refusals;
      EXPECT_THAT(line, HasSubstr("\"password_set\":true"));
    }
  }
  EXPECT_EQ(refusals, 1);
  RawRedis raw(redis_->port());
  EXPECT_FALSE(raw.Get("test:roster").has_value());
}

}  // namespace
}  // namespace coalition::cache
