#include "libs/storage/postgres_database.h"

#include <unistd.h>

#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/storage/platform_tables.h"
#include "libs/testing/metrics.h"
#include "libs/testing/postgres_server.h"
#include "prometheus/registry.h"
#include "tests/unit/storage/test_backends.h"

namespace coalition::storage {
namespace {

using coalition::testing::CounterValue;
using coalition::testing::PostgresServer;

using storage::testing::Execute;
using storage::testing::IsOk;
using storage::testing::Query;

absl::StatusOr<std::string> QueryText(Database& db, const std::string& sql) {
  ASSIGN_OR_RETURN(std::vector<Row> rows, Query(db, sql));
  if (rows.empty()) return absl::NotFoundError("no row");
  return rows[0].Text(0);
}

double Retries(const prometheus::Registry& registry, const std::string& reason) {
  return CounterValue(registry, "coalition_store_retries_total",
                      {{"backend", "postgres"}, {"reason", reason}});
}

TEST(PostgresPlaceholdersTest, NumbersEachQuestionMarkInOrder) {
  const PostgresSql sql = ToPostgresPlaceholders("SELECT a FROM t WHERE b = ? AND c > ? LIMIT ?");
  EXPECT_EQ(sql.text, "SELECT a FROM t WHERE b = $1 AND c > $2 LIMIT $3");
  EXPECT_EQ(sql.parameters, 3);
}

TEST(PostgresPlaceholdersTest, LeavesLiteralsIdentifiersAndCommentsAlone) {
  const PostgresSql sql = ToPostgresPlaceholders(
      "SELECT '?', 'it''s ?', '', \"col?\", \"a\"\"?\" -- what? \n"
      "FROM t /* a ? /* nested ? */ still ? */ WHERE x = ? AND y = '''?'");
  EXPECT_EQ(sql.text,
            "SELECT '?', 'it''s ?', '', \"col?\", \"a\"\"?\" -- what? \n"
            "FROM t /* a ? /* nested ? */ still ? */ WHERE x = $1 AND y = '''?'");
  EXPECT_EQ(sql.parameters, 1);
}

TEST(PostgresPlaceholdersTest, UnterminatedLiteralOrCommentKeepsTheRest) {
  EXPECT_EQ(ToPostgresPlaceholders("SELECT ? WHERE 'open ?").text, "SELECT $1 WHERE 'open ?");
  EXPECT_EQ(ToPostgresPlaceholders("SELECT ? -- ?").text, "SELECT $1 -- ?");
  EXPECT_EQ(ToPostgresPlaceholders("SELECT ? /* ?").parameters, 1);
}

// A fresh database on the test binary's PostgreSQL server for each test.
class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<PostgresServer*> server = PostgresServer::Shared();
    ASSERT_TRUE(IsOk(server));
    server_ = *server;
    static std::atomic<int> databases{0};
    // Tests of one ctest run share the server: the pid keeps their databases apart.
    name_ = absl::StrCat("pgtest_", getpid(), "_", ++databases);
    absl::StatusOr<std::string> url = server_->CreateDatabase(name_);
    ASSERT_TRUE(IsOk(url));
    url_ = *url;
  }
  void TearDown() override {
    if (server_ != nullptr) {
      EXPECT_TRUE(IsOk(server_->DropDatabase(name_)));
    }
  }

  std::unique_ptr<Database> Open(const DatabaseOptions& options = {}) {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url_, options);
    EXPECT_TRUE(IsOk(db));
    return db.ok() ? *std::move(db) : nullptr;
  }

  PostgresServer* server_ = nullptr;
  std::string name_;
  std::string url_;
};

TEST_F(PostgresDatabaseTest, QuestionMarksInLiteralsReachTheServerUnchanged) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  absl::StatusOr<std::vector<Row>> rows = Query(*db,
                                                "SELECT '?', ?, 'it''s ?', \"q?\".c /* ? */ "
                                                "FROM (SELECT ? AS c) AS \"q?\" -- ?\n",
                                                {int64_t{7}, std::string("x")});
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 1u);
  const Row& row = (*rows)[0];
  EXPECT_EQ(row.Text(0), "?");
  EXPECT_EQ(row.Int(1), 7);
  EXPECT_EQ(row.Text(2), "it's ?");
  EXPECT_EQ(row.Text(3), "x");
}

