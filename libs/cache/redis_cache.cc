#include <hiredis/hiredis.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/cleanup/cleanup.h"
#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/cache/cache.h"
#include "libs/cache/jitter.h"
#include "libs/cache/single_flight.h"
#include "libs/core/clock.h"
#include "libs/telemetry/log.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace coalition::cache {
namespace {

// Every entry starts with a tag byte, so that no cached value, whatever its bytes, can be
// mistaken for a tombstone.
constexpr char kValueTag = 'v';
constexpr absl::string_view kTombstone = "t";

// Pending invalidations written per call, and keys visited per SCAN step of a sweep: each call
// that drains pays a bounded extra round trip or two.
constexpr size_t kDrainBatch = 256;
constexpr absl::string_view kSweepCount = "500";

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;
using Command = std::vector<std::string>;

// hiredis sends with write(2), which raises SIGPIPE on a connection the server has reset. The
// signal is blocked in this thread for the call and a pending one consumed, so a dead Redis
// costs an error, not the process.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&sigpipe_);
    sigaddset(&sigpipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &sigpipe_, &previous_);
  }
  ~ScopedSigpipeBlock() {
    if (!was_pending_) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        const timespec no_wait = {0, 0};
        sigtimedwait(&sigpipe_, nullptr, &no_wait);
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;

 private:
  sigset_t sigpipe_;
  sigset_t previous_;
  bool was_pending_ = false;
};

// SCAN MATCH takes a glob: the prefix must match only itself.
std::string GlobEscape(absl::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return escaped;
}

// Redis's answer when it refuses the connection's credentials: NOAUTH (a password is required
// and none was sent) or WRONGPASS.
bool IsAuthRefusal(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ERROR) return false;
  const absl::string_view text(reply.str, reply.len);
  return absl::StartsWith(text, "NOAUTH") || absl::StartsWith(text, "WRONGPASS");
}

std::string Milliseconds(absl::Duration d) {
  return absl::StrCat(std::max<int64_t>(1, absl::ToInt64Milliseconds(d)));
}

struct Metrics {
  explicit Metrics(prometheus::Registry& registry) {
    auto& requests = prometheus::BuildCounter()
                         .Name("coalition_cache_requests_total")
                         .Help(
                             "Cache reads by result: hit; miss, error (Redis failed) and bypass "
                             "(Redis skipped) are served by loading.")
                         .Register(registry);
    hit = &requests.Add({{"result", "hit"}});
    miss = &requests.Add({{"result", "miss"}});
    error = &requests.Add({{"result", "error"}});
    bypass = &requests.Add({{"result", "bypass"}});
    auto& invalidations = prometheus::BuildCounter()
                              .Name("coalition_cache_invalidations_total")
                              .Help(
                                  "Invalidations by outcome: written (tombstone in Redis), "
                                  "deferred (kept until Redis is back), overflowed (too many "
                                  "deferred: Redis skipped until every key is swept).")
                              .Register(registry);
    written = &invalidations.Add({{"outcome", "written"}});
    deferred = &invalidations.Add({{"outcome", "deferred"}});
    overflowed = &invalidations.Add({{"outcome", "overflowed"}});
    redis_seconds = &prometheus::BuildHistogram()
                         .Name("coalition_cache_redis_seconds")
                         .Help("Redis round trips of the cache, failed ones included.")
                         .Register(registry)
                         .Add({}, prometheus::Histogram::BucketBoundaries{
                                      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                      0.05, 0.1, 0.25, 0.5, 1});
  }

  prometheus::Counter* hit;
  prometheus::Counter* miss;
  prometheus::Counter* error;
  prometheus::Counter* bypass;
  prometheus::Counter* written;
  prometheus::Counter* deferred;
  prometheus::Counter* overflowed;
  prometheus::Histogram* redis_seconds;
};

