#include "tests/unit/storage/database_conformance_test.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/storage/platform_tables.h"
#include "prometheus/registry.h"

namespace coalition::storage::testing {

void DatabaseConformanceTest::SetUp() {
  absl::StatusOr<std::unique_ptr<Database>> db = GetParam().open(DatabaseOptions{});
  ASSERT_TRUE(db.ok()) << db.status();
  db_ = std::move(*db);
}

namespace {

using coalition::common::v1::AuditEvent;

using storage::testing::Execute;
using storage::testing::IsOk;
using storage::testing::Query;

int64_t Count(Database& db, const std::string& table) {
  absl::StatusOr<std::vector<Row>> rows = Query(db, "SELECT COUNT(*) FROM " + table);
  EXPECT_TRUE(IsOk(rows));
  return rows.ok() && !rows->empty() ? (*rows)[0].Int(0) : -1;
}

absl::Status CreateItems(Database& db) {
  return Execute(db,
                 "CREATE TABLE items (network_id TEXT NOT NULL, id TEXT NOT NULL, n BIGINT, "
                 "PRIMARY KEY (network_id, id))");
}

AuditEvent MakeEvent(absl::string_view resource, int64_t unix_seconds, absl::string_view summary) {
  AuditEvent event;
  *event.mutable_time() = ToProtoTimestamp(absl::FromUnixSeconds(unix_seconds));
  event.set_actor("networks/a/apiKeys/k1");
  event.set_actor_person("networks/a/people/p1");
  event.set_method("coalition.membership.v1.MembershipService/UpdateCoalition");
  event.set_resource(std::string(resource));
  event.set_request_id("req-1");
  event.set_summary(std::string(summary));
  return event;
}

absl::Status Append(Database& db, absl::string_view network, const AuditEvent& event) {
  return db.Transact([&](Session& session) { return AppendAuditEvent(session, network, event); });
}

absl::StatusOr<AuditPage> List(Database& db, absl::string_view network, absl::string_view prefix,
                               absl::string_view after_key, int page_size) {
  AuditPage page;
  absl::Status status = db.Read([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(page, ListAuditEvents(session, network, prefix, after_key, page_size));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

std::vector<std::string> Summaries(const AuditPage& page) {
  std::vector<std::string> out;
  for (const AuditEvent& event : page.events) out.push_back(event.summary());
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllBackends, DatabaseConformanceTest, ::testing::ValuesIn(TestBackends()),
                         ConformanceBackendName);

TEST_P(DatabaseConformanceTest, BackendNameIsKnown) {
  EXPECT_TRUE(db_->backend() == "sqlite" || db_->backend() == "postgres") << db_->backend();
}

TEST_P(DatabaseConformanceTest, ValuesRoundTrip) {
  ASSERT_TRUE(IsOk(Execute(*db_,
                           "CREATE TABLE vals (id BIGINT PRIMARY KEY, i BIGINT, "
                           "r DOUBLE PRECISION, s TEXT)")));
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::string kUnicode = "Coalición ñandú — 合作 🤝 \"quoted\" 'single' \\ %_";
  const std::string kInsert = "INSERT INTO vals (id, i, r, s) VALUES (?, ?, ?, ?)";
  ASSERT_TRUE(IsOk(db_->Transact([&](Session& session) -> absl::Status {
    RETURN_IF_ERROR(session.Execute(kInsert, {int64_t{1}, Null{}, Null{}, Null{}}).status());
    RETURN_IF_ERROR(session.Execute(kInsert, {int64_t{2}, kMin, 0.5, std::string("")}).status());
    RETURN_IF_ERROR(session.Execute(kInsert, {int64_t{3}, kMax, -1.25e300, kUnicode}).status());
    RETURN_IF_ERROR(
        session.Execute(kInsert, {int64_t{4}, int64_t{0}, 3.141592653589793, std::string("x")})
            .status());
    return session.Execute(kInsert, {int64_t{5}, int64_t{-1}, 1e-300, std::string(" ")}).status();
  })));

  absl::StatusOr<std::vector<Row>> rows = Query(*db_, "SELECT id, i, r, s FROM vals ORDER BY id");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 5u);
  const std::vector<Row>& r = *rows;

  EXPECT_TRUE(r[0].IsNull(1));
  EXPECT_TRUE(r[0].IsNull(2));
  EXPECT_TRUE(r[0].IsNull(3));
  EXPECT_EQ(r[0].Int(1), 0);
  EXPECT_EQ(r[0].Real(2), 0.0);
  EXPECT_EQ(r[0].Text(3), "");

  EXPECT_EQ(r[1].Int(1), kMin);
  EXPECT_EQ(r[1].Real(2), 0.5);
  EXPECT_FALSE(r[1].IsNull(3)) << "the empty string must not become NULL";
  EXPECT_EQ(r[1].Text(3), "");

  EXPECT_EQ(r[2].Int(1), kMax);
  EXPECT_EQ(r[2].Real(2), -1.25e300);
  EXPECT_EQ(r[2].Text(3), kUnicode);
  EXPECT_TRUE(std::holds_alternative<std::string>(r[2].at(3)));
  EXPECT_TRUE(std::holds_alternative<int64_t>(r[2].at(1)));
  EXPECT_TRUE(std::holds_alternative<double>(r[2].at(2)));

  EXPECT_EQ(r[3].Real(2), 3.141592653589793);
  EXPECT_EQ(r[4].Int(1), -1);
  EXPECT_EQ(r[4].Real(2), 1e-300);
  EXPECT_EQ(r[4].Text(3), " ");
}

TEST_P(DatabaseConformanceTest, ParametersMatchTextByValue) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  ASSERT_TRUE(IsOk(Execute(*db_, "INSERT INTO items (network_id, id, n) VALUES (?, ?, ?)",
                           {std::string("a"), std::string("Ünï"), int64_t{7}})));
  absl::StatusOr<std::vector<Row>> rows =
      Query(*db_, "SELECT n FROM items WHERE network_id = ? AND id = ?", {std::string("a"), "Ünï"});
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 7);
}

TEST_P(DatabaseConformanceTest, TransactCommitsWhatItWrites) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  ASSERT_TRUE(IsOk(db_->Transact([](Session& session) -> absl::Status {
    RETURN_IF_ERROR(session
                        .Execute("INSERT INTO items (network_id, id, n) VALUES (?, ?, ?)",
                                 {std::string("a"), std::string("x"), int64_t{1}})
                        .status());
    // A transaction reads its own writes.
    ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query("SELECT COUNT(*) FROM items"));
    if (rows[0].Int(0) != 1) return absl::InternalError("own write not visible");
    return absl::OkStatus();
  })));
  EXPECT_EQ(Count(*db_, "items"), 1);
}