TEST_F(PostgresDatabaseTest, ColumnsDecodeByTheirType) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  absl::StatusOr<std::vector<Row>> rows =
      Query(*db,
            "SELECT CAST(1 AS SMALLINT), CAST(2 AS INTEGER), CAST(3 AS BIGINT), TRUE, FALSE, "
            "CAST(1.5 AS REAL), CAST(2.5 AS DOUBLE PRECISION), CAST(3.25 AS NUMERIC), "
            "SUM(CAST(4 AS BIGINT)), 'text', CAST('2026-01-02' AS DATE), NULL");
  ASSERT_TRUE(IsOk(rows));
  ASSERT_EQ(rows->size(), 1u);
  const Row& row = (*rows)[0];
  for (size_t i : {0, 1, 2, 3, 4}) {
    EXPECT_TRUE(std::holds_alternative<int64_t>(row.at(i))) << "column " << i;
  }
  EXPECT_EQ(row.Int(0), 1);
  EXPECT_EQ(row.Int(1), 2);
  EXPECT_EQ(row.Int(2), 3);
  EXPECT_EQ(row.Int(3), 1);
  EXPECT_EQ(row.Int(4), 0);
  // SUM of BIGINT is NUMERIC in PostgreSQL: a double, which Row::Int still reads as 4.
  for (size_t i : {5, 6, 7, 8}) {
    EXPECT_TRUE(std::holds_alternative<double>(row.at(i))) << "column " << i;
  }
  EXPECT_EQ(row.Real(5), 1.5);
  EXPECT_EQ(row.Real(6), 2.5);
  EXPECT_EQ(row.Real(7), 3.25);
  EXPECT_EQ(row.Int(8), 4);
  EXPECT_TRUE(std::holds_alternative<std::string>(row.at(9)));
  EXPECT_EQ(row.Text(9), "text");
  EXPECT_EQ(row.Text(10), "2026-01-02");
  EXPECT_TRUE(row.IsNull(11));
}

TEST_F(PostgresDatabaseTest, ParametersKeepTheirTypesThroughTheServer) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const double kInfinity = std::numeric_limits<double>::infinity();
  absl::StatusOr<std::vector<Row>> rows =
      Query(*db, "SELECT ?, ?, ?, ?, ?, ?, ?",
            {kMax, 0.1, std::string("x"), Null{}, kInfinity, -kInfinity,
             std::numeric_limits<double>::quiet_NaN()});
  ASSERT_TRUE(IsOk(rows));
  const Row& row = rows->at(0);
  ASSERT_TRUE(std::holds_alternative<int64_t>(row.at(0)));
  EXPECT_EQ(row.Int(0), kMax);
  ASSERT_TRUE(std::holds_alternative<double>(row.at(1)));
  EXPECT_EQ(row.Real(1), 0.1);
  ASSERT_TRUE(std::holds_alternative<std::string>(row.at(2)));
  EXPECT_EQ(row.Text(2), "x");
  EXPECT_TRUE(row.IsNull(3));
  EXPECT_EQ(row.Real(4), kInfinity);
  EXPECT_EQ(row.Real(5), -kInfinity);
  EXPECT_TRUE(std::isnan(row.Real(6)));
}

TEST_F(PostgresDatabaseTest, TextWithANulByteIsRefusedNotCut) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  absl::StatusOr<std::vector<Row>> rows = Query(*db, "SELECT ?", {std::string("a\0b", 3)});
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInternal) << rows.status();
}

TEST_F(PostgresDatabaseTest, StatementsArePreparedOncePerConnectionWithTypedParameters) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  std::string types;
  int64_t prepared = -1;
  ASSERT_TRUE(IsOk(db->Transact([&](Session& session) -> absl::Status {
    for (int64_t i = 0; i < 3; ++i) {
      ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query("SELECT ? + 1", {i}));
      if (rows.at(0).Int(0) != i + 1) return absl::InternalError("wrong sum");
    }
    ASSIGN_OR_RETURN(
        std::vector<Row> rows,
        session.Query("SELECT COUNT(*), MIN(CAST(parameter_types AS TEXT)) "
                      "FROM pg_prepared_statements WHERE statement = 'SELECT $1 + 1'"));
    prepared = rows.at(0).Int(0);
    types = rows.at(0).Text(1);
    return absl::OkStatus();
  })));
  EXPECT_EQ(prepared, 1);
  EXPECT_EQ(types, "{bigint}");
}