class RedisCache final : public Cache {
 public:
  explicit RedisCache(const RedisOptions& options)
      : options_(options),
        clock_(options.clock != nullptr ? *options.clock : *SystemClock::Get()),
        metrics_(options.registry != nullptr ? *options.registry : unexported_metrics_) {}

  ~RedisCache() override {
    for (redisContext* context : idle_) redisFree(context);
  }

  absl::StatusOr<std::string> GetOrLoad(
      absl::string_view key, absl::Duration ttl,
      absl::FunctionRef<absl::StatusOr<std::string>()> load) override;

  void Invalidate(absl::string_view key) override;

 private:
  // The circuit: false while Redis is skipped after a failure. Once retry_after_failure has
  // passed, one caller is let through to try it while the others keep skipping it.
  bool MayUseRedis() ABSL_LOCKS_EXCLUDED(mu_);
  // A key whose invalidation has not reached Redis yet must not be read from or filled in it.
  bool MustBypass(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);

  // Sends `commands` in one round trip on a pooled connection. A connection error or timeout
  // frees the connection and opens the circuit; error replies are returned as replies.
  absl::StatusOr<std::vector<Reply>> Run(const std::vector<Command>& commands)
      ABSL_LOCKS_EXCLUDED(mu_);
  // A new connection, authenticated when options_.password is set. UNAVAILABLE when Redis
  // cannot be reached, UNAUTHENTICATED when it refuses the password; the caller records the
  // failure.
  absl::StatusOr<redisContext*> Connect();
  void RecordSuccess() ABSL_LOCKS_EXCLUDED(mu_);
  void RecordFailure() ABSL_LOCKS_EXCLUDED(mu_);
  // Logs, once until Redis next answers, that it refused the cache's credentials. `reply` is
  // Redis's error; the password is never written.
  void ReportAuthRefusal(absl::string_view reply) ABSL_LOCKS_EXCLUDED(mu_);

  Command TombstoneCommand(const std::string& key) const {
    return {"SET", key, std::string(kTombstone), "PX", Milliseconds(options_.tombstone_ttl)};
  }
  void Fill(const std::string& key, const std::string& value, absl::Duration ttl)
      ABSL_LOCKS_EXCLUDED(mu_);
  void Defer(const std::string& key) ABSL_LOCKS_EXCLUDED(mu_);
  // Writes some of the deferred tombstones, or one step of the sweep after an overflow.
  absl::Status DrainPendingInvalidations() ABSL_LOCKS_EXCLUDED(mu_);

  const RedisOptions options_;
  const Clock& clock_;
  // Without a registry the metrics go to one nobody scrapes, so that counting needs no checks.
  prometheus::Registry unexported_metrics_;
  Metrics metrics_;
  SingleFlight flights_;

