#ifndef COALITION_LIBS_STORAGE_SQLITE_DATABASE_H_
#define COALITION_LIBS_STORAGE_SQLITE_DATABASE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/storage/database.h"

namespace coalition::storage {

// Opens (creating it and its parent directory if missing) the SQLite store at `path`, or a
// private in-memory store for ":memory:". Runs no migrations; OpenDatabase does.
//
// One writer connection, serialized in-process, runs every Transact (BEGIN IMMEDIATE); up to
// options.read_connections read-only connections serve Read, each on its own WAL snapshot.
// An in-memory store has a single connection, so its reads wait for its writes.
// Settings: WAL, synchronous=FULL, foreign_keys=ON, busy_timeout (docs/storage.md says why).
absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(absl::string_view path,
                                                             const DatabaseOptions& options = {});

}  // namespace coalition::storage

#endif  // COALITION_LIBS_STORAGE_SQLITE_DATABASE_H_