TEST_F(PostgresDatabaseTest, ConnectionsCarryTheTimeoutAndUtf8) {
  DatabaseOptions options;
  options.statement_timeout = absl::Milliseconds(1500);
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(QueryText(*db, "SHOW statement_timeout").value_or(""), "1500ms");
  EXPECT_EQ(QueryText(*db, "SHOW client_encoding").value_or(""), "UTF8");
  EXPECT_EQ(QueryText(*db, "SHOW application_name").value_or(""), "coalition");
}

TEST_F(PostgresDatabaseTest, UrlParametersPassThroughToLibpq) {
  absl::StatusOr<std::unique_ptr<Database>> db =
      OpenDatabase(url_ + "&application_name=membership-7");
  ASSERT_TRUE(IsOk(db));
  EXPECT_EQ(QueryText(**db, "SHOW application_name").value_or(""), "membership-7");
}

TEST_F(PostgresDatabaseTest, StatementPastTheTimeoutIsDeadlineExceeded) {
  DatabaseOptions options;
  options.statement_timeout = absl::Milliseconds(200);
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  absl::StatusOr<std::vector<Row>> slow = Query(*db, "SELECT pg_sleep(5)");
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded) << slow.status();
  EXPECT_TRUE(IsOk(Query(*db, "SELECT 1"))) << "the connection stays usable";
}