  absl::Mutex mu_;
  std::vector<redisContext*> idle_ ABSL_GUARDED_BY(mu_);
  bool failing_ ABSL_GUARDED_BY(mu_) = false;
  bool auth_refusal_logged_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time skip_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  // Keys whose tombstone is owed, each with the generation of its latest deferral, so that a
  // tombstone written earlier does not clear a deferral that came after it.
  absl::flat_hash_map<std::string, uint64_t> pending_ ABSL_GUARDED_BY(mu_);
  uint64_t pending_generation_ ABSL_GUARDED_BY(mu_) = 0;
  // After an overflow the owed keys are unknown: every key under the prefix gets a tombstone.
  bool sweep_needed_ ABSL_GUARDED_BY(mu_) = false;
  std::string sweep_cursor_ ABSL_GUARDED_BY(mu_) = "0";
  uint64_t sweep_generation_ ABSL_GUARDED_BY(mu_) = 0;
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  absl::BitGen bit_gen_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::string> RedisCache::GetOrLoad(
    absl::string_view key, absl::Duration ttl,
    absl::FunctionRef<absl::StatusOr<std::string>()> load) {
  if (AnonymousScope::Active()) return load();
  const std::string full_key = absl::StrCat(options_.key_prefix, key);
  if (!MayUseRedis()) {
    metrics_.bypass->Increment();
    return flights_.Do(full_key, load);
  }
  if (!DrainPendingInvalidations().ok()) {
    metrics_.error->Increment();
    return flights_.Do(full_key, load);
  }
  if (MustBypass(full_key)) {
    metrics_.bypass->Increment();
    return flights_.Do(full_key, load);
  }
  absl::StatusOr<std::vector<Reply>> replies = Run({{"GET", full_key}});
  if (!replies.ok() || replies->front()->type == REDIS_REPLY_ERROR) {
    metrics_.error->Increment();
    return flights_.Do(full_key, load);
  }
  const redisReply& reply = *replies->front();
  if (reply.type == REDIS_REPLY_STRING && reply.len > 0 && reply.str[0] == kValueTag) {
    metrics_.hit->Increment();
    return std::string(reply.str + 1, reply.len - 1);
  }
  metrics_.miss->Increment();
  // A tombstone marks a recent write: the entry is left empty until it expires, when no load
  // from before the write should still be running.
  if (reply.type != REDIS_REPLY_NIL) return flights_.Do(full_key, load);
  return flights_.Do(full_key, load, [&](const std::string& value) { Fill(full_key, value, ttl); });
}

void RedisCache::Invalidate(absl::string_view key) {
  const std::string full_key = absl::StrCat(options_.key_prefix, key);
  flights_.Forget(full_key);
  uint64_t generation_at_start;
  {
    absl::MutexLock lock(&mu_);
    generation_at_start = pending_generation_;
  }
  if (MayUseRedis()) {
    absl::StatusOr<std::vector<Reply>> replies = Run({TombstoneCommand(full_key)});
    if (replies.ok() && replies->front()->type != REDIS_REPLY_ERROR) {
      absl::MutexLock lock(&mu_);
      // This tombstone postdates any deferral made before this call began, not later ones.
      auto it = pending_.find(full_key);
      if (it != pending_.end() && it->second <= generation_at_start) pending_.erase(it);
      metrics_.written->Increment();
      return;
    }
  }
  Defer(full_key);
}

bool RedisCache::MayUseRedis() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  if (now < skip_until_) return false;
  if (failing_) skip_until_ = now + options_.retry_after_failure;
  return true;
}

bool RedisCache::MustBypass(const std::string& key) {
  absl::MutexLock lock(&mu_);
  return sweep_needed_ || pending_.contains(key);
}

void RedisCache::RecordSuccess() {
  absl::MutexLock lock(&mu_);
  failing_ = false;
  auth_refusal_logged_ = false;
  skip_until_ = absl::InfinitePast();
}

void RedisCache::RecordFailure() {
  std::vector<redisContext*> idle;
  {
    absl::MutexLock lock(&mu_);
    failing_ = true;
    skip_until_ = clock_.Now() + options_.retry_after_failure;
    // Idle connections lead to the same failed server; keeping them would make the next
    // attempt, after a restart, fail on a dead socket instead of connecting afresh.
    idle.swap(idle_);
  }
  for (redisContext* context : idle) redisFree(context);
}

void RedisCache::ReportAuthRefusal(absl::string_view reply) {
  {
    absl::MutexLock lock(&mu_);
    if (auth_refusal_logged_) return;
    auth_refusal_logged_ = true;
  }
  // Redis does not echo the password today; the redaction keeps it so if one ever does.
  const std::string redacted =
      options_.password.empty() ? std::string(reply)
                                : absl::StrReplaceAll(reply, {{options_.password, "<redacted>"}});
  telemetry::LogWarn(
      "redis refused the cache's credentials; reads go to the store until it accepts them",
      {{"redis", absl::StrCat(options_.host, ":", options_.port)},
       {"password_set", !options_.password.empty()},
       {"reply", redacted}});
}

