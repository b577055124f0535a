#include "libs/storage/sqlite_database.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/storage/platform_tables.h"
#include "tests/unit/storage/test_backends.h"

namespace coalition::storage {
namespace {

using storage::testing::IsOk;

// A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "coalition-storage-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  std::string File(absl::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

absl::StatusOr<int64_t> ReadInt(Database& db, const std::string& sql) {
  int64_t value = 0;
  RETURN_IF_ERROR(db.Read([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query(sql));
    value = rows.at(0).Int(0);
    return absl::OkStatus();
  }));
  return value;
}

absl::Status Execute(Database& db, const std::string& sql, const std::vector<Value>& params = {}) {
  return db.Transact([&](Session& session) { return session.Execute(sql, params).status(); });
}

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(dir_.ok()); }
  TempDir dir_;
};

TEST_F(SqliteDatabaseTest, FileIsInWalModeWithSynchronousFull) {
  const std::string path = dir_.File("store.db");
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite:" + path);
  ASSERT_TRUE(IsOk(db));
  EXPECT_EQ((*db)->backend(), "sqlite");

  // journal_mode=WAL is stored in the file: an independent connection sees it.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &stmt, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
  sqlite3_finalize(stmt);
  sqlite3_close(raw);

  // synchronous is per connection: 2 is FULL, on the writer and on the readers.
  int64_t writer_synchronous = -1;
  ASSERT_TRUE(IsOk((*db)->Transact([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query("PRAGMA synchronous"));
    writer_synchronous = rows.at(0).Int(0);
    ASSIGN_OR_RETURN(std::vector<Row> keys, session.Query("PRAGMA foreign_keys"));
    if (keys.at(0).Int(0) != 1) return absl::InternalError("foreign_keys is off");
    return absl::OkStatus();
  })));
  EXPECT_EQ(writer_synchronous, 2);
  absl::StatusOr<int64_t> reader_synchronous = ReadInt(**db, "PRAGMA synchronous");
  ASSERT_TRUE(IsOk(reader_synchronous));
  EXPECT_EQ(*reader_synchronous, 2);
}

TEST_F(SqliteDatabaseTest, ForeignKeysAreEnforced) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite:" + dir_.File("store.db"));
  ASSERT_TRUE(IsOk(db));
  ASSERT_TRUE(IsOk(Execute(**db, "CREATE TABLE parents (id TEXT PRIMARY KEY)")));
  ASSERT_TRUE(IsOk(Execute(**db,
                           "CREATE TABLE children (id TEXT PRIMARY KEY, "
                           "parent TEXT NOT NULL REFERENCES parents (id))")));
  absl::Status status = Execute(**db, "INSERT INTO children (id, parent) VALUES ('c', 'none')");
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
}

TEST_F(SqliteDatabaseTest, ParentDirectoryIsCreated) {
  const std::string path = dir_.File("deep/er/store.db");
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite:" + path);
  ASSERT_TRUE(IsOk(db));
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(SqliteDatabaseTest, UncreatableDirectoryIsAnErrorNotACrash) {
  // A regular file where the directory should be.
  std::ofstream(dir_.File("blocker.db")) << "not a directory";
  absl::StatusOr<std::unique_ptr<Database>> db =
      OpenDatabase("sqlite:" + dir_.File("blocker.db/store.db"));
  EXPECT_FALSE(db.ok());
}

TEST_F(SqliteDatabaseTest, DataSurvivesCloseAndReopen) {
  const std::string url = "sqlite:" + dir_.File("store.db");
  {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url);
    ASSERT_TRUE(IsOk(db));
    ASSERT_TRUE(IsOk(Execute(**db, "CREATE TABLE kept (network_id TEXT, n BIGINT)")));
    ASSERT_TRUE(IsOk(Execute(**db, "INSERT INTO kept (network_id, n) VALUES (?, ?)",
                             {std::string("a"), int64_t{42}})));
  }
  absl::StatusOr<std::unique_ptr<Database>> reopened = OpenDatabase(url);
  ASSERT_TRUE(IsOk(reopened));
  absl::StatusOr<int64_t> n = ReadInt(**reopened, "SELECT n FROM kept");
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 42);
}