TEST_F(PostgresDatabaseTest, FnGoingOnAfterAFailedStatementGetsItsErrorAndCommitsNothing) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(IsOk(Execute(*db, "CREATE TABLE items (network_id TEXT, id TEXT PRIMARY KEY)")));
  const std::string insert = "INSERT INTO items (network_id, id) VALUES ('a', ?)";
  ASSERT_TRUE(IsOk(Execute(*db, insert, {std::string("x")})));
  absl::Status status = db->Transact([&](Session& session) {
    // PostgreSQL aborts the transaction at the duplicate; the second insert is refused too.
    session.Execute(insert, {std::string("x")}).IgnoreError();
    session.Execute(insert, {std::string("y")}).IgnoreError();
    return absl::OkStatus();
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(Query(*db, "SELECT id FROM items")->size(), 1u);
}

TEST_F(PostgresDatabaseTest, CommitInsideTransactIsAnError) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  absl::Status status =
      db->Transact([](Session& session) { return session.Execute("COMMIT").status(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_TRUE(IsOk(Execute(*db, "CREATE TABLE t (network_id TEXT)")));
}

TEST_F(PostgresDatabaseTest, SerializationFailureRunsTheLosingTransactionAgain) {
  auto registry = std::make_shared<prometheus::Registry>();
  DatabaseOptions options;
  options.registry = registry;
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(IsOk(Execute(*db, "CREATE TABLE counter (network_id TEXT PRIMARY KEY, n BIGINT)")));
  ASSERT_TRUE(IsOk(Execute(*db, "INSERT INTO counter (network_id, n) VALUES ('a', 0)")));

  absl::Notification has_read[2];
  std::atomic<int> runs{0}, effects{0};
  absl::Status results[2];
  auto increment = [&](int self) {
    int attempt = 0;
    results[self] = db->Transact([&](Session& session) -> absl::Status {
      ++runs;
      ASSIGN_OR_RETURN(std::vector<Row> rows,
                       session.Query("SELECT n FROM counter WHERE network_id = 'a'"));
      if (++attempt == 1) {
        // Both read n before either writes it: one of the two updates has to lose.
        has_read[self].Notify();
        if (!has_read[1 - self].WaitForNotificationWithTimeout(absl::Seconds(10))) {
          return absl::DeadlineExceededError("the other transaction never read");
        }
      }
      session.OnCommit([&] { ++effects; });
      return session
          .Execute("UPDATE counter SET n = ? WHERE network_id = 'a'", {rows.at(0).Int(0) + 1})
          .status();
    });
  };
  std::thread first(increment, 0), second(increment, 1);
  first.join();
  second.join();
  EXPECT_TRUE(IsOk(results[0]));
  EXPECT_TRUE(IsOk(results[1]));
  absl::StatusOr<std::vector<Row>> n = Query(*db, "SELECT n FROM counter");
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(n->at(0).Int(0), 2) << "no increment was lost";
  EXPECT_EQ(runs.load(), 3) << "the loser ran once more";
  EXPECT_EQ(effects.load(), 2) << "only committed attempts' effects ran";
  EXPECT_EQ(Retries(*registry, "conflict"), 1);
}

TEST_F(PostgresDatabaseTest, DeadlockRunsTheVictimAgain) {
  // The server looks for deadlocks after deadlock_timeout (1 s by default).
  ASSERT_TRUE(
      IsOk(server_->Execute(absl::StrCat("ALTER DATABASE ", name_, " SET deadlock_timeout = 50"))));
  auto registry = std::make_shared<prometheus::Registry>();
  DatabaseOptions options;
  options.registry = registry;
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(IsOk(Execute(*db, "CREATE TABLE rows (network_id TEXT PRIMARY KEY, n BIGINT)")));
  ASSERT_TRUE(IsOk(Execute(*db, "INSERT INTO rows (network_id, n) VALUES ('a', 0), ('b', 0)")));

  absl::Notification locked[2];
  absl::Status results[2];
  auto cross = [&](int self) {
    const std::string mine = self == 0 ? "a" : "b", theirs = self == 0 ? "b" : "a";
    int attempt = 0;
    results[self] = db->Transact([&](Session& session) -> absl::Status {
      const std::string update = "UPDATE rows SET n = n + 1 WHERE network_id = ?";
      RETURN_IF_ERROR(session.Execute(update, {mine}).status());
      if (++attempt == 1) {
        // Each holds its row and then asks for the other's.
        locked[self].Notify();
        if (!locked[1 - self].WaitForNotificationWithTimeout(absl::Seconds(10))) {
          return absl::DeadlineExceededError("the other transaction never locked");
        }
      }
      return session.Execute(update, {theirs}).status();
    });
  };
  std::thread first(cross, 0), second(cross, 1);
  first.join();
  second.join();
  EXPECT_TRUE(IsOk(results[0]));
  EXPECT_TRUE(IsOk(results[1]));
  absl::StatusOr<std::vector<Row>> rows = Query(*db, "SELECT n FROM rows ORDER BY network_id");
  ASSERT_TRUE(IsOk(rows));
  EXPECT_EQ(rows->at(0).Int(0), 2);
  EXPECT_EQ(rows->at(1).Int(0), 2);
  EXPECT_GE(Retries(*registry, "conflict"), 1);
}

TEST_F(PostgresDatabaseTest, ReadKeepsOneSnapshotWhileAWriterCommits) {
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(IsOk(Execute(*db, "CREATE TABLE t (network_id TEXT)")));
  ASSERT_TRUE(IsOk(Execute(*db, "INSERT INTO t (network_id) VALUES ('a')")));
  int64_t before = -1, during = -1;
  ASSERT_TRUE(IsOk(db->Read([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query("SELECT COUNT(*) FROM t"));
    before = rows.at(0).Int(0);
    absl::Status write;
    std::thread writer([&] { write = Execute(*db, "INSERT INTO t (network_id) VALUES ('b')"); });
    writer.join();
    RETURN_IF_ERROR(write);
    ASSIGN_OR_RETURN(rows, session.Query("SELECT COUNT(*) FROM t"));
    during = rows.at(0).Int(0);
    return absl::OkStatus();
  })));
  EXPECT_EQ(before, 1);
  EXPECT_EQ(during, 1);
  EXPECT_EQ(Query(*db, "SELECT COUNT(*) FROM t")->at(0).Int(0), 2);
}

TEST_F(PostgresDatabaseTest, ReadsBeyondThePoolSizeWaitForAConnection) {
  DatabaseOptions options;
  options.pool_size = 2;
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  constexpr int kReaders = 5;
  std::atomic<int> inside{0}, most_inside{0};
  std::atomic<int64_t> most_backends{0};
  std::vector<absl::Status> results(kReaders);
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&, r] {
      results[r] = db->Read([&](Session& session) -> absl::Status {
        const int now = ++inside;
        for (int seen = most_inside; now > seen && !most_inside.compare_exchange_weak(seen, now);) {
        }
        ASSIGN_OR_RETURN(std::vector<Row> rows,
                         session.Query("SELECT COUNT(*) FROM pg_stat_activity "
                                       "WHERE datname = current_database() "
                                       "AND backend_type = 'client backend'"));
        const int64_t backends = rows.at(0).Int(0);
        for (int64_t seen = most_backends;
             backends > seen && !most_backends.compare_exchange_weak(seen, backends);) {
        }
        absl::SleepFor(absl::Milliseconds(100));
        --inside;
        return absl::OkStatus();
      });
    });
  }
  for (std::thread& reader : readers) reader.join();
  for (const absl::Status& result : results) EXPECT_TRUE(IsOk(result));
  EXPECT_EQ(most_inside.load(), 2);
  EXPECT_EQ(most_backends.load(), 2) << "no connection beyond the pool's two was opened";
}

