#ifndef COALITION_SERVICES_MEETINGS_WATCH_H_
#define COALITION_SERVICES_MEETINGS_WATCH_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.pb.h"
#include "libs/core/clock.h"
#include "libs/server/watch_slots.h"
#include "libs/storage/database.h"
#include "services/meetings/repository.h"

// The WatchCommitmentEvents streams. Created and done events are rows written with the change
// (commitment_events), so every replica's watchers see every write; due-soon and overdue come
// from the clock: each watch notices when the day changes and emits what it brought.
namespace coalition::meetings {

class CommitmentWatch;

// What one watch follows, and how to tell that its caller may still follow it. Settled on the
// handler executor once the caller is authenticated and authorized.
struct CommitmentSubscription {
  std::string network;
  std::string coalition;
  int due_soon_days = 0;
  std::string caller;  // the key's resource name, for the per-caller bound
  // Authenticates and authorizes the caller again: OK while the key is valid and still reads
  // the coalition. Called on the watchers' thread every WatchLimits::recheck_every.
  std::function<absl::Status()> recheck;
};

// Runs every open watch from one thread, which polls the store each `poll` interval. Each watch
// is bounded (server::WatchLimits): open watches per caller and per process, events queued for
// a client that stops reading, and its caller checked again while it lasts.
class CommitmentWatchers {
 public:
  CommitmentWatchers(storage::Database& db, const Clock& clock, absl::TimeZone time_zone,
                     absl::Duration poll, server::WatchLimits limits = {});
  // Ends every open watch (UNAVAILABLE: the server is going away) and stops the thread.
  ~CommitmentWatchers();

  // The watch of call `ctx`, which `subscribe` settles on the handler executor (its error ends
  // the call). It then starts after the newest event so far and on today's date; its response
  // headers are sent then: a client that has them sees every later change. `subscribe` and the
  // subscription's recheck may use `ctx`: the call does not finish while they run. Its final
  // status goes through server::StreamStatus, as a unary call's does.
  grpc::ServerWriteReactor<v1::CommitmentEvent>* Open(
      grpc::CallbackServerContext* ctx,
      std::function<absl::StatusOr<CommitmentSubscription>()> subscribe);

  int open_watches() const { return slots_.open(); }

  // One polling round for every watch; the thread calls it, and tests may.
  void PollAll();
  // Ends every open watch with UNAVAILABLE, and any started later: the server is going away.
  void EndAll();

 private:
  friend class CommitmentWatch;
  using WatchMap = absl::flat_hash_map<CommitmentWatch*, std::shared_ptr<CommitmentWatch>>;
  // On the handler executor: settles the subscription, takes a slot, starts the watch.
  void Begin(const std::shared_ptr<CommitmentWatch>& watch,
             const std::function<absl::StatusOr<CommitmentSubscription>()>& subscribe);
  std::vector<std::shared_ptr<CommitmentWatch>> Snapshot();
  void Remove(CommitmentWatch* watch);
  void Loop();

  storage::Database& db_;
  const Clock& clock_;
  absl::TimeZone time_zone_;
  absl::Duration poll_;
  MeetingsRepository repo_;
  server::WatchSlots slots_;
  absl::Mutex mu_;
  WatchMap watches_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_WATCH_H_