TEST_F(SqliteDatabaseTest, StoreSecretSurvivesReopen) {
  const std::string url = "sqlite:" + dir_.File("store.db");
  std::string first;
  {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url);
    ASSERT_TRUE(IsOk(db));
    absl::StatusOr<std::string> secret = StoreSecret(**db, "page-token");
    ASSERT_TRUE(IsOk(secret));
    first = *secret;
  }
  absl::StatusOr<std::unique_ptr<Database>> reopened = OpenDatabase(url);
  ASSERT_TRUE(IsOk(reopened));
  absl::StatusOr<std::string> again = StoreSecret(**reopened, "page-token");
  ASSERT_TRUE(IsOk(again));
  EXPECT_EQ(*again, first);
}

TEST_F(SqliteDatabaseTest, ReopeningRunsNoMigrationTwice) {
  const std::string url = "sqlite:" + dir_.File("store.db");
  ASSERT_TRUE(IsOk(OpenDatabase(url)));
  absl::StatusOr<std::unique_ptr<Database>> reopened = OpenDatabase(url);
  ASSERT_TRUE(IsOk(reopened));
  absl::StatusOr<int64_t> rows =
      ReadInt(**reopened, "SELECT COUNT(*) FROM schema_migrations WHERE component = 'platform'");
  ASSERT_TRUE(IsOk(rows));
  EXPECT_EQ(*rows, static_cast<int64_t>(PlatformMigrations().size()));
}

TEST_F(SqliteDatabaseTest, ReadKeepsOneSnapshotWhileWriterCommits) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite:" + dir_.File("store.db"));
  ASSERT_TRUE(IsOk(db));
  ASSERT_TRUE(IsOk(Execute(**db, "CREATE TABLE t (network_id TEXT)")));
  ASSERT_TRUE(IsOk(Execute(**db, "INSERT INTO t (network_id) VALUES ('a')")));
  int64_t before = -1, during = -1;
  ASSERT_TRUE(IsOk((*db)->Read([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query("SELECT COUNT(*) FROM t"));
    before = rows.at(0).Int(0);
    // The writer does not wait for the reader, and its commit stays invisible to it.
    absl::Status write;
    std::thread writer([&] { write = Execute(**db, "INSERT INTO t (network_id) VALUES ('b')"); });
    writer.join();
    RETURN_IF_ERROR(write);
    ASSIGN_OR_RETURN(rows, session.Query("SELECT COUNT(*) FROM t"));
    during = rows.at(0).Int(0);
    return absl::OkStatus();
  })));
  EXPECT_EQ(before, 1);
  EXPECT_EQ(during, 1);
  absl::StatusOr<int64_t> after = ReadInt(**db, "SELECT COUNT(*) FROM t");
  ASSERT_TRUE(IsOk(after));
  EXPECT_EQ(*after, 2);
}

TEST_F(SqliteDatabaseTest, ReadsRunInParallel) {
  DatabaseOptions options;
  options.read_connections = 2;
  absl::StatusOr<std::unique_ptr<Database>> db =
      OpenDatabase("sqlite:" + dir_.File("store.db"), options);
  ASSERT_TRUE(IsOk(db));
  absl::Notification first_inside, second_done;
  absl::Status second;
  std::thread other;
  ASSERT_TRUE(IsOk((*db)->Read([&](Session&) {
    // A second Read completes while this one is still open.
    other = std::thread([&] {
      second = (*db)->Read([](Session& s) { return s.Query("SELECT 1").status(); });
      second_done.Notify();
    });
    return second_done.WaitForNotificationWithTimeout(absl::Seconds(10))
               ? absl::OkStatus()
               : absl::DeadlineExceededError("second read blocked");
  })));
  other.join();
  EXPECT_TRUE(IsOk(second));
}