TEST_F(PostgresDatabaseTest, CallStillWaitingForAConnectionAfterTheTimeoutIsUnavailable) {
  DatabaseOptions options;
  options.pool_size = 1;
  options.statement_timeout = absl::Milliseconds(300);
  std::unique_ptr<Database> db = Open(options);
  ASSERT_NE(db, nullptr);
  absl::Status waiting;
  absl::Duration waited;
  ASSERT_TRUE(IsOk(db->Read([&](Session&) {
    // The pool's one connection is this Read's until it returns.
    std::thread other([&] {
      const absl::Time start = absl::Now();
      waiting = db->Read([](Session& session) { return session.Query("SELECT 1").status(); });
      waited = absl::Now() - start;
    });
    other.join();
    return absl::OkStatus();
  })));
  EXPECT_EQ(waiting.code(), absl::StatusCode::kUnavailable) << waiting;
  EXPECT_GE(waited, absl::Milliseconds(250));
  EXPECT_TRUE(IsOk(Query(*db, "SELECT 1")));
}

TEST_F(PostgresDatabaseTest, ReplicasStartingTogetherApplyEachMigrationOnce) {
  const std::vector<Migration> migrations = {
      {1, "create notes", "CREATE TABLE notes (network_id TEXT NOT NULL, body TEXT NOT NULL)"},
      {2, "seed notes", "INSERT INTO notes (network_id, body) VALUES ('a', 'first')"},
  };
  constexpr int kReplicas = 4;
  std::vector<absl::Status> results(kReplicas);
  std::vector<std::thread> replicas;
  for (int r = 0; r < kReplicas; ++r) {
    replicas.emplace_back([&, r] {
      absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url_);
      results[r] = db.ok() ? (*db)->Migrate("notes", migrations) : db.status();
    });
  }
  for (std::thread& replica : replicas) replica.join();
  for (const absl::Status& result : results) EXPECT_TRUE(IsOk(result));
  std::unique_ptr<Database> db = Open();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(Query(*db, "SELECT body FROM notes")->size(), 1u) << "the seed ran once";
  absl::StatusOr<std::vector<Row>> applied =
      Query(*db, "SELECT component, COUNT(*) FROM schema_migrations GROUP BY component");
  ASSERT_TRUE(IsOk(applied));
  for (const Row& row : *applied) {
    const int64_t expected = row.Text(0) == kPlatformComponent
                                 ? static_cast<int64_t>(PlatformMigrations().size())
                                 : static_cast<int64_t>(migrations.size());
    EXPECT_EQ(row.Int(1), expected) << row.Text(0);
  }
}

TEST_F(PostgresDatabaseTest, DatabaseWithoutTheCCollationIsRefusedSayingHowToCreateIt) {
  const std::vector<std::pair<std::string, std::string>> databases = {
      {"collate_libc", "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"},
      // PostgreSQL 15: datcollate says C, but ICU collates.
      {"collate_icu", "LC_COLLATE 'C' LC_CTYPE 'C' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"},
  };
  for (const auto& [name, locale] : databases) {
    ASSERT_TRUE(IsOk(server_->Execute(
        absl::StrCat("CREATE DATABASE ", name, " TEMPLATE template0 ENCODING 'UTF8' ", locale))));
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(server_->Url(name));
    EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition) << name;
    EXPECT_TRUE(absl::StrContains(db.status().message(),
                                  absl::StrCat("CREATE DATABASE \"", name,
                                               "\" TEMPLATE template0 ENCODING 'UTF8' "
                                               "LC_COLLATE 'C' LC_CTYPE 'C'")))
        << db.status();
    EXPECT_TRUE(IsOk(server_->DropDatabase(name)));
  }
}

