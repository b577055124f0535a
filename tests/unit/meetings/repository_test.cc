// The meetings repository on every test backend (tests/unit/storage/test_backends.h): the
// coalition tables, the date-keyed queries, the outbox and the commitment events.
#include "services/meetings/repository.h"

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/core/ids.h"
#include "libs/core/proto_body.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "services/meetings/domain/commitments.h"
#include "tests/unit/storage/test_backends.h"

namespace coalition::meetings {
namespace {

using storage::Database;
using storage::testing::ConformanceBackend;
using storage::testing::ConformanceBackendName;

constexpr char kNetwork[] = "n1";
constexpr char kCoalition[] = "c1";

using storage::testing::IsOk;

class MeetingsRepositoryTest : public ::testing::TestWithParam<ConformanceBackend> {
 protected:
  void SetUp() override {
    auto db = GetParam().open({});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(IsOk(db_->Migrate("meetings", MeetingsMigrations())));
  }

  v1::Commitment Commitment(const std::string& id, const std::string& coalition,
                            const std::string& person, absl::CivilDay due,
                            v1::Commitment::Status status) {
    v1::Commitment c;
    c.set_name(absl::StrCat("networks/", kNetwork, "/coalitions/", coalition, "/commitments/", id));
    c.set_person(person);
    c.set_what("call " + id);
    *c.mutable_due_date() = ToDate(due);
    c.set_status(status);
    c.mutable_source()->set_kind(v1::CommitmentSource::MANUAL);
    return c;
  }

  void Insert(const std::string& id, const std::string& coalition, const std::string& person,
              absl::CivilDay due, v1::Commitment::Status status) {
    ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) {
      return Commitments::Insert(s, kNetwork, coalition, id,
                                 Commitment(id, coalition, person, due, status));
    })));
  }

  std::vector<std::string> Names(const std::vector<v1::Commitment>& commitments) {
    std::vector<std::string> names;
    for (const auto& c : commitments) names.push_back(c.name().substr(c.name().rfind('/') + 1));
    return names;
  }

  std::unique_ptr<Database> db_;
  MeetingsRepository repo_;
  const absl::CivilDay today_{2026, 3, 10};
};

TEST_P(MeetingsRepositoryTest, MigrationsApplyOnceAndAgainIsANoOp) {
  EXPECT_TRUE(IsOk(db_->Migrate("meetings", MeetingsMigrations())));
}

TEST_P(MeetingsRepositoryTest, RowsRoundTripWithEtagsAndGuardedUpdates) {
  Insert("a", kCoalition, "p1", today_, v1::Commitment::OPEN);
  ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, Commitments::Get(s, kNetwork, kCoalition, "a"));
    EXPECT_TRUE(found.has_value());
    EXPECT_EQ(found->revision, 1);
    EXPECT_FALSE(found->resource.etag().empty());
    v1::Commitment changed = found->resource;
    changed.set_status(v1::Commitment::DONE);
    ASSIGN_OR_RETURN(v1::Commitment written,
                     Commitments::Update(s, kNetwork, kCoalition, "a", changed, 1));
    // The row moved on: a second writer holding revision 1 loses.
    EXPECT_TRUE(
        absl::IsAborted(Commitments::Update(s, kNetwork, kCoalition, "a", changed, 1).status()));
    ASSIGN_OR_RETURN(auto again, Commitments::Get(s, kNetwork, kCoalition, "a"));
    EXPECT_EQ(again->revision, 2);
    EXPECT_EQ(again->resource.status(), v1::Commitment::DONE);
    EXPECT_NE(again->resource.etag(), found->resource.etag());
    // What Update returns is the row as a Get now reads it, etag included.
    EXPECT_EQ(written.etag(), again->resource.etag());
    ASSIGN_OR_RETURN(auto named, Commitments::GetNamed(s, again->resource.name()));
    EXPECT_EQ(named->revision, 2);
    ASSIGN_OR_RETURN(auto malformed, Commitments::GetNamed(s, "networks/n/people/a"));
    EXPECT_FALSE(malformed.has_value());
    RETURN_IF_ERROR(Commitments::Delete(s, kNetwork, kCoalition, "a"));
    ASSIGN_OR_RETURN(auto gone, Commitments::Get(s, kNetwork, kCoalition, "a"));
    EXPECT_FALSE(gone.has_value());
    return absl::OkStatus();
  })));
}