TEST_P(DatabaseConformanceTest, ExecuteReturnsRowsChanged) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  ASSERT_TRUE(IsOk(db_->Transact([](Session& session) -> absl::Status {
    for (const char* id : {"x", "y", "z"}) {
      ASSIGN_OR_RETURN(int64_t inserted,
                       session.Execute("INSERT INTO items (network_id, id, n) VALUES (?, ?, ?)",
                                       {std::string("a"), std::string(id), int64_t{1}}));
      EXPECT_EQ(inserted, 1);
    }
    ASSIGN_OR_RETURN(int64_t updated, session.Execute("UPDATE items SET n = n + 1"));
    EXPECT_EQ(updated, 3);
    ASSIGN_OR_RETURN(int64_t none,
                     session.Execute("DELETE FROM items WHERE id = ?", {std::string("nope")}));
    EXPECT_EQ(none, 0);
    ASSIGN_OR_RETURN(int64_t ddl, session.Execute("CREATE INDEX items_by_n ON items (n)"));
    EXPECT_EQ(ddl, 0);
    return absl::OkStatus();
  })));
}

TEST_P(DatabaseConformanceTest, FailingTransactionLeavesNothing) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  absl::Status status = db_->Transact([](Session& session) -> absl::Status {
    for (const char* id : {"x", "y"}) {
      RETURN_IF_ERROR(session
                          .Execute("INSERT INTO items (network_id, id, n) VALUES (?, ?, ?)",
                                   {std::string("a"), std::string(id), int64_t{1}})
                          .status());
    }
    return absl::FailedPreconditionError("meeting already closed");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "meeting already closed") << "fn's error comes back unchanged";
  EXPECT_EQ(Count(*db_, "items"), 0);
}

TEST_P(DatabaseConformanceTest, CommitEffectRunsOnceAfterTheCommit) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  std::vector<int64_t> seen;
  ASSERT_TRUE(IsOk(db_->Transact([&](Session& session) -> absl::Status {
    session.OnCommit([&] { seen.push_back(Count(*db_, "items")); });
    return session
        .Execute("INSERT INTO items (network_id, id, n) VALUES (?, ?, ?)",
                 {std::string("a"), std::string("x"), int64_t{1}})
        .status();
  })));
  // Once, and after the commit: it already sees the row, and may use the store itself.
  EXPECT_EQ(seen, std::vector<int64_t>{1});
}