absl::StatusOr<redisContext*> RedisCache::Connect() {
  redisContext* context = redisConnectWithTimeout(options_.host.c_str(), options_.port,
                                                  absl::ToTimeval(options_.connect_timeout));
  if (context == nullptr || context->err != 0 ||
      redisSetTimeout(context, absl::ToTimeval(options_.command_timeout)) != REDIS_OK) {
    const std::string why = context != nullptr ? context->errstr : "cannot allocate a context";
    if (context != nullptr) redisFree(context);
    return absl::UnavailableError(
        absl::StrCat("redis connect to ", options_.host, ":", options_.port, ": ", why));
  }
  if (options_.password.empty()) return context;
  Reply reply;
  {
    ScopedSigpipeBlock no_sigpipe;
    reply.reset(static_cast<redisReply*>(
        redisCommand(context, "AUTH %b", options_.password.data(), options_.password.size())));
  }
  if (reply == nullptr) {
    const std::string why = context->err != 0 ? context->errstr : "no reply";
    redisFree(context);
    return absl::UnavailableError(absl::StrCat("redis AUTH: ", why));
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    const std::string refusal(reply->str, reply->len);
    redisFree(context);
    ReportAuthRefusal(refusal);
    return absl::UnauthenticatedError("redis refused the password");
  }
  return context;
}

absl::StatusOr<std::vector<Reply>> RedisCache::Run(const std::vector<Command>& commands) {
  redisContext* context = nullptr;
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      context = idle_.back();
      idle_.pop_back();
    }
  }
  if (context == nullptr) {
    absl::StatusOr<redisContext*> connected = Connect();
    if (!connected.ok()) {
      RecordFailure();
      return connected.status();
    }
    context = *connected;
  }

  std::vector<Reply> replies;
  replies.reserve(commands.size());
  bool ok = true;
  const absl::Time start = absl::Now();
  {
    ScopedSigpipeBlock no_sigpipe;
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const Command& command : commands) {
      argv.clear();
      lengths.clear();
      for (const std::string& arg : command) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
      }
      if (redisAppendCommandArgv(context, static_cast<int>(argv.size()), argv.data(),
                                 lengths.data()) != REDIS_OK) {
        ok = false;
        break;
      }
    }
    while (ok && replies.size() < commands.size()) {
      void* reply = nullptr;
      if (redisGetReply(context, &reply) != REDIS_OK || reply == nullptr) {
        ok = false;
        break;
      }
      replies.emplace_back(static_cast<redisReply*>(reply));
    }
  }
  metrics_.redis_seconds->Observe(absl::ToDoubleSeconds(absl::Now() - start));
  // A Redis that wants a password the cache was not given answers every command NOAUTH: that is
  // Redis failing, not a reply, so the circuit opens instead of paying a round trip per read.
  for (const Reply& reply : replies) {
    if (IsAuthRefusal(*reply)) {
      ReportAuthRefusal(absl::string_view(reply->str, reply->len));
      redisFree(context);
      RecordFailure();
      return absl::UnauthenticatedError("redis refused the cache's credentials");
    }
  }
  if (!ok) {
    const std::string why = context->err != 0 ? context->errstr : "no reply";
    redisFree(context);
    RecordFailure();
    return absl::UnavailableError(absl::StrCat("redis: ", why));
  }
  {
    absl::MutexLock lock(&mu_);
    if (static_cast<int>(idle_.size()) < options_.max_idle_connections) {
      idle_.push_back(context);
      context = nullptr;
    }
  }
  if (context != nullptr) redisFree(context);
  RecordSuccess();
  return replies;
}

void RedisCache::Fill(const std::string& key, const std::string& value, absl::Duration ttl) {
  if (ttl <= absl::ZeroDuration()) return;
  absl::Duration expiry;
  {
    absl::MutexLock lock(&mu_);
    if (sweep_needed_ || pending_.contains(key) || clock_.Now() < skip_until_) return;
    expiry = JitteredTtl(ttl, bit_gen_);
  }
  std::string entry;
  entry.reserve(value.size() + 1);
  entry.push_back(kValueTag);
  entry.append(value);
  // NX: a tombstone written since this load began wins over the value the load read.
  Run({{"SET", key, std::move(entry), "PX", Milliseconds(expiry), "NX"}}).IgnoreError();
}

