#include "libs/storage/database.h"

#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/storage/migrations.h"
#include "libs/storage/store_metrics.h"
#include "libs/testing/metrics.h"
#include "prometheus/registry.h"

namespace coalition::storage {
namespace {

TEST(RowTest, NullReadsAsZeroValues) {
  const Row row({Null{}});
  EXPECT_TRUE(row.IsNull(0));
  EXPECT_EQ(row.Int(0), 0);
  EXPECT_EQ(row.Real(0), 0.0);
  EXPECT_EQ(row.Text(0), "");
}

TEST(RowTest, NeighbouringTypesConvert) {
  const Row row({int64_t{7}, 2.5, std::string("42"), std::string("x"), 0.1});
  EXPECT_EQ(row.Real(0), 7.0);
  EXPECT_EQ(row.Text(0), "7");
  EXPECT_EQ(row.Int(1), 2);
  EXPECT_EQ(row.Int(2), 42);
  EXPECT_EQ(row.Real(2), 42.0);
  EXPECT_EQ(row.Int(3), 0);
  EXPECT_EQ(std::stod(row.Text(4)), 0.1) << "text of a double parses back to it exactly";
}

TEST(RowTest, UnrepresentableDoubleReadsAsZeroInt) {
  const Row row({std::numeric_limits<double>::quiet_NaN(), 1e300});
  EXPECT_EQ(row.Int(0), 0);
  EXPECT_EQ(row.Int(1), 0);
}

TEST(OpenDatabaseTest, PostgresUrlOfAClosedPortIsUnavailableWithoutItsPassword) {
  // Nothing listens on port 1 of the loopback: the connection is refused at once.
  for (const char* url :
       {"postgres://u:hunter2@127.0.0.1:1/coalition", "postgresql://u:hunter2@127.0.0.1:1/x"}) {
    absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url);
    EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << url << ": " << db.status();
    EXPECT_EQ(db.status().ToString().find("hunter2"), std::string::npos) << db.status();
  }
}

TEST(OpenDatabaseTest, UnknownSchemeIsInvalidStoreWithoutEchoingIt) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("mysql://u:hunter2@db/x");
  EXPECT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(db.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "store");
  EXPECT_EQ(std::string(db.status().message()).find("hunter2"), std::string::npos);
}

TEST(OpenDatabaseTest, SqliteWithoutPathIsInvalidStore) {
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase("sqlite:");
  EXPECT_EQ(db.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(db.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "store");
}

TEST(ValidateMigrationsTest, AcceptsIncreasingVersionsWithGaps) {
  EXPECT_TRUE(ValidateMigrations("c", {{1, "a", ""}, {2, "b", ""}, {5, "c", ""}}).ok());
  EXPECT_TRUE(ValidateMigrations("c", {}).ok());
}

TEST(ValidateMigrationsTest, RejectsUnnamedComponent) {
  EXPECT_EQ(ValidateMigrations("", {{1, "a", ""}}).code(), absl::StatusCode::kInvalidArgument);
}

TEST(StoreMetricsTest, OutcomeSeparatesConflictsFromErrors) {
  EXPECT_EQ(StoreMetrics::OutcomeOf(absl::OkStatus()), "ok");
  EXPECT_EQ(StoreMetrics::OutcomeOf(absl::AlreadyExistsError("")), "conflict");
  EXPECT_EQ(StoreMetrics::OutcomeOf(absl::UnavailableError("")), "conflict");
  EXPECT_EQ(StoreMetrics::OutcomeOf(absl::AbortedError("")), "conflict");
  EXPECT_EQ(StoreMetrics::OutcomeOf(absl::InternalError("")), "error");
  EXPECT_EQ(StoreMetrics::OutcomeOf(absl::NotFoundError("")), "error");
}

TEST(StoreMetricsTest, NullRegistryRecordsNothing) {
  StoreMetrics metrics(nullptr, "sqlite");
  metrics.Record(StoreOperation::kRead, absl::OkStatus(), absl::Milliseconds(1));
}

TEST(StoreMetricsTest, RetriesAreCountedByReason) {
  prometheus::Registry registry;
  StoreMetrics metrics(&registry, "postgres");
  metrics.RecordRetry(StoreRetry::kConflict);
  metrics.RecordRetry(StoreRetry::kConflict);
  metrics.RecordRetry(StoreRetry::kReconnect);
  EXPECT_EQ(coalition::testing::CounterValue(registry, "coalition_store_retries_total",
                                             {{"backend", "postgres"}, {"reason", "conflict"}}),
            2);
  EXPECT_EQ(coalition::testing::CounterValue(registry, "coalition_store_retries_total",
                                             {{"backend", "postgres"}, {"reason", "reconnect"}}),
            1);
}

}  // namespace
}  // namespace coalition::storage