TEST_P(DatabaseConformanceTest, CommitEffectNeverRunsAfterARollback) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  int runs = 0;
  absl::Status status = db_->Transact([&](Session& session) -> absl::Status {
    session.OnCommit([&] { ++runs; });
    RETURN_IF_ERROR(session
                        .Execute("INSERT INTO items (network_id, id, n) VALUES (?, ?, ?)",
                                 {std::string("a"), std::string("x"), int64_t{1}})
                        .status());
    return absl::FailedPreconditionError("meeting already closed");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(Count(*db_, "items"), 0);
  // The next transaction does not inherit the effect of the one rolled back.
  ASSERT_TRUE(IsOk(db_->Transact([](Session&) { return absl::OkStatus(); })));
  EXPECT_EQ(runs, 0);
}

TEST_P(DatabaseConformanceTest, CommitEffectsRunInOrderAfterARead) {
  std::vector<int> order;
  ASSERT_TRUE(IsOk(db_->Read([&](Session& session) {
    session.OnCommit([&] { order.push_back(1); });
    session.OnCommit([&] { order.push_back(2); });
    return absl::OkStatus();
  })));
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_FALSE(db_->Read([&](Session& session) {
                    session.OnCommit([&] { order.push_back(3); });
                    return absl::NotFoundError("no such meeting");
                  })
                   .ok());
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST_P(DatabaseConformanceTest, ErrorReturnedByFnIsNotRetried) {
  int calls = 0;
  absl::Status status = db_->Transact([&](Session&) {
    ++calls;
    return absl::UnavailableError("peer service down");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls, 1);
}

TEST_P(DatabaseConformanceTest, UniqueViolationIsAlreadyExistsAndLeavesNothing) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  const std::string insert = "INSERT INTO items (network_id, id, n) VALUES (?, ?, ?)";
  ASSERT_TRUE(IsOk(Execute(*db_, insert, {std::string("a"), std::string("x"), int64_t{1}})));
  absl::Status status = db_->Transact([&](Session& session) -> absl::Status {
    RETURN_IF_ERROR(
        session.Execute(insert, {std::string("a"), std::string("y"), int64_t{2}}).status());
    return session.Execute(insert, {std::string("a"), std::string("x"), int64_t{3}}).status();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(Count(*db_, "items"), 1);
  absl::StatusOr<std::vector<Row>> rows = Query(*db_, "SELECT n FROM items");
  ASSERT_TRUE(IsOk(rows));
  EXPECT_EQ((*rows)[0].Int(0), 1);
}

TEST_P(DatabaseConformanceTest, ReadSeesCommittedData) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  ASSERT_TRUE(IsOk(Execute(*db_, "INSERT INTO items (network_id, id, n) VALUES (?, ?, ?)",
                           {std::string("a"), std::string("x"), int64_t{41}})));
  absl::StatusOr<std::vector<Row>> rows = Query(*db_, "SELECT n FROM items WHERE id = ?", {"x"});
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Int(0), 41);
}

TEST_P(DatabaseConformanceTest, ReadReturnsFnError) {
  absl::Status status = db_->Read([](Session&) { return absl::NotFoundError("no such meeting"); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
}

TEST_P(DatabaseConformanceTest, ExecuteInsideReadFails) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  absl::Status execute = db_->Read([](Session& session) {
    return session
        .Execute("INSERT INTO items (network_id, id, n) VALUES (?, ?, ?)",
                 {std::string("a"), std::string("x"), int64_t{1}})
        .status();
  });
  EXPECT_FALSE(execute.ok());
  absl::Status query_write =
      db_->Read([](Session& session) { return session.Query("DELETE FROM items").status(); });
  EXPECT_FALSE(query_write.ok());
  EXPECT_EQ(Count(*db_, "items"), 0);
}

TEST_P(DatabaseConformanceTest, MultipleStatementsInOneCallAreRejected) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  absl::Status status = Execute(*db_,
                                "INSERT INTO items (network_id, id, n) VALUES ('a', 'x', 1); "
                                "INSERT INTO items (network_id, id, n) VALUES ('a', 'y', 1)");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(Count(*db_, "items"), 0);
}

TEST_P(DatabaseConformanceTest, WrongParameterCountIsAnError) {
  ASSERT_TRUE(IsOk(CreateItems(*db_)));
  EXPECT_FALSE(Query(*db_, "SELECT n FROM items WHERE id = ?").ok());
  EXPECT_FALSE(Query(*db_, "SELECT n FROM items", {std::string("extra")}).ok());
}

TEST_P(DatabaseConformanceTest, SqlErrorIsInternal) {
  absl::StatusOr<std::vector<Row>> rows = Query(*db_, "SELECT * FROM no_such_table");
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInternal);
}

TEST_P(DatabaseConformanceTest, ConcurrentIncrementsAreNotLost) {
  ASSERT_TRUE(IsOk(Execute(*db_, "CREATE TABLE counter (network_id TEXT PRIMARY KEY, n BIGINT)")));
  ASSERT_TRUE(IsOk(Execute(*db_, "INSERT INTO counter (network_id, n) VALUES ('a', 0)")));
  constexpr int kThreads = 8;
  constexpr int kIncrements = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        // Read-modify-write in the application, which only a real transaction keeps exact.
        absl::Status status = db_->Transact([](Session& session) -> absl::Status {
          ASSIGN_OR_RETURN(std::vector<Row> rows,
                           session.Query("SELECT n FROM counter WHERE network_id = 'a'"));
          return session
              .Execute("UPDATE counter SET n = ? WHERE network_id = 'a'", {rows.at(0).Int(0) + 1})
              .status();
        });
        if (!status.ok()) ++failures;
        // Readers run alongside the writers.
        if (!Query(*db_, "SELECT n FROM counter").ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  absl::StatusOr<std::vector<Row>> rows = Query(*db_, "SELECT n FROM counter");
  ASSERT_TRUE(IsOk(rows));
  EXPECT_EQ((*rows)[0].Int(0), kThreads * kIncrements);
}

std::vector<Migration> TestMigrations() {
  return {
      {1, "create notes", "CREATE TABLE notes (network_id TEXT NOT NULL, body TEXT NOT NULL)"},
      {2, "seed notes",
       "INSERT INTO notes (network_id, body) VALUES ('a', 'first');\n"
       "INSERT INTO notes (network_id, body) VALUES ('a', 'second');"},
      {3, "add notes.rank", "ALTER TABLE notes ADD COLUMN rank BIGINT; UPDATE notes SET rank = 1"},
  };
}

absl::StatusOr<std::vector<Row>> MigrationRows(Database& db, absl::string_view component) {
  return Query(db,
               "SELECT version, name, applied_at FROM schema_migrations WHERE component = ? "
               "ORDER BY version",
               {std::string(component)});
}

TEST_P(DatabaseConformanceTest, MigrationsApplyInOrder) {
  ASSERT_TRUE(IsOk(db_->Migrate("notes", TestMigrations())));
  absl::StatusOr<std::vector<Row>> rows = Query(*db_, "SELECT body, rank FROM notes ORDER BY body");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].Text(0), "first");
  EXPECT_EQ((*rows)[0].Int(1), 1);

  absl::StatusOr<std::vector<Row>> applied = MigrationRows(*db_, "notes");
  ASSERT_TRUE(IsOk(applied));
  ASSERT_EQ(applied->size(), 3u);
  EXPECT_EQ((*applied)[0].Int(0), 1);
  EXPECT_EQ((*applied)[0].Text(1), "create notes");
  EXPECT_GT((*applied)[0].Int(2), 0);
  EXPECT_EQ((*applied)[2].Int(0), 3);
}

