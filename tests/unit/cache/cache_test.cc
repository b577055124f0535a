#include "libs/cache/cache.h"

#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/cache/jitter.h"
#include "libs/cache/single_flight.h"
#include "libs/core/status.h"
#include "libs/testing/free_port.h"
#include "libs/testing/metrics.h"
#include "libs/testing/temp_dir.h"
#include "prometheus/registry.h"

namespace coalition::cache {
namespace {

constexpr int kThreads = 16;

// Starts `kThreads` readers of one key whose load blocks until every reader has called
// GetOrLoad, so that all of them overlap the one load.
std::vector<absl::StatusOr<std::string>> ReadConcurrently(Cache& cache, std::atomic<int>& loads,
                                                          absl::StatusOr<std::string> loaded) {
  std::atomic<int> entered{0};
  absl::Notification release;
  std::vector<absl::StatusOr<std::string>> results(kThreads);
  std::vector<std::thread> readers;
  readers.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    readers.emplace_back([&, i] {
      entered.fetch_add(1);
      results[i] = cache.GetOrLoad("roster", absl::Seconds(10), [&] {
        loads.fetch_add(1);
        release.WaitForNotification();
        return loaded;
      });
    });
  }
  while (entered.load() < kThreads) absl::SleepFor(absl::Milliseconds(1));
  // Entering is a few instructions before joining the flight; this leaves ample time for it.
  absl::SleepFor(absl::Milliseconds(100));
  release.Notify();
  for (std::thread& reader : readers) reader.join();
  return results;
}

TEST(PassThroughCacheTest, ConcurrentReadsOfOneKeyShareOneLoad) {
  std::unique_ptr<Cache> cache = NewPassThroughCache();
  std::atomic<int> loads{0};
  std::vector<absl::StatusOr<std::string>> results =
      ReadConcurrently(*cache, loads, std::string("ada,grace"));
  EXPECT_EQ(loads.load(), 1);
  for (const absl::StatusOr<std::string>& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(*result, "ada,grace");
  }
}

TEST(PassThroughCacheTest, WaitersGetTheSameLoadError) {
  std::unique_ptr<Cache> cache = NewPassThroughCache();
  std::atomic<int> loads{0};
  const absl::Status error = absl::UnavailableError("membership service down");
  std::vector<absl::StatusOr<std::string>> results = ReadConcurrently(*cache, loads, error);
  EXPECT_EQ(loads.load(), 1);
  for (const absl::StatusOr<std::string>& result : results) EXPECT_EQ(result.status(), error);
}

TEST(PassThroughCacheTest, EveryReadLoadsOnceThePreviousLoadIsDone) {
  std::unique_ptr<Cache> cache = NewPassThroughCache();
  int loads = 0;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::string> value = cache->GetOrLoad("tally", absl::Seconds(10), [&] {
      ++loads;
      return absl::StatusOr<std::string>(std::to_string(loads));
    });
    ASSERT_TRUE(value.ok());
    EXPECT_EQ(*value, std::to_string(i + 1));
  }
  EXPECT_EQ(loads, 3);
}

TEST(PassThroughCacheTest, ReadAfterInvalidateDoesNotJoinALoadStartedBeforeIt) {
  std::unique_ptr<Cache> cache = NewPassThroughCache();
  std::string store = "old";
  absl::Notification loading;
  absl::Notification release;
  absl::StatusOr<std::string> early;
  std::thread early_reader([&] {
    early = cache->GetOrLoad("heatmap", absl::Seconds(10), [&] {
      absl::StatusOr<std::string> read = store;
      loading.Notify();
      release.WaitForNotification();
      return read;
    });
  });
  loading.WaitForNotification();
  store = "new";
  cache->Invalidate("heatmap");

  absl::StatusOr<std::string> late = cache->GetOrLoad(
      "heatmap", absl::Seconds(10), [&] { return absl::StatusOr<std::string>(store); });
  release.Notify();
  early_reader.join();

  ASSERT_TRUE(late.ok());
  EXPECT_EQ(*late, "new");
  ASSERT_TRUE(early.ok());
  EXPECT_EQ(*early, "old");  // It began before the write: either value is correct for it.
}

TEST(SingleFlightTest, ValueIsNotStoredWhenTheKeyWasForgottenDuringTheLoad) {
  SingleFlight flights;
  std::vector<std::string> stored;
  absl::StatusOr<std::string> result = flights.Do(
      "k",
      [&] {
        flights.Forget("k");
        return absl::StatusOr<std::string>("old");
      },
      [&](const std::string& value) { stored.push_back(value); });
  EXPECT_EQ(*result, "old");
  EXPECT_TRUE(stored.empty());

  result = flights.Do(
      "k", [] { return absl::StatusOr<std::string>("new"); },
      [&](const std::string& value) { stored.push_back(value); });
  EXPECT_THAT(stored, ::testing::ElementsAre("new"));
}

