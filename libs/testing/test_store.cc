#include "libs/testing/test_store.h"

#include <unistd.h>

#include <cstdlib>
#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/status.h"
#include "libs/testing/postgres_server.h"

namespace coalition::testing {

bool TestStoreIsPostgres() {
  const char* store = std::getenv("COALITION_TEST_STORE");
  return store != nullptr && std::string(store) == "postgres";
}

absl::StatusOr<std::string> TestStoreUrl(const std::string& dir, const std::string& name) {
  if (!TestStoreIsPostgres()) return absl::StrCat("sqlite:", dir, "/", name, ".db");
  ABSL_CONST_INIT static absl::Mutex mu(absl::kConstInit);
  static auto* const urls = new std::map<std::pair<std::string, std::string>, std::string>();
  absl::MutexLock lock(&mu);
  auto found = urls->find({dir, name});
  if (found != urls->end()) return found->second;
  ASSIGN_OR_RETURN(PostgresServer * server, PostgresServer::Shared());
  // Test processes of one run share the server: the pid keeps their databases apart. They are
  // left for the server's end, since a service process may outlive the test's own objects.
  std::string database;
  for (char c : name) database.push_back(absl::ascii_isalnum(c) ? absl::ascii_tolower(c) : '_');
  database = absl::StrCat("it_", database, "_", getpid(), "_", urls->size() + 1);
  ASSIGN_OR_RETURN(std::string url, server->CreateDatabase(database));
  urls->emplace(std::make_pair(dir, name), url);
  return url;
}

}  // namespace coalition::testing
