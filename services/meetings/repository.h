#ifndef COALITION_SERVICES_MEETINGS_REPOSITORY_H_
#define COALITION_SERVICES_MEETINGS_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.pb.h"
#include "libs/storage/coalition_table.h"
#include "libs/storage/database.h"

// The meetings service's tables. Every method runs on a Session, so the service decides what
// belongs in one transaction. Loaded resources carry their etag.
namespace coalition::meetings {

using storage::ListQuery;
using storage::Page;
using storage::Session;
using storage::Stored;

// The schema, as versioned migrations of component "meetings".
const std::vector<storage::Migration>& MeetingsMigrations();

struct MeetingTraits {
  using Resource = v1::Meeting;
  static constexpr const char* kTable = "meetings";
  static constexpr const char* kCollection = "meetings";
  static constexpr const char* kOrderColumn = "start_key";  // "<start micros>/<id>"
  static storage::Columns Columns(const v1::Meeting& meeting, const std::string& id);
};
struct OneToOneTraits {
  using Resource = v1::OneToOne;
  static constexpr const char* kTable = "one_to_ones";
  static constexpr const char* kCollection = "oneToOnes";
  static constexpr const char* kOrderColumn = "id";
  static storage::Columns Columns(const v1::OneToOne& one_to_one, const std::string& id);
};
struct CommitmentTraits {
  using Resource = v1::Commitment;
  static constexpr const char* kTable = "commitments";
  static constexpr const char* kCollection = "commitments";
  static constexpr const char* kOrderColumn = "due_key";  // "<due day>/<id>"
  static storage::Columns Columns(const v1::Commitment& commitment, const std::string& id);
};
struct CampaignTraits {
  using Resource = v1::Campaign;
  static constexpr const char* kTable = "campaigns";
  static constexpr const char* kCollection = "campaigns";
  static constexpr const char* kOrderColumn = "id";
  static storage::Columns Columns(const v1::Campaign&, const std::string&) { return {}; }
};
struct AccomplishmentTraits {
  using Resource = v1::Accomplishment;
  static constexpr const char* kTable = "accomplishments";
  static constexpr const char* kCollection = "accomplishments";
  static constexpr const char* kOrderColumn = "day_key";  // "<day>/<id>", listed newest first
  static storage::Columns Columns(const v1::Accomplishment& accomplishment, const std::string& id);
};

using Meetings = storage::CoalitionTable<MeetingTraits>;
using OneToOnes = storage::CoalitionTable<OneToOneTraits>;
using Commitments = storage::CoalitionTable<CommitmentTraits>;
using Campaigns = storage::CoalitionTable<CampaignTraits>;
using Accomplishments = storage::CoalitionTable<AccomplishmentTraits>;

// A message waiting in the transactional outbox: written in the transaction of the change that
// produced it, delivered after commit, deleted once the receiver has it.
struct OutboxMessage {
  std::string network_id;
  std::string id;    // time-ordered
  std::string kind;  // what it is, e.g. "actor-observation"
  std::string body;  // the encoded request to deliver
  int attempts = 0;
  absl::Time create_time;
  absl::Time next_attempt_time;
  std::string last_error;
};

struct OutboxBacklog {
  int64_t count = 0;
  std::optional<absl::Time> oldest;  // nullopt when empty
};

// A coalition's counts for the gauges.
struct CommitmentCounts {
  int64_t open = 0;
  int64_t overdue = 0;
};

class MeetingsRepository {
 public:
  // The coalition's commitments whose due day is in [from, to] (any status), plus those due
  // before `from` that are still open: what a check-in or report has to look at.
  absl::StatusOr<std::vector<v1::Commitment>> CommitmentsForPeriod(Session& s,
                                                                   const std::string& network,
                                                                   const std::string& coalition,
                                                                   absl::CivilDay from,
                                                                   absl::CivilDay to);
  // Open commitments of the coalition due on or before `to`, by due day.
  absl::StatusOr<Page<v1::Commitment>> OpenCommitmentsDueBy(Session& s, const std::string& network,
                                                            const std::string& coalition,
                                                            std::optional<absl::CivilDay> from,
                                                            absl::CivilDay to, const ListQuery& q);
  // A person's commitments across the network's coalitions, by due day. `coalitions`, when
  // set, restricts them to those coalition ids (a caller's scope).
  absl::StatusOr<Page<v1::Commitment>> PersonCommitments(Session& s, const std::string& network,
                                                         const std::string& person,
                                                         v1::Commitment::Status status,
                                                         const std::vector<std::string>* coalitions,
                                                         const ListQuery& q);
  // Every open commitment in the network, for the overload report.
  absl::StatusOr<std::vector<v1::Commitment>> OpenCommitmentsOfNetwork(Session& s,
                                                                       const std::string& network);
  // Commitments made in a meeting, a one-to-one, ... (the source's resource name).
  absl::StatusOr<int64_t> CountCommitmentsFrom(Session& s, const std::string& network,
                                               const std::string& source);
  // Open and overdue (due before `today`) commitments of every coalition, for the gauges.
  absl::StatusOr<CommitmentCounts> CountCommitments(Session& s, absl::CivilDay today);

  // Closed meetings of the coalition that started in [from, to).
  absl::StatusOr<std::vector<v1::Meeting>> MeetingsStartedBetween(Session& s,
                                                                  const std::string& network,
                                                                  const std::string& coalition,
                                                                  absl::Time from, absl::Time to);
  // The latest meeting of the coalition's `team` ("" for the coalition's own meetings) that
  // started before `meeting` (whose id is `id`) and was not cancelled: at most one, for
  // FindPreviousMeeting.
  absl::StatusOr<std::vector<v1::Meeting>> PreviousMeetingOf(Session& s, const std::string& network,
                                                             const std::string& coalition,
                                                             const std::string& id,
                                                             const v1::Meeting& meeting);

  // The outbox.
  absl::Status EnqueueOutbox(Session& s, const OutboxMessage& message);
  // Up to `limit` messages due at `now`, oldest first.
  absl::StatusOr<std::vector<OutboxMessage>> DueOutbox(Session& s, absl::Time now, int limit);
  absl::Status DeleteOutbox(Session& s, const std::string& network, const std::string& id);
  absl::Status RescheduleOutbox(Session& s, const OutboxMessage& message);
  absl::StatusOr<OutboxBacklog> Backlog(Session& s);

  // Commitment events written with the change that caused them (created, done), read by the
  // watchers of a coalition. Keys are a per-coalition sequence handed out in commit order (the
  // counter row stays locked until the event's transaction ends), so a watcher that reads on
  // from its last key misses none, however many replicas write.
  absl::Status AppendCommitmentEvent(Session& s, const std::string& network,
                                     const std::string& coalition,
                                     const v1::CommitmentEvent& event);
  // Events after `after_key` ("" for none), oldest first, with the key of the last one.
  struct EventBatch {
    std::vector<v1::CommitmentEvent> events;
    std::string last_key;
  };
  absl::StatusOr<EventBatch> CommitmentEventsAfter(Session& s, const std::string& network,
                                                   const std::string& coalition,
                                                   const std::string& after_key, int limit);
  // The newest event key of the coalition ("" when none): where a new watcher starts.
  absl::StatusOr<std::string> LatestCommitmentEventKey(Session& s, const std::string& network,
                                                       const std::string& coalition);
  // Removes events older than `before` (watchers only need the recent ones).
  absl::Status PruneCommitmentEvents(Session& s, absl::Time before);
};

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_REPOSITORY_H_