TEST_F(SqliteDatabaseTest, TwoHandlesOnOneFileDoNotLoseIncrements) {
  // Two replicas sharing one file contend through SQLite's file lock, not the in-process mutex.
  const std::string url = "sqlite:" + dir_.File("store.db");
  absl::StatusOr<std::unique_ptr<Database>> a = OpenDatabase(url);
  absl::StatusOr<std::unique_ptr<Database>> b = OpenDatabase(url);
  ASSERT_TRUE(IsOk(a));
  ASSERT_TRUE(IsOk(b));
  ASSERT_TRUE(IsOk(Execute(**a, "CREATE TABLE counter (network_id TEXT PRIMARY KEY, n BIGINT)")));
  ASSERT_TRUE(IsOk(Execute(**a, "INSERT INTO counter (network_id, n) VALUES ('a', 0)")));
  constexpr int kIncrements = 40;
  std::vector<std::thread> threads;
  std::vector<absl::Status> errors(2);
  for (int t = 0; t < 2; ++t) {
    Database* db = (t == 0 ? a : b)->get();
    threads.emplace_back([db, &errors, t] {
      for (int i = 0; i < kIncrements; ++i) {
        absl::Status status = db->Transact([](Session& session) -> absl::Status {
          ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query("SELECT n FROM counter"));
          return session.Execute("UPDATE counter SET n = ?", {rows.at(0).Int(0) + 1}).status();
        });
        if (!status.ok()) errors[t] = status;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(IsOk(errors[0]));
  EXPECT_TRUE(IsOk(errors[1]));
  absl::StatusOr<int64_t> n = ReadInt(**b, "SELECT n FROM counter");
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 2 * kIncrements);
}

TEST_F(SqliteDatabaseTest, InMemoryStoresAreSeparate) {
  absl::StatusOr<std::unique_ptr<Database>> a = OpenDatabase("sqlite::memory:");
  absl::StatusOr<std::unique_ptr<Database>> b = OpenDatabase("sqlite::memory:");
  ASSERT_TRUE(IsOk(a));
  ASSERT_TRUE(IsOk(b));
  ASSERT_TRUE(IsOk(Execute(**a, "CREATE TABLE only_in_a (network_id TEXT)")));
  EXPECT_TRUE(IsOk(ReadInt(**a, "SELECT COUNT(*) FROM only_in_a")));
  EXPECT_FALSE(ReadInt(**b, "SELECT COUNT(*) FROM only_in_a").ok());
}

TEST_F(SqliteDatabaseTest, ZeroReadConnectionsReadsThroughTheWriter) {
  DatabaseOptions options;
  options.read_connections = 0;
  absl::StatusOr<std::unique_ptr<Database>> db =
      OpenDatabase("sqlite:" + dir_.File("store.db"), options);
  ASSERT_TRUE(IsOk(db));
  ASSERT_TRUE(IsOk(Execute(**db, "CREATE TABLE t (network_id TEXT)")));
  ASSERT_TRUE(IsOk(Execute(**db, "INSERT INTO t (network_id) VALUES ('a')")));
  absl::StatusOr<int64_t> n = ReadInt(**db, "SELECT COUNT(*) FROM t");
  ASSERT_TRUE(IsOk(n));
  EXPECT_EQ(*n, 1);
  EXPECT_FALSE((*db)->Read([](Session& s) { return s.Execute("DELETE FROM t").status(); }).ok());
}

TEST_F(SqliteDatabaseTest, ManyDistinctStatementsBeyondTheCacheStillRun) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite::memory:");
  ASSERT_TRUE(IsOk(db));
  ASSERT_TRUE(IsOk((*db)->Transact([](Session& session) -> absl::Status {
    for (int i = 0; i < 600; ++i) {
      ASSIGN_OR_RETURN(std::vector<Row> rows,
                       session.Query("SELECT " + std::to_string(i) + " + ?", {int64_t{1}}));
      if (rows.at(0).Int(0) != i + 1) return absl::InternalError("wrong result");
    }
    return absl::OkStatus();
  })));
}

TEST_F(SqliteDatabaseTest, CommitInsideTransactIsAnError) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite::memory:");
  ASSERT_TRUE(IsOk(db));
  absl::Status status =
      (*db)->Transact([](Session& session) { return session.Execute("COMMIT").status(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  // The store is still usable afterwards.
  EXPECT_TRUE(IsOk(Execute(**db, "CREATE TABLE t (network_id TEXT)")));
}

TEST_F(SqliteDatabaseTest, OpenSqliteDatabaseRunsNoMigrations) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenSqliteDatabase(":memory:");
  ASSERT_TRUE(IsOk(db));
  EXPECT_FALSE(ReadInt(**db, "SELECT COUNT(*) FROM request_ids").ok());
}

}  // namespace
}  // namespace coalition::storage
