#include "services/meetings/watch.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/server/executor.h"
#include "libs/server/unary.h"
#include "libs/telemetry/log.h"
#include "services/meetings/domain/commitments.h"

namespace coalition::meetings {
namespace {

// Events read per poll: a burst beyond this is picked up by the next polls.
constexpr int kEventsPerPoll = 200;
// Open commitments looked at for the clock's events; a coalition has far fewer.
constexpr int kClockCommitments = 5000;

}  // namespace

class CommitmentWatch final : public grpc::ServerWriteReactor<v1::CommitmentEvent> {
 public:
  CommitmentWatch(CommitmentWatchers* owner, const server::WatchLimits& limits,
                  grpc::CallbackServerContext* ctx)
      : owner_(owner), limits_(limits), ctx_(ctx), start_(std::chrono::steady_clock::now()) {}

  // Once the caller is known: what to follow, from where, and the slot it holds; then sends the
  // response headers. Polls begin after this; until then they pass the watch by.
  void Activate(CommitmentSubscription subscription, std::string last_key, absl::CivilDay today,
                std::unique_ptr<server::WatchSlots::Slot> slot, absl::Time now) {
    subscription_ = std::move(subscription);
    last_key_ = std::move(last_key);
    day_ = today;
    slot_ = std::move(slot);
    checked_ = now;
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;  // ended meanwhile (the client left, the server drains)
      active_ = true;
      writing_ = true;
    }
    // The headers say that the watch is live: every change committed after they reach the
    // client is in the stream. Nothing is written before they are sent.
    StartSendInitialMetadata();
  }