TEST(SingleFlightTest, LoadErrorIsNotStored) {
  SingleFlight flights;
  bool stored = false;
  absl::StatusOr<std::string> result = flights.Do(
      "k", [] { return absl::StatusOr<std::string>(absl::InternalError("boom")); },
      [&](const std::string&) { stored = true; });
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_FALSE(stored);
}

TEST(ParseRedisAddressTest, AcceptsHostAndPort) {
  absl::StatusOr<RedisOptions> options = ParseRedisAddress("redis.internal:6380", "redis");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->host, "redis.internal");
  EXPECT_EQ(options->port, 6380);

  options = ParseRedisAddress("127.0.0.1:6379", "redis");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->host, "127.0.0.1");
  EXPECT_EQ(options->port, 6379);
}

TEST(ParseRedisAddressTest, AcceptsBracketedIpv6Host) {
  absl::StatusOr<RedisOptions> options = ParseRedisAddress("[::1]:6379", "redis");
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->host, "::1");
  EXPECT_EQ(options->port, 6379);
}

class ParseRedisAddressRejectsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ParseRedisAddressRejectsTest, BadAddressIsInvalidArgumentNamingTheField) {
  absl::StatusOr<RedisOptions> options = ParseRedisAddress(GetParam(), "cache.redis_address");
  ASSERT_EQ(options.status().code(), absl::StatusCode::kInvalidArgument) << GetParam();
  std::vector<FieldViolation> violations = FieldViolationsOf(options.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "cache.redis_address");
  EXPECT_FALSE(violations[0].description.empty());
}

INSTANTIATE_TEST_SUITE_P(BadForms, ParseRedisAddressRejectsTest,
                         ::testing::Values("", "redis", ":6379", "redis:", "redis:port", "redis:0",
                                           "redis:65536", "redis:-1", "redis:+80", "redis: 80",
                                           "redis:123456", "::1:6379", "[]:6379", "re dis:6379"));

TEST(JitteredTtlTest, AddsBetweenZeroAndTenPercent) {
  std::mt19937 gen(42);
  const absl::Duration ttl = absl::Seconds(60);
  absl::Duration shortest = absl::InfiniteDuration();
  absl::Duration longest = absl::ZeroDuration();
  for (int i = 0; i < 10000; ++i) {
    const absl::Duration jittered = JitteredTtl(ttl, gen);
    shortest = std::min(shortest, jittered);
    longest = std::max(longest, jittered);
  }
  EXPECT_GE(shortest, ttl);
  EXPECT_LE(longest, ttl + absl::Seconds(6));
  // Spread over the range, not stuck at one end.
  EXPECT_LT(shortest, ttl + absl::Milliseconds(600));
  EXPECT_GT(longest, ttl + absl::Milliseconds(5400));
}

TEST(JitteredTtlTest, LeavesANonPositiveTtlAlone) {
  std::mt19937 gen(7);
  EXPECT_EQ(JitteredTtl(absl::ZeroDuration(), gen), absl::ZeroDuration());
  EXPECT_EQ(JitteredTtl(-absl::Seconds(1), gen), -absl::Seconds(1));
}

TEST(RedisCacheWithoutRedisTest, ReadsSucceedWhenNothingListens) {
  const int port = coalition::testing::PickFreePort();
  ASSERT_GT(port, 0);
  RedisOptions options;
  options.port = port;  // Nothing listens there: connections are refused.
  options.registry = std::make_shared<prometheus::Registry>();
  std::unique_ptr<Cache> cache = NewRedisCache(options);

  int loads = 0;
  for (int i = 0; i < 5; ++i) {
    absl::StatusOr<std::string> value = cache->GetOrLoad("norms", absl::Seconds(10), [&] {
      ++loads;
      return absl::StatusOr<std::string>("p50=3");
    });
    ASSERT_TRUE(value.ok()) << value.status();
    EXPECT_EQ(*value, "p50=3");
  }
  cache->Invalidate("norms");
  EXPECT_EQ(loads, 5);
  const prometheus::Registry& registry = *options.registry;
  const char* requests = "coalition_cache_requests_total";
  EXPECT_EQ(coalition::testing::CounterValue(registry, requests, {{"result", "error"}}), 1);
  EXPECT_EQ(coalition::testing::CounterValue(registry, requests, {{"result", "bypass"}}), 4);
  EXPECT_EQ(coalition::testing::CounterValue(registry, "coalition_cache_invalidations_total",
                                             {{"outcome", "deferred"}}),
            1);
}

TEST(TempDirTest, DirectoryAndContentsAreRemovedOnDestruction) {
  std::string path;
  {
    absl::StatusOr<coalition::testing::TempDir> dir =
        coalition::testing::TempDir::Create("cache-test");
    ASSERT_TRUE(dir.ok()) << dir.status();
    path = dir->path();
    ASSERT_EQ(mkdir((path + "/nested").c_str(), 0700), 0);
    struct stat info;
    ASSERT_EQ(stat(path.c_str(), &info), 0);
  }
  struct stat info;
  EXPECT_NE(stat(path.c_str(), &info), 0);
}

}  // namespace
}  // namespace coalition::cache