void RedisCache::Defer(const std::string& key) {
  absl::MutexLock lock(&mu_);
  pending_[key] = ++pending_generation_;
  if (pending_.size() <= static_cast<size_t>(std::max(0, options_.max_pending_invalidations))) {
    metrics_.deferred->Increment();
    return;
  }
  pending_.clear();
  sweep_needed_ = true;
  sweep_cursor_ = "0";
  ++sweep_generation_;
  metrics_.overflowed->Increment();
}

absl::Status RedisCache::DrainPendingInvalidations() {
  std::vector<std::pair<std::string, uint64_t>> batch;
  bool sweep;
  std::string cursor;
  uint64_t sweep_generation;
  {
    absl::MutexLock lock(&mu_);
    if (draining_ || (pending_.empty() && !sweep_needed_)) return absl::OkStatus();
    draining_ = true;
    for (const auto& [key, generation] : pending_) {
      if (batch.size() == kDrainBatch) break;
      batch.emplace_back(key, generation);
    }
    sweep = sweep_needed_;
    cursor = sweep_cursor_;
    sweep_generation = sweep_generation_;
  }
  absl::Cleanup done = [this] {
    absl::MutexLock lock(&mu_);
    draining_ = false;
  };

  if (!batch.empty()) {
    std::vector<Command> commands;
    commands.reserve(batch.size());
    for (const auto& [key, generation] : batch) commands.push_back(TombstoneCommand(key));
    absl::StatusOr<std::vector<Reply>> replies = Run(commands);
    if (!replies.ok()) return replies.status();
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < batch.size(); ++i) {
      if ((*replies)[i]->type == REDIS_REPLY_ERROR) continue;
      auto it = pending_.find(batch[i].first);
      if (it != pending_.end() && it->second == batch[i].second) pending_.erase(it);
    }
  }

  if (sweep) {
    absl::StatusOr<std::vector<Reply>> scan =
        Run({{"SCAN", cursor, "MATCH", GlobEscape(options_.key_prefix) + "*", "COUNT",
              std::string(kSweepCount)}});
    if (!scan.ok()) return scan.status();
    const redisReply& reply = *scan->front();
    if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 2 ||
        reply.element[0]->type != REDIS_REPLY_STRING ||
        reply.element[1]->type != REDIS_REPLY_ARRAY) {
      return absl::InternalError("redis: unexpected SCAN reply");
    }
    const std::string next_cursor(reply.element[0]->str, reply.element[0]->len);
    std::vector<Command> commands;
    for (size_t i = 0; i < reply.element[1]->elements; ++i) {
      const redisReply& key = *reply.element[1]->element[i];
      if (key.type == REDIS_REPLY_STRING) {
        commands.push_back(TombstoneCommand(std::string(key.str, key.len)));
      }
    }
    if (!commands.empty()) {
      absl::StatusOr<std::vector<Reply>> replies = Run(commands);
      if (!replies.ok()) return replies.status();
      for (const Reply& written : *replies) {
        // The step is repeated rather than leaving a key untouched.
        if (written->type == REDIS_REPLY_ERROR) return absl::OkStatus();
      }
    }
    absl::MutexLock lock(&mu_);
    // A new overflow during this step restarted the sweep; this step's cursor is stale.
    if (sweep_generation_ == sweep_generation) {
      sweep_cursor_ = next_cursor;
      if (next_cursor == "0") sweep_needed_ = false;
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::unique_ptr<Cache> NewRedisCache(const RedisOptions& options) {
  return std::make_unique<RedisCache>(options);
}

}  // namespace coalition::cache
