#include "services/meetings/watch.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/telemetry/log.h"
#include "services/meetings/domain/commitments.h"

namespace coalition::meetings {
namespace {

// Events read per poll: a burst beyond this is picked up by the next polls.
constexpr int kEventsPerPoll = 200;
// Open commitments looked at for the clock's events; a coalition has far fewer.
constexpr int kClockCommitments = 5000;

// A call ended before it began (bad request, no permission).
class RefusedWatch final : public grpc::ServerWriteReactor<v1::CommitmentEvent> {
 public:
  explicit RefusedWatch(const grpc::Status& status) { Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace

class CommitmentWatch final : public grpc::ServerWriteReactor<v1::CommitmentEvent> {
 public:
  CommitmentWatch(CommitmentWatchers* owner, std::string network, std::string coalition,
                  int due_soon_days, std::string last_key, absl::CivilDay today)
      : owner_(owner),
        network_(std::move(network)),
        coalition_(std::move(coalition)),
        due_soon_days_(due_soon_days),
        last_key_(std::move(last_key)),
        day_(today) {}

  // New events since the last poll, and the clock's when the day has changed. Runs on the
  // watchers' thread only, so the read position and day need no lock.
  void Poll(storage::Database& db, MeetingsRepository& repo, absl::Time now, absl::CivilDay today) {
    if (finished()) return;
    std::vector<v1::CommitmentEvent> found;
    std::string next_key;
    absl::Status status = db.Read([&](storage::Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto batch, repo.CommitmentEventsAfter(s, network_, coalition_, last_key_,
                                                              kEventsPerPoll));
      found = std::move(batch.events);
      next_key = std::move(batch.last_key);
      if (today <= day_) return absl::OkStatus();
      ASSIGN_OR_RETURN(auto open, repo.OpenCommitmentsDueBy(s, network_, coalition_, day_,
                                                            today + due_soon_days_,
                                                            {"", kClockCommitments, false}));
      for (v1::CommitmentEvent& event : ClockEvents(open.items, day_, today, due_soon_days_, now)) {
        found.push_back(std::move(event));
      }
      return absl::OkStatus();
    });
    if (!status.ok()) {
      // The store is away for a moment: the next poll reads from the same position and day.
      telemetry::LogWarn("watch poll failed",
                         {{"coalition", coalition_}, {"error", status.ToString()}});
      return;
    }
    last_key_ = std::move(next_key);
    day_ = std::max(day_, today);
    {
      absl::MutexLock lock(&mu_);
      for (v1::CommitmentEvent& event : found) queue_.push_back(std::move(event));
    }
    WriteNext();
  }

  bool finished() {
    absl::MutexLock lock(&mu_);
    return finished_;
  }

  // Finishes once; with a write in flight, when it completes. gRPC is called without the lock.
  void End(const grpc::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
      if (writing_) {
        pending_finish_ = status;
        return;
      }
    }
    Finish(status);
  }

  // The headers say that the watch is live: every change committed after they reach the client
  // is in the stream. Nothing is written before they are sent.
  void SendHeaders() {
    {
      absl::MutexLock lock(&mu_);
      writing_ = true;
    }
    StartSendInitialMetadata();
  }

  void OnSendInitialMetadataDone(bool ok) override { OperationDone(ok, false); }
  void OnWriteDone(bool ok) override { OperationDone(ok, true); }

  void OnCancel() override { End(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")); }

  // May drop the last reference to this watch: nothing touches it afterwards.
  void OnDone() override { owner_->Remove(this); }

 private:
  // The headers or a write completed: finish if asked meanwhile, else write what is queued.
  void OperationDone(bool ok, bool wrote) {
    std::optional<grpc::Status> finish;
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (ok && wrote) queue_.pop_front();
      if (pending_finish_) {
        finish = std::move(pending_finish_);
        pending_finish_.reset();
      } else if (!ok && !finished_) {
        finished_ = true;
        finish = grpc::Status(grpc::StatusCode::CANCELLED, "the watcher went away");
      }
    }
    if (finish) {
      Finish(*finish);
      return;
    }
    WriteNext();
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
  const std::string network_;
  const std::string coalition_;
  const int due_soon_days_;
  std::string last_key_;
  absl::CivilDay day_;
  absl::Mutex mu_;
  std::deque<v1::CommitmentEvent> queue_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;  // the headers or a write are in flight
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  std::optional<grpc::Status> pending_finish_ ABSL_GUARDED_BY(mu_);
};

CommitmentWatchers::CommitmentWatchers(storage::Database& db, const Clock& clock,
                                       absl::TimeZone time_zone, absl::Duration poll)
    : db_(db), clock_(clock), time_zone_(time_zone), poll_(poll) {
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
    watch->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
  }
}

grpc::ServerWriteReactor<v1::CommitmentEvent>* CommitmentWatchers::Start(
    const std::string& network, const std::string& coalition, int due_soon_days) {
  absl::StatusOr<std::string> last_key;
  absl::Status status = db_.Read([&](storage::Session& s) -> absl::Status {
    last_key = repo_.LatestCommitmentEventKey(s, network, coalition);
    return last_key.status();
  });
  if (!status.ok()) return Refuse(ToGrpcStatus(status));
  auto watch = std::make_shared<CommitmentWatch>(this, network, coalition, due_soon_days, *last_key,
                                                 absl::ToCivilDay(clock_.Now(), time_zone_));
  watch->SendHeaders();
  bool stopping;
  {
    absl::MutexLock lock(&mu_);
    watches_[watch.get()] = watch;
    stopping = stopping_;
  }
  if (stopping) {
    watch->End(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down"));
  }
  return watch.get();
}

grpc::ServerWriteReactor<v1::CommitmentEvent>* CommitmentWatchers::Refuse(
    const grpc::Status& status) {
  return new RefusedWatch(status);
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