TEST_P(MeetingsRepositoryTest, ListPagesByDueDateWithFilters) {
  Insert("late", kCoalition, "p1", today_ + 9, v1::Commitment::OPEN);
  Insert("early", kCoalition, "p1", today_ - 3, v1::Commitment::OPEN);
  Insert("middle", kCoalition, "p2", today_, v1::Commitment::DONE);
  Insert("elsewhere", "c2", "p1", today_, v1::Commitment::OPEN);
  std::vector<std::string> seen;
  storage::ListQuery q{"", 2, false};
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    do {
      ASSIGN_OR_RETURN(auto page, Commitments::List(s, kNetwork, kCoalition, {}, q));
      for (const auto& name : Names(page.items)) seen.push_back(name);
      q.after_key = page.last_key;
    } while (!q.after_key.empty());
    return absl::OkStatus();
  })));
  EXPECT_EQ(seen, (std::vector<std::string>{"early", "middle", "late"}));
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto page,
                     Commitments::List(s, kNetwork, kCoalition, {{"person", std::string("p1")}},
                                       {"", 10, false}));
    EXPECT_EQ(Names(page.items), (std::vector<std::string>{"early", "late"}));
    EXPECT_TRUE(page.last_key.empty());
    return absl::OkStatus();
  })));
}

TEST_P(MeetingsRepositoryTest, DescendingPagesGoNewestFirst) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) {
      v1::Accomplishment a;
      a.set_name(absl::StrCat("networks/n1/coalitions/c1/accomplishments/a", i));
      a.set_title("milestone");
      *a.mutable_date() = ToDate(today_ + i);
      return Accomplishments::Insert(s, kNetwork, kCoalition, absl::StrCat("a", i), a);
    })));
  }
  std::vector<std::string> seen;
  storage::ListQuery q{"", 2, true};
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    do {
      ASSIGN_OR_RETURN(auto page, Accomplishments::List(s, kNetwork, kCoalition, {}, q));
      for (const auto& a : page.items) seen.push_back(a.name().substr(a.name().rfind('/') + 1));
      q.after_key = page.last_key;
    } while (!q.after_key.empty());
    return absl::OkStatus();
  })));
  EXPECT_EQ(seen, (std::vector<std::string>{"a2", "a1", "a0"}));
}

TEST_P(MeetingsRepositoryTest, DayRangesSelectDueSoonOverdueAndCheckInPeriods) {
  Insert("overdue", kCoalition, "p1", today_ - 1, v1::Commitment::OPEN);
  Insert("old-done", kCoalition, "p1", today_ - 20, v1::Commitment::DONE);
  Insert("old-open", kCoalition, "p1", today_ - 20, v1::Commitment::OPEN);
  Insert("today", kCoalition, "p1", today_, v1::Commitment::OPEN);
  Insert("soon-done", kCoalition, "p1", today_ + 2, v1::Commitment::DONE);
  Insert("week", kCoalition, "p1", today_ + 7, v1::Commitment::OPEN);
  Insert("later", kCoalition, "p1", today_ + 8, v1::Commitment::OPEN);
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto soon, repo_.OpenCommitmentsDueBy(s, kNetwork, kCoalition, today_,
                                                           today_ + 7, {"", 50, false}));
    EXPECT_EQ(Names(soon.items), (std::vector<std::string>{"today", "week"}));
    ASSIGN_OR_RETURN(auto overdue, repo_.OpenCommitmentsDueBy(s, kNetwork, kCoalition, std::nullopt,
                                                              today_ - 1, {"", 50, false}));
    EXPECT_EQ(Names(overdue.items), (std::vector<std::string>{"old-open", "overdue"}));
    // A check-in from a week ago to today: what fell due then, and older ones still open.
    ASSIGN_OR_RETURN(auto period,
                     repo_.CommitmentsForPeriod(s, kNetwork, kCoalition, today_ - 7, today_));
    EXPECT_EQ(Names(period), (std::vector<std::string>{"old-open", "overdue", "today"}));
    ASSIGN_OR_RETURN(CommitmentCounts counts, repo_.CountCommitments(s, today_));
    EXPECT_EQ(counts.open, 5);
    EXPECT_EQ(counts.overdue, 2);
    return absl::OkStatus();
  })));
}