TEST_P(DatabaseConformanceTest, MigrationsAreIdempotent) {
  ASSERT_TRUE(IsOk(db_->Migrate("notes", TestMigrations())));
  ASSERT_TRUE(IsOk(db_->Migrate("notes", TestMigrations())));
  EXPECT_EQ(Count(*db_, "notes"), 2);
  absl::StatusOr<std::vector<Row>> applied = MigrationRows(*db_, "notes");
  ASSERT_TRUE(IsOk(applied));
  EXPECT_EQ(applied->size(), 3u);
}

TEST_P(DatabaseConformanceTest, MigrationsApplyOnlyWhatIsNew) {
  std::vector<Migration> migrations = TestMigrations();
  const std::vector<Migration> first_two(migrations.begin(), migrations.begin() + 2);
  ASSERT_TRUE(IsOk(db_->Migrate("notes", first_two)));
  EXPECT_FALSE(Query(*db_, "SELECT rank FROM notes").ok());
  ASSERT_TRUE(IsOk(db_->Migrate("notes", migrations)));
  EXPECT_EQ(Count(*db_, "notes"), 2) << "the seed migration ran once";
  EXPECT_TRUE(IsOk(Query(*db_, "SELECT rank FROM notes")));
}

TEST_P(DatabaseConformanceTest, MigrateRefusesStoreAheadOfCode) {
  ASSERT_TRUE(IsOk(db_->Migrate("notes", TestMigrations())));
  std::vector<Migration> older = TestMigrations();
  older.pop_back();
  absl::Status status = db_->Migrate("notes", older);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(db_->Migrate("notes", {}).code(), absl::StatusCode::kFailedPrecondition);
}