TEST_F(PostgresDatabaseTest, PasswordNeverAppearsInAnError) {
  const std::string kWrong = "Wr0ng-Passw0rd";
  const std::string host = absl::StrCat("127.0.0.1:", server_->port());
  const std::vector<std::string> urls = {
      // Authentication fails.
      absl::StrCat("postgres://", PostgresServer::kSuperuser, ":", kWrong, "@", host, "/", name_),
      absl::StrCat("postgresql://", host, "/", name_, "?user=", PostgresServer::kSuperuser,
                   "&password=", kWrong),
      // Nothing listens there.
      absl::StrCat("postgres://u:", kWrong, "@127.0.0.1:1/", name_),
      // libpq cannot parse it, and quotes the part it chokes on.
      absl::StrCat("postgres://u:", kWrong, "%zz@", host, "/", name_),
      // The right password, a database that does not exist.
      absl::StrCat("postgres://", PostgresServer::kSuperuser, ":", server_->password(), "@", host,
                   "/no_such_database"),
  };
  for (const std::string& url : urls) {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url);
    ASSERT_FALSE(db.ok()) << url;
    const std::string error = db.status().ToString();
    EXPECT_FALSE(absl::StrContains(error, kWrong)) << error;
    EXPECT_FALSE(absl::StrContains(error, server_->password())) << error;
  }
  absl::StatusOr<std::unique_ptr<Database>> wrong = OpenDatabase(urls[0]);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(wrong.status().message(), "password authentication failed"))
      << wrong.status();
  absl::StatusOr<std::unique_ptr<Database>> malformed = OpenDatabase(urls[3]);
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kInvalidArgument);
}

// A server of the test's own, to stop and start.
class PostgresRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<PostgresServer>> server = PostgresServer::Create();
    ASSERT_TRUE(IsOk(server));
    server_ = *std::move(server);
    absl::StatusOr<std::string> url = server_->CreateDatabase("restarted");
    ASSERT_TRUE(IsOk(url));
    options_.registry = registry_;
    options_.pool_size = 2;
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(*url, options_);
    ASSERT_TRUE(IsOk(db));
    db_ = *std::move(db);
    ASSERT_TRUE(IsOk(Execute(*db_, "CREATE TABLE t (network_id TEXT)")));
    // Both pooled connections open: a second Read while the first holds one.
    ASSERT_TRUE(IsOk(db_->Read([&](Session&) {
      absl::Status inner;
      std::thread other([&] { inner = Query(*db_, "SELECT 1").status(); });
      other.join();
      return inner;
    })));
  }

  absl::Status Insert() { return Execute(*db_, "INSERT INTO t (network_id) VALUES ('a')"); }

  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  DatabaseOptions options_;
  std::unique_ptr<PostgresServer> server_;
  std::unique_ptr<Database> db_;
};

TEST_F(PostgresRestartTest, CallsDuringAnOutageAreUnavailableAndSucceedAfterTheRestart) {
  ASSERT_TRUE(IsOk(server_->Stop()));
  EXPECT_EQ(Insert().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Query(*db_, "SELECT COUNT(*) FROM t").status().code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(IsOk(server_->Start()));
  EXPECT_TRUE(IsOk(Insert()));
  absl::StatusOr<std::vector<Row>> count = Query(*db_, "SELECT COUNT(*) FROM t");
  ASSERT_TRUE(IsOk(count));
  EXPECT_EQ(count->at(0).Int(0), 1);
}

TEST_F(PostgresRestartTest, PooledConnectionsClosedByARestartAreReplaced) {
  ASSERT_TRUE(IsOk(server_->Stop()));
  ASSERT_TRUE(IsOk(server_->Start()));
  // Every call succeeds, the first ones included: none fails on a connection the restart closed.
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsOk(Insert())) << i;
    EXPECT_TRUE(IsOk(Query(*db_, "SELECT COUNT(*) FROM t"))) << i;
  }
  EXPECT_EQ(Retries(*registry_, "reconnect"), 2) << "both pooled connections were replaced";
}

}  // namespace
}  // namespace coalition::storage