TEST_P(MeetingsRepositoryTest, APersonsCommitmentsSpanCoalitionsWithinAScope) {
  Insert("x1", "c1", "p1", today_, v1::Commitment::OPEN);
  Insert("x2", "c2", "p1", today_ + 1, v1::Commitment::DONE);
  Insert("x3", "c3", "p1", today_ + 2, v1::Commitment::OPEN);
  Insert("y1", "c1", "p2", today_, v1::Commitment::OPEN);
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto all,
                     repo_.PersonCommitments(s, kNetwork, "p1", v1::Commitment::STATUS_UNSPECIFIED,
                                             nullptr, {"", 50, false}));
    EXPECT_EQ(Names(all.items), (std::vector<std::string>{"x1", "x2", "x3"}));
    const std::vector<std::string> scope = {"c1", "c2"};
    ASSIGN_OR_RETURN(auto open, repo_.PersonCommitments(s, kNetwork, "p1", v1::Commitment::OPEN,
                                                        &scope, {"", 50, false}));
    EXPECT_EQ(Names(open.items), (std::vector<std::string>{"x1"}));
    const std::vector<std::string> none;
    ASSIGN_OR_RETURN(auto empty,
                     repo_.PersonCommitments(s, kNetwork, "p1", v1::Commitment::STATUS_UNSPECIFIED,
                                             &none, {"", 50, false}));
    EXPECT_TRUE(empty.items.empty());
    ASSIGN_OR_RETURN(auto network_open, repo_.OpenCommitmentsOfNetwork(s, kNetwork));
    EXPECT_EQ(network_open.size(), 3u);
    return absl::OkStatus();
  })));
}

TEST_P(MeetingsRepositoryTest, OutboxKeepsMessagesUntilDeletedAndReschedulesFailures) {
  const absl::Time t0 =
      absl::FromCivil(absl::CivilSecond(2026, 3, 10, 9, 0, 0), absl::UTCTimeZone());
  OutboxMessage first{kNetwork, TimeOrderedId(t0), "actor-observation", "body-1", 0, t0, t0, ""};
  OutboxMessage second{kNetwork,
                       TimeOrderedId(t0 + absl::Seconds(1)),
                       "actor-observation",
                       "body-2",
                       0,
                       t0 + absl::Seconds(1),
                       t0 + absl::Seconds(1),
                       ""};
  ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) -> absl::Status {
    RETURN_IF_ERROR(repo_.EnqueueOutbox(s, second));
    return repo_.EnqueueOutbox(s, first);
  })));
  ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto due, repo_.DueOutbox(s, t0 + absl::Seconds(5), 10));
    EXPECT_EQ(due.size(), 2u);
    if (due.size() != 2) return absl::OkStatus();
    EXPECT_EQ(due[0].body, "body-1");  // oldest first
    ASSIGN_OR_RETURN(OutboxBacklog backlog, repo_.Backlog(s));
    EXPECT_EQ(backlog.count, 2);
    EXPECT_EQ(backlog.oldest, t0);
    // The first fails: tried again later, with its error kept.
    OutboxMessage failed = due[0];
    failed.attempts = 1;
    failed.next_attempt_time = t0 + absl::Minutes(1);
    failed.last_error = "membership unavailable";
    RETURN_IF_ERROR(repo_.RescheduleOutbox(s, failed));
    // The second is delivered.
    RETURN_IF_ERROR(repo_.DeleteOutbox(s, due[1].network_id, due[1].id));
    ASSIGN_OR_RETURN(auto now_due, repo_.DueOutbox(s, t0 + absl::Seconds(5), 10));
    EXPECT_TRUE(now_due.empty());
    ASSIGN_OR_RETURN(auto later_due, repo_.DueOutbox(s, t0 + absl::Minutes(1), 10));
    EXPECT_EQ(later_due.size(), 1u);
    if (!later_due.empty()) {
      EXPECT_EQ(later_due[0].attempts, 1);
      EXPECT_EQ(later_due[0].last_error, "membership unavailable");
    }
    return absl::OkStatus();
  })));
}

