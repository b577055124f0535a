#ifndef COALITION_LIBS_CACHE_CACHE_H_
#define COALITION_LIBS_CACHE_CACHE_H_

#include <memory>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
}

namespace coalition {
class Clock;
}

namespace coalition::cache {

// Cache-aside for what is worth caching (docs/architecture.md#cache): calls to other services,
// aggregates, PostgreSQL reads. Never in front of an indexed SQLite point read.
//
// The cache fails open: when Redis is down, hung or slow, GetOrLoad calls `load` after a short
// timeout and succeeds; Invalidate never fails the write that called it.
class Cache {
 public:
  virtual ~Cache() = default;

  // The cached value of `key`, or `load()`'s result, which is then stored for `ttl` plus a
  // random jitter of up to 10%. Concurrent misses of one key in this process share one load
  // (single flight). Load errors are returned and never cached.
  virtual absl::StatusOr<std::string> GetOrLoad(
      absl::string_view key, absl::Duration ttl,
      absl::FunctionRef<absl::StatusOr<std::string>()> load) = 0;

  // Called after a write has committed to the store. Afterwards no reader sees the value from
  // before the write, even one whose load raced with the write.
  virtual void Invalidate(absl::string_view key) = 0;
};

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  // Sent as AUTH on every new connection when set. A refused password (or a Redis that wants
  // one when none is set) counts as Redis failing: the cache fails open and logs it, without
  // the password.
  std::string password;
  absl::Duration connect_timeout = absl::Milliseconds(100);
  absl::Duration command_timeout = absl::Milliseconds(50);
  // After a failure, Redis is skipped for this long before it is tried again.
  absl::Duration retry_after_failure = absl::Seconds(1);
  int max_idle_connections = 8;
  // Prefixed to every key, e.g. "membership:"; services share one Redis.
  std::string key_prefix;
  // hit/miss/error/latency metrics; may be null.
  std::shared_ptr<prometheus::Registry> registry;
  // How long an invalidation keeps readers from filling a key: it must outlast the slowest
  // load that started before the write (docs/cache.md, "The remaining window").
  absl::Duration tombstone_ttl = absl::Seconds(2);
  // Invalidations that could not reach Redis, kept until written; beyond this many the cache
  // stops using Redis until it has swept every key under key_prefix.
  int max_pending_invalidations = 10000;
  // Drives the retry_after_failure circuit; null means the system clock. Not owned.
  const coalition::Clock* clock = nullptr;
};

// While one is alive on a thread, GetOrLoad on that thread only loads: it neither reads nor
// fills the cache, and counts nothing. Anonymous actions run under one (libs/server/rpc.h), so
// that no key they would touch (a membership check keyed by person, say) records in Redis when
// that person acted, through its TTL or its idle time. Invalidate is unaffected.
class AnonymousScope {
 public:
  explicit AnonymousScope(bool active = true);
  ~AnonymousScope();
  AnonymousScope(const AnonymousScope&) = delete;
  AnonymousScope& operator=(const AnonymousScope&) = delete;

  // Whether the calling thread is inside an active scope.
  static bool Active();

 private:
  bool previous_;
};

// A cache in Redis through hiredis.
std::unique_ptr<Cache> NewRedisCache(const RedisOptions& options);

// No cache at all (no --redis given): every read loads. Still single-flights concurrent loads.
std::unique_ptr<Cache> NewPassThroughCache();

// "HOST:PORT" to options, INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<RedisOptions> ParseRedisAddress(absl::string_view address, absl::string_view field);

}  // namespace coalition::cache

#endif  // COALITION_LIBS_CACHE_CACHE_H_
