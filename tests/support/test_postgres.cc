// test-postgres start FILE | stop FILE
//
// The PostgreSQL server a whole ctest run shares (the "postgres" fixture of tests/CMakeLists.txt):
// starting one per test process would cost every test an initdb. `start` leaves a keeper
// process behind that owns a testing::PostgresServer (a throwaway cluster on a free loopback
// port) and describes it in FILE for PostgresServer::Attach; `stop` ends the keeper, which stops
// the server and removes its cluster. A keeper nobody stops ends itself after kMaxLifetime.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/testing/postgres_server.h"

namespace {

using coalition::testing::PostgresServer;

constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kStopTimeout = absl::Seconds(30);
constexpr absl::Duration kMaxLifetime = absl::Hours(3);

std::string PidFile(const std::string& file) { return file + ".keeper"; }

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

// Runs in the keeper: the server lives until SIGTERM, SIGINT or kMaxLifetime.
int Keep(const std::string& file) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  absl::StatusOr<std::unique_ptr<PostgresServer>> server = PostgresServer::Create();
  if (!server.ok()) {
    std::fprintf(stderr, "test-postgres: %s\n", server.status().ToString().c_str());
    return 1;
  }
  {
    std::ofstream pid(PidFile(file), std::ios::trunc);
    pid << getpid() << "\n";
  }
  if (absl::Status shared = (*server)->Share(file); !shared.ok()) {
    std::fprintf(stderr, "test-postgres: %s\n", shared.ToString().c_str());
    return 1;
  }
  const timespec lifetime = absl::ToTimespec(kMaxLifetime);
  sigtimedwait(&stop_signals, nullptr, &lifetime);
  std::remove(file.c_str());
  server->reset();  // stops the server and removes its cluster
  std::remove(PidFile(file).c_str());
  return 0;
}

int Stop(const std::string& file) {
  std::ifstream in(PidFile(file));
  pid_t keeper = 0;
  if (!(in >> keeper) || keeper <= 0) {
    std::remove(file.c_str());
    return 0;  // nothing running
  }
  if (kill(keeper, SIGTERM) != 0 && errno == ESRCH) {
    std::remove(file.c_str());
    std::remove(PidFile(file).c_str());
    return 0;
  }
  const absl::Time deadline = absl::Now() + kStopTimeout;
  while (Exists(PidFile(file)) && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(50));
  if (Exists(PidFile(file))) {
    std::fprintf(stderr, "test-postgres: the keeper (pid %d) did not stop\n", keeper);
    return 1;
  }
  return 0;
}

int Start(const std::string& file) {
  Stop(file);  // a keeper of an earlier, interrupted run
  const pid_t keeper = fork();
  if (keeper < 0) {
    std::perror("test-postgres: fork");
    return 1;
  }
  if (keeper == 0) {
    setsid();  // outlives this command, which ctest waits for
    // Nothing of ctest's stays open in the keeper, or ctest would wait for it to end.
    std::freopen("/dev/null", "r", stdin);
    std::freopen((file + ".log").c_str(), "w", stdout);
    std::freopen((file + ".log").c_str(), "a", stderr);
    _exit(Keep(file));
  }
  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (absl::Now() < deadline) {
    if (Exists(file)) {
      std::printf("test-postgres: shared server described in %s\n", file.c_str());
      return 0;
    }
    int status = 0;
    if (waitpid(keeper, &status, WNOHANG) == keeper) {
      std::fprintf(stderr,
                   "test-postgres: the keeper exited before the server was ready; see %s.log\n",
                   file.c_str());
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(50));
  }
  kill(keeper, SIGTERM);
  std::fprintf(stderr, "test-postgres: no server within %s\n",
               absl::FormatDuration(kStartTimeout).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "start") != 0 && std::strcmp(argv[1], "stop") != 0)) {
    std::fprintf(stderr, "usage: test-postgres start|stop FILE\n");
    return 2;
  }
  return std::strcmp(argv[1], "start") == 0 ? Start(argv[2]) : Stop(argv[2]);
}
