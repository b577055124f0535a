#include "libs/storage/migrations.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "libs/core/status.h"

namespace coalition::storage {

absl::Status ValidateMigrations(absl::string_view component,
                                const std::vector<Migration>& migrations) {
  if (component.empty()) return absl::InvalidArgumentError("a migration component needs a name");
  int previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= previous) {
      return absl::InvalidArgumentError(absl::StrCat(
          "migrations of ", component, " must have strictly increasing versions from 1; version ",
          migration.version, " (", migration.name, ") follows ", previous));
    }
    previous = migration.version;
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> StoredMigrationVersion(Session& session, absl::string_view component) {
  ASSIGN_OR_RETURN(std::vector<Row> rows,
                   session.Query("SELECT MAX(version) FROM schema_migrations WHERE component = ?",
                                 {std::string(component)}));
  if (rows.empty()) return 0;
  return rows[0].Int(0);
}

absl::Status CheckStoreNotAhead(absl::string_view component, int64_t stored, int64_t known) {
  if (stored <= known) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("the store has ", component, " schema version ",
                                                    stored, " but this binary knows only up to ",
                                                    known, "; run a newer release"));
}

absl::Status RecordMigration(Session& session, absl::string_view component,
                             const Migration& migration, absl::Time applied_at) {
  return session
      .Execute(
          "INSERT INTO schema_migrations (component, version, name, applied_at) "
          "VALUES (?, ?, ?, ?)",
          {std::string(component), static_cast<int64_t>(migration.version), migration.name,
           absl::ToUnixMicros(applied_at)})
      .status();
}

absl::Status ApplyMigration(Session& session, absl::string_view component,
                            const Migration& migration, int64_t known,
                            absl::FunctionRef<absl::Status(const std::string& sql)> exec) {
  ASSIGN_OR_RETURN(const int64_t stored, StoredMigrationVersion(session, component));
  RETURN_IF_ERROR(CheckStoreNotAhead(component, stored, known));
  if (stored >= migration.version) return absl::OkStatus();
  absl::Status applied = exec(migration.sql);
  if (!applied.ok()) {
    return absl::Status(applied.code(),
                        absl::StrCat("migration ", component, " ", migration.version, " (",
                                     migration.name, "): ", applied.message()));
  }
  return RecordMigration(session, component, migration, absl::Now());
}

}  // namespace coalition::storage
