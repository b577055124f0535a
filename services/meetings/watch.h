#ifndef COALITION_SERVICES_MEETINGS_WATCH_H_
#define COALITION_SERVICES_MEETINGS_WATCH_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/support/server_callback.h>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.pb.h"
#include "libs/core/clock.h"
#include "libs/storage/database.h"
#include "services/meetings/repository.h"

// The WatchCommitmentEvents streams. Created and done events are rows written with the change
// (commitment_events), so every replica's watchers see every write; due-soon and overdue come
// from the clock: each watch notices when the day changes and emits what it brought.
namespace coalition::meetings {

class CommitmentWatch;

// Runs every open watch from one thread, which polls the store each `poll` interval.
class CommitmentWatchers {
 public:
  CommitmentWatchers(storage::Database& db, const Clock& clock, absl::TimeZone time_zone,
                     absl::Duration poll);
  // Ends every open watch (UNAVAILABLE: the server is going away) and stops the thread.
  ~CommitmentWatchers();

  // A watch of one coalition, starting after the newest event so far and on today's date. Its
  // response headers are sent at once: a client that has them sees every later change.
  grpc::ServerWriteReactor<v1::CommitmentEvent>* Start(const std::string& network,
                                                       const std::string& coalition,
                                                       int due_soon_days);
  // A call refused before it started.
  static grpc::ServerWriteReactor<v1::CommitmentEvent>* Refuse(const grpc::Status& status);

  // One polling round for every watch; the thread calls it, and tests may.
  void PollAll();
  // Ends every open watch with UNAVAILABLE, and any started later: the server is going away.
  void EndAll();

 private:
  friend class CommitmentWatch;
  using WatchMap = absl::flat_hash_map<CommitmentWatch*, std::shared_ptr<CommitmentWatch>>;
  std::vector<std::shared_ptr<CommitmentWatch>> Snapshot();
  void Remove(CommitmentWatch* watch);
  void Loop();

  storage::Database& db_;
  const Clock& clock_;
  absl::TimeZone time_zone_;
  absl::Duration poll_;
  MeetingsRepository repo_;
  absl::Mutex mu_;
  WatchMap watches_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_WATCH_H_