TEST_P(DatabaseConformanceTest, MigrateRejectsOutOfOrderVersions) {
  const std::vector<std::vector<Migration>> bad_lists = {
      {{2, "b", "CREATE TABLE b (network_id TEXT)"}, {1, "a", "CREATE TABLE a (network_id TEXT)"}},
      {{1, "a", "CREATE TABLE a (network_id TEXT)"}, {1, "b", "CREATE TABLE b (network_id TEXT)"}},
      {{0, "a", "CREATE TABLE a (network_id TEXT)"}},
  };
  for (const std::vector<Migration>& list : bad_lists) {
    absl::Status status = db_->Migrate("bad", list);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  EXPECT_FALSE(Query(*db_, "SELECT * FROM a").ok()) << "nothing of a rejected list is applied";
  absl::StatusOr<std::vector<Row>> applied = MigrationRows(*db_, "bad");
  ASSERT_TRUE(IsOk(applied));
  EXPECT_TRUE(applied->empty());
}

TEST_P(DatabaseConformanceTest, FailedMigrationKeepsEarlierOnesAndNothingOfItself) {
  const std::vector<Migration> broken = {
      {1, "create a", "CREATE TABLE a (network_id TEXT)"},
      {2, "broken", "CREATE TABLE b (network_id TEXT); THIS IS NOT SQL"},
  };
  EXPECT_FALSE(db_->Migrate("broken", broken).ok());
  EXPECT_TRUE(IsOk(Query(*db_, "SELECT * FROM a")));
  EXPECT_FALSE(Query(*db_, "SELECT * FROM b").ok());
  absl::StatusOr<std::vector<Row>> applied = MigrationRows(*db_, "broken");
  ASSERT_TRUE(IsOk(applied));
  EXPECT_EQ(applied->size(), 1u);

  const std::vector<Migration> fixed = {
      broken[0],
      {2, "create b", "CREATE TABLE b (network_id TEXT)"},
  };
  EXPECT_TRUE(IsOk(db_->Migrate("broken", fixed)));
  EXPECT_TRUE(IsOk(Query(*db_, "SELECT * FROM b")));
}

TEST_P(DatabaseConformanceTest, ComponentsMigrateIndependently) {
  ASSERT_TRUE(IsOk(db_->Migrate("notes", TestMigrations())));
  EXPECT_TRUE(IsOk(db_->Migrate("other", {{1, "create other", "CREATE TABLE other (x TEXT)"}})));
  absl::StatusOr<std::vector<Row>> applied = MigrationRows(*db_, "other");
  ASSERT_TRUE(IsOk(applied));
  EXPECT_EQ(applied->size(), 1u);
}

TEST_P(DatabaseConformanceTest, PlatformMigrationsAreApplied) {
  absl::StatusOr<std::vector<Row>> applied = MigrationRows(*db_, kPlatformComponent);
  ASSERT_TRUE(IsOk(applied));
  EXPECT_EQ(applied->size(), PlatformMigrations().size());
  EXPECT_EQ(Count(*db_, "request_ids"), 0);
  EXPECT_EQ(Count(*db_, "audit_events"), 0);
  EXPECT_EQ(Count(*db_, "store_secrets"), 0);
}

absl::StatusOr<std::optional<std::string>> Find(Database& db, absl::string_view network,
                                                absl::string_view method,
                                                absl::string_view request_id) {
  std::optional<std::string> found;
  absl::Status status = db.Read([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(found, FindRequest(session, network, method, request_id));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return found;
}

absl::Status Record(Database& db, absl::string_view network, absl::string_view method,
                    absl::string_view request_id, absl::string_view resource) {
  return db.Transact([&](Session& session) {
    return RecordRequest(session, network, method, request_id, resource,
                         absl::FromUnixSeconds(1767225600));
  });
}

TEST_P(DatabaseConformanceTest, RecordedRequestIsFound) {
  const std::string kMethod = "coalition.membership.v1.MembershipService/CreateCoalition";
  absl::StatusOr<std::optional<std::string>> before = Find(*db_, "a", kMethod, "r1");
  ASSERT_TRUE(IsOk(before));
  EXPECT_FALSE(before->has_value());

  ASSERT_TRUE(IsOk(Record(*db_, "a", kMethod, "r1", "networks/a/coalitions/c1")));
  absl::StatusOr<std::optional<std::string>> after = Find(*db_, "a", kMethod, "r1");
  ASSERT_TRUE(IsOk(after));
  EXPECT_EQ(after->value_or(""), "networks/a/coalitions/c1");
}

TEST_P(DatabaseConformanceTest, SameRequestIdInAnotherNetworkOrMethodIsIndependent) {
  ASSERT_TRUE(IsOk(Record(*db_, "a", "Svc/CreateCoalition", "r1", "networks/a/coalitions/c1")));
  for (const auto& [network, method] : std::vector<std::pair<std::string, std::string>>{
           {"b", "Svc/CreateCoalition"}, {"a", "Svc/CreateMeeting"}}) {
    absl::StatusOr<std::optional<std::string>> other = Find(*db_, network, method, "r1");
    ASSERT_TRUE(IsOk(other));
    EXPECT_FALSE(other->has_value()) << network << " " << method;
  }
  EXPECT_TRUE(IsOk(Record(*db_, "b", "Svc/CreateCoalition", "r1", "networks/b/coalitions/c9")));
  EXPECT_TRUE(IsOk(Record(*db_, "a", "Svc/CreateMeeting", "r1", "networks/a/meetings/m1")));
  absl::StatusOr<std::optional<std::string>> first = Find(*db_, "a", "Svc/CreateCoalition", "r1");
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ(first->value_or(""), "networks/a/coalitions/c1");
}

TEST_P(DatabaseConformanceTest, RecordingARequestTwiceIsAlreadyExists) {
  ASSERT_TRUE(IsOk(Record(*db_, "a", "Svc/Create", "r1", "networks/a/things/t1")));
  EXPECT_EQ(Record(*db_, "a", "Svc/Create", "r1", "networks/a/things/t2").code(),
            absl::StatusCode::kAlreadyExists);
}

absl::StatusOr<std::string> CreateOnceIn(Database& db, absl::string_view parent,
                                         absl::string_view request_id, int* creates) {
  std::string created;
  absl::Status status = db.Transact([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(created, CreateOnce(session, "a", "Svc/CreateThing", request_id, parent,
                                         absl::FromUnixSeconds(1767225600),
                                         [&]() -> absl::StatusOr<std::string> {
                                           ++*creates;
                                           return absl::StrCat(parent, "/things/t", *creates);
                                         }));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return created;
}

TEST_P(DatabaseConformanceTest, CreateOnceCreatesOncePerRequestIdAndParent) {
  int creates = 0;
  absl::StatusOr<std::string> first =
      CreateOnceIn(*db_, "networks/a/coalitions/c1", "r1", &creates);
  ASSERT_TRUE(IsOk(first));
  absl::StatusOr<std::string> retried =
      CreateOnceIn(*db_, "networks/a/coalitions/c1", "r1", &creates);
  ASSERT_TRUE(IsOk(retried));
  EXPECT_EQ(*retried, *first);
  EXPECT_EQ(creates, 1);
  // The same id under another coalition must not hand out the first coalition's resource.
  absl::StatusOr<std::string> elsewhere =
      CreateOnceIn(*db_, "networks/a/coalitions/c2", "r1", &creates);
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(creates, 1);
  // Without an id every call creates.
  ASSERT_TRUE(IsOk(CreateOnceIn(*db_, "networks/a/coalitions/c1", "", &creates)));
  ASSERT_TRUE(IsOk(CreateOnceIn(*db_, "networks/a/coalitions/c1", "", &creates)));
  EXPECT_EQ(creates, 3);
  EXPECT_EQ(CreateOnceIn(*db_, "networks/a/coalitions/c1", "has space", &creates).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_P(DatabaseConformanceTest, AuditEventsAreListedNewestFirstInPages) {
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(IsOk(Append(
        *db_, "a",
        MakeEvent("networks/a/coalitions/c", 1767225600 + i, "event " + std::to_string(i)))));
  }
  std::vector<std::string> seen;
  std::string after;
  int pages = 0;
  do {
    absl::StatusOr<AuditPage> page = List(*db_, "a", "", after, 2);
    ASSERT_TRUE(IsOk(page));
    EXPECT_LE(page->events.size(), 2u);
    for (const std::string& summary : Summaries(*page)) seen.push_back(summary);
    after = page->last_key;
    ASSERT_LT(++pages, 10);
  } while (!after.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen,
            (std::vector<std::string>{"event 5", "event 4", "event 3", "event 2", "event 1"}));
}

TEST_P(DatabaseConformanceTest, AuditEventKeepsItsFieldsAndGetsAName) {
  const AuditEvent event = MakeEvent("networks/a/coalitions/c", 1767225600, "renamed");
  ASSERT_TRUE(IsOk(Append(*db_, "a", event)));
  absl::StatusOr<AuditPage> page = List(*db_, "a", "", "", 10);
  ASSERT_TRUE(IsOk(page));
  ASSERT_EQ(page->events.size(), 1u);
  EXPECT_TRUE(page->last_key.empty());
  const AuditEvent& listed = page->events[0];
  ASSERT_TRUE(absl::StartsWith(listed.name(), "networks/a/auditEvents/")) << listed.name();
  EXPECT_TRUE(IsValidIdSegment(listed.name().substr(strlen("networks/a/auditEvents/"))))
      << listed.name();
  EXPECT_EQ(FromProtoTimestamp(listed.time()), absl::FromUnixSeconds(1767225600));
  EXPECT_EQ(listed.actor(), event.actor());
  EXPECT_EQ(listed.actor_person(), event.actor_person());
  EXPECT_EQ(listed.method(), event.method());
  EXPECT_EQ(listed.resource(), event.resource());
  EXPECT_EQ(listed.request_id(), event.request_id());
  EXPECT_EQ(listed.summary(), event.summary());
}

TEST_P(DatabaseConformanceTest, AuditEventsInTheSameMicrosecondAreAllKept) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(IsOk(Append(*db_, "a", MakeEvent("networks/a/x", 1767225600, "same time"))));
  }
  absl::StatusOr<AuditPage> page = List(*db_, "a", "", "", 10);
  ASSERT_TRUE(IsOk(page));
  std::set<std::string> names;
  for (const AuditEvent& event : page->events) names.insert(event.name());
  EXPECT_EQ(names.size(), 3u);
}

TEST_P(DatabaseConformanceTest, AuditPrefixMatchesResourceAndWhatIsUnderItOnly) {
  const std::vector<std::pair<std::string, std::string>> events = {
      {"networks/a/coalitions/b", "coalition b"},
      {"networks/a/coalitions/b/meetings/m", "meeting of b"},
      {"networks/a/coalitions/bc", "coalition bc"},
      {"networks/a/coalitions/bc/meetings/m", "meeting of bc"},
      {"networks/a/coalitions/B", "coalition B"},
  };
  int64_t second = 1767225600;
  for (const auto& [resource, summary] : events) {
    ASSERT_TRUE(IsOk(Append(*db_, "a", MakeEvent(resource, ++second, summary))));
  }
  absl::StatusOr<AuditPage> page = List(*db_, "a", "networks/a/coalitions/b", "", 10);
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(Summaries(*page), (std::vector<std::string>{"meeting of b", "coalition b"}));

  absl::StatusOr<AuditPage> all = List(*db_, "a", "networks/a/coalitions", "", 10);
  ASSERT_TRUE(IsOk(all));
  EXPECT_EQ(all->events.size(), events.size());
}

TEST_P(DatabaseConformanceTest, AuditPrefixTreatsWildcardCharactersLiterally) {
  ASSERT_TRUE(IsOk(Append(*db_, "a", MakeEvent("networks/a/coalitions/b_c", 1767225601, "b_c"))));
  ASSERT_TRUE(IsOk(Append(*db_, "a", MakeEvent("networks/a/coalitions/bxc", 1767225602, "bxc"))));
  ASSERT_TRUE(IsOk(Append(*db_, "a", MakeEvent("networks/a/coalitions/b%/x", 1767225603, "b%"))));
  absl::StatusOr<AuditPage> underscore = List(*db_, "a", "networks/a/coalitions/b_c", "", 10);
  ASSERT_TRUE(IsOk(underscore));
  EXPECT_EQ(Summaries(*underscore), (std::vector<std::string>{"b_c"}));
  absl::StatusOr<AuditPage> percent = List(*db_, "a", "networks/a/coalitions/b%", "", 10);
  ASSERT_TRUE(IsOk(percent));
  EXPECT_EQ(Summaries(*percent), (std::vector<std::string>{"b%"}));
}

TEST_P(DatabaseConformanceTest, AuditEventsOfAnotherNetworkAreNotListed) {
  ASSERT_TRUE(IsOk(Append(*db_, "a", MakeEvent("networks/a/coalitions/c", 1767225601, "in a"))));
  ASSERT_TRUE(IsOk(Append(*db_, "b", MakeEvent("networks/b/coalitions/c", 1767225602, "in b"))));
  absl::StatusOr<AuditPage> page = List(*db_, "a", "", "", 10);
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(Summaries(*page), (std::vector<std::string>{"in a"}));
}

TEST_P(DatabaseConformanceTest, AuditEventWithoutTimeIsRejected) {
  AuditEvent event = MakeEvent("networks/a/coalitions/c", 1767225600, "no time");
  event.clear_time();
  EXPECT_FALSE(Append(*db_, "a", event).ok());
  EXPECT_EQ(Count(*db_, "audit_events"), 0);
}

TEST_P(DatabaseConformanceTest, StoreSecretIsStableAcrossCalls) {
  absl::StatusOr<std::string> first = StoreSecret(*db_, "page-token");
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ(first->size(), 64u);
  EXPECT_EQ(first->find_first_not_of("0123456789abcdef"), std::string::npos) << *first;
  absl::StatusOr<std::string> again = StoreSecret(*db_, "page-token");
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(*again, *first);
  absl::StatusOr<std::string> other = StoreSecret(*db_, "other-purpose");
  ASSERT_TRUE(IsOk(other));
  EXPECT_NE(*other, *first);
}

TEST_P(DatabaseConformanceTest, ConcurrentFirstUsesOfStoreSecretAgree) {
  constexpr int kThreads = 6;
  std::vector<std::string> secrets(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      absl::StatusOr<std::string> secret = StoreSecret(*db_, "page-token");
      secrets[t] = secret.ok() ? *secret : "error: " + secret.status().ToString();
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& secret : secrets) EXPECT_EQ(secret, secrets[0]);
}

TEST_P(DatabaseConformanceTest, MetricsFamiliesAppearInRegistry) {
  auto registry = std::make_shared<prometheus::Registry>();
  DatabaseOptions options;
  options.registry = registry;
  absl::StatusOr<std::unique_ptr<Database>> db = GetParam().open(options);
  ASSERT_TRUE(IsOk(db));
  ASSERT_TRUE(
      IsOk((*db)->Transact([](Session& session) { return session.Query("SELECT 1").status(); })));
  ASSERT_TRUE(
      IsOk((*db)->Read([](Session& session) { return session.Query("SELECT 1").status(); })));
  EXPECT_FALSE((*db)->Transact([](Session&) { return absl::InternalError("boom"); }).ok());

  std::set<std::string> names;
  double transact_ok = 0, transact_error = 0, read_ok = 0, migrate_ok = 0;
  uint64_t read_samples = 0;
  for (const prometheus::MetricFamily& family : registry->Collect()) {
    names.insert(family.name);
    for (const prometheus::ClientMetric& metric : family.metric) {
      std::string operation, outcome, backend;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        if (label.name == "operation") operation = label.value;
        if (label.name == "outcome") outcome = label.value;
        if (label.name == "backend") backend = label.value;
      }
      EXPECT_EQ(backend, (*db)->backend());
      if (family.name == "coalition_store_operations_total") {
        if (operation == "transact" && outcome == "ok") transact_ok = metric.counter.value;
        if (operation == "transact" && outcome == "error") transact_error = metric.counter.value;
        if (operation == "read" && outcome == "ok") read_ok = metric.counter.value;
        if (operation == "migrate" && outcome == "ok") migrate_ok = metric.counter.value;
      }
      if (family.name == "coalition_store_operation_seconds" && operation == "read") {
        read_samples = metric.histogram.sample_count;
      }
    }
  }
  EXPECT_TRUE(names.count("coalition_store_operations_total"));
  EXPECT_TRUE(names.count("coalition_store_operation_seconds"));
  EXPECT_EQ(transact_ok, 1);
  EXPECT_EQ(transact_error, 1);
  EXPECT_EQ(read_ok, 1);
  EXPECT_GE(migrate_ok, 1) << "opening the store ran the platform migrations";
  EXPECT_EQ(read_samples, 1u);
}

}  // namespace
}  // namespace coalition::storage::testing
