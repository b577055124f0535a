#ifndef COALITION_SERVICES_MEETINGS_BACKGROUND_H_
#define COALITION_SERVICES_MEETINGS_BACKGROUND_H_

#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "libs/clients/membership.h"
#include "libs/core/clock.h"
#include "libs/storage/database.h"
#include "services/meetings/repository.h"

namespace prometheus {
class Counter;
class Gauge;
class Registry;
}  // namespace prometheus

// What the meetings service does on its own time: delivers the outbox to membership, keeps the
// gauges of open and overdue commitments and of the outbox backlog, and prunes old events.
namespace coalition::meetings {

// The outbox kind of a RecordActorObservationRequest for membership.
inline constexpr char kActorObservation[] = "actor-observation";

class BackgroundWork {
 public:
  struct Options {
    absl::TimeZone time_zone = absl::UTCTimeZone();
    absl::Duration poll = absl::Seconds(1);  // how often the outbox is looked at
    absl::Duration gauge_interval = absl::Seconds(15);
    absl::Duration first_retry = absl::Seconds(1);  // doubled per failed attempt...
    absl::Duration max_retry = absl::Minutes(5);    // ...up to this
    int batch = 32;
    absl::Duration keep_events = absl::Hours(24 * 7);
  };
  // `registry` may be null (no metrics).
  BackgroundWork(storage::Database& db, const Clock& clock, clients::Membership& membership,
                 prometheus::Registry* registry, Options options);
  ~BackgroundWork();

  // Runs the loop on a thread until destruction.
  void Start();
  // Looks at the outbox now instead of at the next poll (after a commit that enqueued).
  void Wake();

  // One delivery round over the messages due now: each is sent once; delivered (and dropped)
  // ones are deleted, failed ones are retried later with exponential backoff. Returns how many
  // were delivered.
  absl::StatusOr<int> DeliverDue();
  // Sets the gauges from the store.
  absl::Status RefreshGauges();

 private:
  void Loop();
  enum class Outcome { kDelivered, kDropped };
  // kDelivered when the receiver has it; kDropped (logged) when it never can take it; an error
  // when it cannot now, so the message is tried again later.
  absl::StatusOr<Outcome> Deliver(const OutboxMessage& message);

  storage::Database& db_;
  const Clock& clock_;
  clients::Membership& membership_;
  Options options_;
  MeetingsRepository repo_;

  prometheus::Gauge* backlog_ = nullptr;
  prometheus::Gauge* oldest_age_ = nullptr;
  prometheus::Gauge* open_ = nullptr;
  prometheus::Gauge* overdue_ = nullptr;
  prometheus::Counter* delivered_ = nullptr;
  prometheus::Counter* retried_ = nullptr;
  prometheus::Counter* dropped_ = nullptr;

  absl::Mutex mu_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_BACKGROUND_H_
