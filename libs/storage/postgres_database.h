#ifndef COALITION_LIBS_STORAGE_POSTGRES_DATABASE_H_
#define COALITION_LIBS_STORAGE_POSTGRES_DATABASE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/storage/database.h"

namespace coalition::storage {

// Opens the PostgreSQL store at `url` ("postgres://user:password@host:port/db?sslmode=..."),
// which goes to libpq unchanged. Runs no migrations; OpenDatabase does.
//
// Up to options.pool_size connections, opened on demand, serve Transact (SERIALIZABLE, run
// again on a serialization failure or deadlock) and Read (REPEATABLE READ READ ONLY). Each
// connection caches its prepared statements by SQL text. A server that cannot be reached is
// UNAVAILABLE; a database whose collation is not "C" is FAILED_PRECONDITION, since text must
// sort byte-wise as on SQLite. No error message carries the URL's password.
// docs/storage.md says why each choice.
absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(absl::string_view url,
                                                               const DatabaseOptions& options = {});

// SQL with the portable "?" placeholders numbered $1..$n for PostgreSQL. A "?" inside a string
// literal ('...', '' escaping a quote), a quoted identifier ("...") or a comment (-- to the end
// of the line, /* ... */ nested) stays as it is. Backend-specific forms the portable subset
// does not allow (E'...', $$...$$, the jsonb ? operators) are not recognised.
struct PostgresSql {
  std::string text;
  int parameters = 0;
};
PostgresSql ToPostgresPlaceholders(absl::string_view sql);

}  // namespace coalition::storage

#endif  // COALITION_LIBS_STORAGE_POSTGRES_DATABASE_H_