  // New events since the last poll, and the clock's when the day has changed; first, when it is
  // due, whether the caller may still watch. Runs on the watchers' thread only, so the read
  // position, day and checks need no lock.
  void Poll(storage::Database& db, MeetingsRepository& repo, absl::Time now, absl::CivilDay today) {
    {
      absl::MutexLock lock(&mu_);
      if (!active_ || finished_) return;
    }
    if (!CallerStillAllowed(now)) return;
    std::vector<v1::CommitmentEvent> found;
    std::string next_key;
    absl::Status status = db.Read([&](storage::Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto batch,
                       repo.CommitmentEventsAfter(s, subscription_.network, subscription_.coalition,
                                                  last_key_, kEventsPerPoll));
      found = std::move(batch.events);
      next_key = std::move(batch.last_key);
      if (today <= day_) return absl::OkStatus();
      ASSIGN_OR_RETURN(auto open,
                       repo.OpenCommitmentsDueBy(s, subscription_.network, subscription_.coalition,
                                                 day_, today + subscription_.due_soon_days,
                                                 {"", kClockCommitments, false}));
      for (v1::CommitmentEvent& event :
           ClockEvents(open.items, day_, today, subscription_.due_soon_days, now)) {
        found.push_back(std::move(event));
      }
      return absl::OkStatus();
    });
    if (!status.ok()) {
      // The store is away for a moment: the next poll reads from the same position and day.
      telemetry::LogWarn("watch poll failed",
                         {{"coalition", subscription_.coalition}, {"error", status.ToString()}});
      return;
    }
    last_key_ = std::move(next_key);
    day_ = std::max(day_, today);
    bool overflow;
    {
      absl::MutexLock lock(&mu_);
      for (v1::CommitmentEvent& event : found) queue_.push_back(std::move(event));
      overflow = queue_.size() > static_cast<size_t>(limits_.max_queued_events);
    }
    if (overflow) {
      // A client that stopped reading would otherwise hold the server's memory without end.
      End(absl::ResourceExhaustedError(absl::StrCat("the watcher fell more than ",
                                                    limits_.max_queued_events,
                                                    " events behind; watch again to resume")));
      return;
    }
    WriteNext();
  }

  // Finishes once; with a write in flight or the call's context held, when the last ends.
  // gRPC is called without the lock.
  void End(absl::Status status) {
    std::optional<absl::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
      pending_finish_ = std::move(status);
      finish = TakeFinish();
    }
    if (finish) FinishCall(*finish);
  }

  // Keeps the call's context usable on this thread until Release: the call does not finish,
  // so gRPC does not free the context, meanwhile. False when the watch has already finished.
  bool Hold() {
    absl::MutexLock lock(&mu_);
    if (finished_) return false;
    ++holds_;
    return true;
  }
  void Release() {
    std::optional<absl::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      --holds_;
      finish = TakeFinish();
    }
    if (finish) FinishCall(*finish);
  }

  void OnSendInitialMetadataDone(bool ok) override { OperationDone(ok, false); }
  void OnWriteDone(bool ok) override { OperationDone(ok, true); }

  void OnCancel() override { End(absl::CancelledError("cancelled")); }

  // May drop the last reference to this watch: nothing touches it afterwards.
  void OnDone() override { owner_->Remove(this); }

 private:
  // The headers or a write completed: finish if asked meanwhile, else write what is queued.
  void OperationDone(bool ok, bool wrote) {
    std::optional<absl::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (ok && wrote) queue_.pop_front();
      if (!ok && !finished_) {
        finished_ = true;
        pending_finish_ = absl::CancelledError("the watcher went away");
      }
      finish = TakeFinish();
    }
    if (finish) {
      FinishCall(*finish);
      return;
    }
    WriteNext();
  }

  // The status to finish with, once it is asked for and nothing is in flight.
  std::optional<absl::Status> TakeFinish() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (writing_ || holds_ > 0 || !pending_finish_) return std::nullopt;
    std::optional<absl::Status> finish = std::move(pending_finish_);
    pending_finish_.reset();
    return finish;
  }

  void FinishCall(const absl::Status& status) {
    Finish(server::StreamStatus(ctx_, start_, status));
  }

  // Whether the caller's key is still valid and still reads the coalition, asked every
  // recheck_every; ends the watch when it is not. A check that cannot be made (membership
  // away) is tried again at the next poll, for up to another recheck_every.
  bool CallerStillAllowed(absl::Time now) {
    if (now - checked_ < limits_.recheck_every) return true;
    if (!Hold()) return false;
    absl::Status allowed = subscription_.recheck();
    Release();
    if (allowed.ok()) {
      checked_ = now;
      return true;
    }
    const bool denied = allowed.code() == absl::StatusCode::kUnauthenticated ||
                        allowed.code() == absl::StatusCode::kPermissionDenied;
    if (!denied && now - checked_ < 2 * limits_.recheck_every) return true;
    End(denied
            ? allowed
            : absl::UnavailableError("the caller's key could not be checked again; watch again"));
    return false;
  }

  void WriteNext() {
    const v1::CommitmentEvent* next = nullptr;
    {
      absl::MutexLock lock(&mu_);
      if (writing_ || finished_ || queue_.empty()) return;
      writing_ = true;
      next = &queue_.front();  // push_back keeps references to a deque's elements valid
    }
    StartWrite(next);
  }

  CommitmentWatchers* owner_;
  const server::WatchLimits limits_;
  grpc::CallbackServerContext* const ctx_;  // valid until OnDone
  const std::chrono::steady_clock::time_point start_;
  // Set once by Activate, then used by the watchers' thread only.
  CommitmentSubscription subscription_;
  std::string last_key_;
  absl::CivilDay day_;
  std::unique_ptr<server::WatchSlots::Slot> slot_;
  absl::Time checked_;  // when the caller was last found allowed
  absl::Mutex mu_;
  bool active_ ABSL_GUARDED_BY(mu_) = false;
  std::deque<v1::CommitmentEvent> queue_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;  // the headers or a write are in flight
  int holds_ ABSL_GUARDED_BY(mu_) = 0;         // threads using the call's context (Hold)
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<absl::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
};

