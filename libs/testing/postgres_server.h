#ifndef COALITION_LIBS_TESTING_POSTGRES_SERVER_H_
#define COALITION_LIBS_TESTING_POSTGRES_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/testing/temp_dir.h"

namespace coalition::testing {

// A throwaway PostgreSQL server for tests that need the real thing: a cluster made by initdb
// in a temporary directory (C locale, UTF8, a superuser with a random password), served on
// 127.0.0.1 and a free port, its unix socket in that directory. Durability is off (fsync),
// which only matters if the machine crashes.
//
// Run as root, initdb and the server run as the `postgres` user, since PostgreSQL refuses root.
class PostgresServer {
 public:
  // Where initdb and postgres are; $COALITION_POSTGRES_BINDIR overrides it.
  static constexpr char kDefaultBinDir[] = "/usr/lib/postgresql/15/bin";
  static constexpr char kSuperuser[] = "coalition";

  // Creates the cluster and starts its server, waiting until it accepts connections.
  // FAILED_PRECONDITION when the binaries are missing: CI installs postgresql, so a missing one
  // is an error, not a reason to skip.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Create();

  // The server another process started and shares (tools/test-postgres, which ctest runs as the
  // fixture of every test): what `file` says (written by Share), if that server answers.
  static absl::StatusOr<std::unique_ptr<PostgresServer>> Attach(const std::string& file);
  // Writes where this server is and how to log in to `file`, for Attach (owner-only mode).
  absl::Status Share(const std::string& file) const;

  // One server for the whole test binary: the ctest run's shared one when its file (see
  // kSharedFile in the build) attaches, otherwise one created on first use and removed at exit.
  // Every server is also told to stop when the thread that created it ends, so a test that
  // crashes or is killed leaves no server running (only its directory): create it from the
  // test's main thread, as gtest's SetUp does, not from a thread the test starts.
  static absl::StatusOr<PostgresServer*> Shared();

  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  // Stops the server (fast shutdown) and removes the cluster.
  ~PostgresServer();

  int port() const { return port_; }
  const std::string& password() const { return password_; }
  bool running() const { return pid_ > 0; }

  // The superuser's URL of `database` on this server.
  std::string Url(absl::string_view database) const;

  // A new database `name` (lower-case letters, digits, '_') with the C collation and UTF8, as
  // the store needs; returns its URL.
  absl::StatusOr<std::string> CreateDatabase(absl::string_view name);
  // Drops `name`, closing any connection still open to it.
  absl::Status DropDatabase(absl::string_view name);
  // Runs `sql` as the superuser in the maintenance database "postgres".
  absl::Status Execute(absl::string_view sql);

  // Fast shutdown (clients are disconnected at once); the data and the port stay.
  absl::Status Stop();
  // Starts the stopped server again on the same data and port.
  absl::Status Start();

 private:
  struct RunAs {
    uid_t uid;
    gid_t gid;
  };

  PostgresServer(std::string bin_dir, std::optional<TempDir> dir, std::optional<RunAs> run_as,
                 int port, std::string password)
      : bin_dir_(std::move(bin_dir)),
        dir_(std::move(dir)),
        run_as_(run_as),
        port_(port),
        password_(std::move(password)) {}

  // Forks and runs `args` as run_as_ (when set), stdin from /dev/null, stdout and stderr
  // appended to `log`.
  absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& args, const std::string& log) const;
  absl::Status InitDb();
  absl::Status WaitUntilReady();
  // Waits up to `timeout` for the server to exit; false if it has not.
  bool Reap(absl::Duration timeout);
  std::string LogTail() const;
  std::string data_dir() const { return dir_->path() + "/data"; }
  std::string log_path() const { return dir_->path() + "/server.log"; }

  const std::string bin_dir_;
  const std::optional<TempDir>
      dir_;  // none for an attached server, which this process does not own
  const std::optional<RunAs> run_as_;
  const int port_;
  const std::string password_;
  pid_t pid_ = -1;
};

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_POSTGRES_SERVER_H_
