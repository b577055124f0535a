#include "libs/storage/database.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "libs/core/status.h"
#include "libs/storage/platform_tables.h"
#include "libs/storage/postgres_database.h"
#include "libs/storage/sqlite_database.h"

namespace coalition::storage {

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(absl::string_view url,
                                                       const DatabaseOptions& options) {
  std::unique_ptr<Database> db;
  if (absl::ConsumePrefix(&url, "sqlite:")) {
    ASSIGN_OR_RETURN(db, OpenSqliteDatabase(url, options));
  } else if (absl::StartsWith(url, "postgres://") || absl::StartsWith(url, "postgresql://")) {
    ASSIGN_OR_RETURN(db, OpenPostgresDatabase(url, options));
  } else {
    // The URL is not echoed: a mistyped PostgreSQL URL would carry its password into logs.
    return InvalidField("store", "must be sqlite:PATH (or sqlite::memory:) or postgres://...");
  }
  RETURN_IF_ERROR(db->Migrate(kPlatformComponent, PlatformMigrations()));
  return db;
}

}  // namespace coalition::storage
