#ifndef COALITION_LIBS_STORAGE_MIGRATIONS_H_
#define COALITION_LIBS_STORAGE_MIGRATIONS_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/storage/database.h"

// The backend-neutral half of Database::Migrate, so every backend keeps the same bookkeeping.
namespace coalition::storage {

// Portable DDL of the table that records which migrations a store has.
inline constexpr absl::string_view kSchemaMigrationsDdl =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "component TEXT NOT NULL, "
    "version BIGINT NOT NULL, "
    "name TEXT NOT NULL, "
    "applied_at BIGINT NOT NULL, "
    "PRIMARY KEY (component, version))";

// INVALID_ARGUMENT unless `component` is named and the versions start at 1 or more and strictly
// increase: a list out of order would apply schema changes in the wrong order.
absl::Status ValidateMigrations(absl::string_view component,
                                const std::vector<Migration>& migrations);

// The highest version of `component` recorded in the store, 0 when none.
absl::StatusOr<int64_t> StoredMigrationVersion(Session& session, absl::string_view component);

// FAILED_PRECONDITION when the store was migrated by newer code than this binary: running old
// code against a newer schema could corrupt it.
absl::Status CheckStoreNotAhead(absl::string_view component, int64_t stored, int64_t known);

absl::Status RecordMigration(Session& session, absl::string_view component,
                             const Migration& migration, absl::Time applied_at);

// One step of Migrate, in the backend's migration transaction: reads the stored version again
// (another process may have migrated since), refuses a store ahead of `known`, and unless the
// store has `migration` already, runs its SQL through `exec` and records it. A failed script's
// error names the migration.
absl::Status ApplyMigration(Session& session, absl::string_view component,
                            const Migration& migration, int64_t known,
                            absl::FunctionRef<absl::Status(const std::string& sql)> exec);

}  // namespace coalition::storage

#endif  // COALITION_LIBS_STORAGE_MIGRATIONS_H_