CommitmentWatchers::CommitmentWatchers(storage::Database& db, const Clock& clock,
                                       absl::TimeZone time_zone, absl::Duration poll,
                                       server::WatchLimits limits)
    : db_(db), clock_(clock), time_zone_(time_zone), poll_(poll), slots_(limits) {
  thread_ = std::thread([this] { Loop(); });
}

CommitmentWatchers::~CommitmentWatchers() {
  EndAll();
  stop_.Notify();
  thread_.join();
  // Each ended watch removes itself once gRPC is done with it.
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(
                           +[](WatchMap* watches) { return watches->empty(); }, &watches_),
                       absl::Seconds(5));
}

void CommitmentWatchers::EndAll() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (const auto& watch : Snapshot()) {
    watch->End(absl::UnavailableError("the server is shutting down"));
  }
}

grpc::ServerWriteReactor<v1::CommitmentEvent>* CommitmentWatchers::Open(
    grpc::CallbackServerContext* ctx,
    std::function<absl::StatusOr<CommitmentSubscription>()> subscribe) {
  auto watch = std::make_shared<CommitmentWatch>(this, slots_.limits(), ctx);
  bool stopping;
  {
    absl::MutexLock lock(&mu_);
    watches_[watch.get()] = watch;
    stopping = stopping_;
  }
  if (stopping) {
    watch->End(absl::UnavailableError("the server is shutting down"));
    return watch.get();
  }
  // Authenticating and reading the store block: not on gRPC's thread. The task's reference
  // keeps the watch alive even if the client leaves first.
  if (!server::HandlerExecutor().TrySubmit(
          [this, watch, subscribe = std::move(subscribe)] { Begin(watch, subscribe); })) {
    watch->End(server::BusyError());
  }
  return watch.get();
}

void CommitmentWatchers::Begin(
    const std::shared_ptr<CommitmentWatch>& watch,
    const std::function<absl::StatusOr<CommitmentSubscription>()>& subscribe) {
  if (!watch->Hold()) return;
  absl::StatusOr<CommitmentSubscription> subscription = subscribe();
  watch->Release();
  if (!subscription.ok()) {
    watch->End(subscription.status());
    return;
  }
  absl::StatusOr<std::unique_ptr<server::WatchSlots::Slot>> slot =
      slots_.Acquire(subscription->caller);
  if (!slot.ok()) {
    watch->End(slot.status());
    return;
  }
  absl::StatusOr<std::string> last_key;
  absl::Status status = db_.Read([&](storage::Session& s) -> absl::Status {
    last_key = repo_.LatestCommitmentEventKey(s, subscription->network, subscription->coalition);
    return last_key.status();
  });
  if (!status.ok()) {
    watch->End(status);
    return;
  }
  const absl::Time now = clock_.Now();
  watch->Activate(*std::move(subscription), *std::move(last_key), absl::ToCivilDay(now, time_zone_),
                  *std::move(slot), now);
}

void CommitmentWatchers::PollAll() {
  const absl::Time now = clock_.Now();
  const absl::CivilDay today = absl::ToCivilDay(now, time_zone_);
  // The references taken here keep each watch alive through its poll, even past its OnDone.
  for (const auto& watch : Snapshot()) watch->Poll(db_, repo_, now, today);
}

std::vector<std::shared_ptr<CommitmentWatch>> CommitmentWatchers::Snapshot() {
  absl::MutexLock lock(&mu_);
  std::vector<std::shared_ptr<CommitmentWatch>> out;
  out.reserve(watches_.size());
  for (const auto& [unused, watch] : watches_) out.push_back(watch);
  return out;
}

void CommitmentWatchers::Remove(CommitmentWatch* watch) {
  std::shared_ptr<CommitmentWatch> last;  // released after the lock
  absl::MutexLock lock(&mu_);
  auto it = watches_.find(watch);
  if (it == watches_.end()) return;
  last = std::move(it->second);
  watches_.erase(it);
}

void CommitmentWatchers::Loop() {
  while (!stop_.WaitForNotificationWithTimeout(poll_)) PollAll();
}

}  // namespace coalition::meetings