TEST_P(MeetingsRepositoryTest, CommitmentEventsAreReadInOrderAfterAKeyAndPruned) {
  const absl::Time t0 =
      absl::FromCivil(absl::CivilSecond(2026, 3, 10, 9, 0, 0), absl::UTCTimeZone());
  ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) -> absl::Status {
    for (int i = 0; i < 3; ++i) {
      v1::CommitmentEvent event;
      event.set_kind(v1::CommitmentEvent::CREATED);
      event.mutable_commitment()->set_what(absl::StrCat("event ", i));
      *event.mutable_time() = ToProtoTimestamp(t0 + absl::Hours(i));
      RETURN_IF_ERROR(repo_.AppendCommitmentEvent(s, kNetwork, kCoalition, event));
    }
    return absl::OkStatus();
  })));
  ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto first_two, repo_.CommitmentEventsAfter(s, kNetwork, kCoalition, "", 2));
    EXPECT_EQ(first_two.events.size(), 2u);
    ASSIGN_OR_RETURN(auto rest,
                     repo_.CommitmentEventsAfter(s, kNetwork, kCoalition, first_two.last_key, 10));
    EXPECT_EQ(rest.events.size(), 1u);
    if (!rest.events.empty()) {
      EXPECT_EQ(rest.events[0].commitment().what(), "event 2");
    }
    ASSIGN_OR_RETURN(std::string latest, repo_.LatestCommitmentEventKey(s, kNetwork, kCoalition));
    EXPECT_EQ(latest, rest.last_key);
    ASSIGN_OR_RETURN(std::string none, repo_.LatestCommitmentEventKey(s, kNetwork, "other"));
    EXPECT_EQ(none, "");
    RETURN_IF_ERROR(repo_.PruneCommitmentEvents(s, t0 + absl::Minutes(90)));
    ASSIGN_OR_RETURN(auto kept, repo_.CommitmentEventsAfter(s, kNetwork, kCoalition, "", 10));
    EXPECT_EQ(kept.events.size(), 1u);
    return absl::OkStatus();
  })));
}

TEST_P(MeetingsRepositoryTest, AWatcherReadingAlongConcurrentWritersMissesNoEvent) {
  // Two writers append to one coalition at once while a reader reads on from its last key, as
  // a watch does; every event must reach the reader, in key order, exactly once.
  constexpr int kWriters = 2;
  constexpr int kEach = 25;
  std::atomic<int> writing{kWriters};
  std::vector<std::thread> writers;
  std::vector<absl::Status> results(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; i < kEach && results[w].ok(); ++i) {
        results[w] = db_->Transact([&](storage::Session& s) {
          v1::CommitmentEvent event;
          event.set_kind(v1::CommitmentEvent::CREATED);
          event.mutable_commitment()->set_what(absl::StrCat(w, "/", i));
          *event.mutable_time() = ToProtoTimestamp(absl::Now());
          return repo_.AppendCommitmentEvent(s, kNetwork, kCoalition, event);
        });
      }
      --writing;
    });
  }
  std::string last_key;
  std::vector<std::string> seen;
  auto read_on = [&]() -> absl::Status {
    return db_->Read([&](storage::Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto batch,
                       repo_.CommitmentEventsAfter(s, kNetwork, kCoalition, last_key, 100));
      EXPECT_TRUE(batch.events.empty() || batch.last_key > last_key);
      for (const auto& event : batch.events) seen.push_back(event.commitment().what());
      last_key = batch.last_key;
      return absl::OkStatus();
    });
  };
  while (writing.load() > 0) {
    ASSERT_TRUE(IsOk(read_on()));
  }
  for (std::thread& writer : writers) writer.join();
  for (const absl::Status& result : results) ASSERT_TRUE(IsOk(result));
  ASSERT_TRUE(IsOk(read_on()));
  std::set<std::string> distinct(seen.begin(), seen.end());
  EXPECT_EQ(seen.size(), static_cast<size_t>(kWriters * kEach));
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kWriters * kEach));
}

TEST_P(MeetingsRepositoryTest, EveryTableLeadsItsPrimaryKeyWithTheNetwork) {
  EXPECT_TRUE(storage::testing::EveryTableLeadsWithTheNetwork(*db_));
}

INSTANTIATE_TEST_SUITE_P(Backends, MeetingsRepositoryTest,
                         ::testing::ValuesIn(storage::testing::TestBackends()),
                         ConformanceBackendName);

}  // namespace
}  // namespace coalition::meetings
