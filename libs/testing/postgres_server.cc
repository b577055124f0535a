#include "libs/testing/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "libs/core/status.h"
#include "libs/testing/free_port.h"

namespace coalition::testing {
namespace {

constexpr absl::Duration kReadyTimeout = absl::Seconds(30);
constexpr absl::Duration kStopTimeout = absl::Seconds(20);
constexpr int kPortAttempts = 5;

std::string ReadTail(const std::string& path) {
  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  std::string text = contents.str();
  constexpr size_t kTail = 2000;
  if (text.size() > kTail) text = text.substr(text.size() - kTail);
  return text.empty() ? "(no output)" : text;
}

bool IsDatabaseName(absl::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_') return false;
  }
  return true;
}

std::string RandomPassword() {
  absl::BitGen bitgen;
  std::string bytes(16, '\0');
  for (char& byte : bytes) byte = static_cast<char>(absl::Uniform<unsigned char>(bitgen));
  return absl::BytesToHexString(bytes);
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Create() {
  const char* override_dir = getenv("COALITION_POSTGRES_BINDIR");
  std::string bin_dir =
      override_dir != nullptr && *override_dir != '\0' ? override_dir : kDefaultBinDir;
  for (const char* tool : {"initdb", "postgres"}) {
    const std::string path = absl::StrCat(bin_dir, "/", tool);
    if (access(path.c_str(), X_OK) != 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(path, " is not an executable (", std::strerror(errno),
                       "): install the postgresql package (apt-get install postgresql) or point "
                       "$COALITION_POSTGRES_BINDIR at its bin directory"));
    }
  }
  std::optional<RunAs> run_as;
  if (geteuid() == 0) {
    std::vector<char> buffer(16384);
    passwd entry = {};
    passwd* user = nullptr;
    if (getpwnam_r("postgres", &entry, buffer.data(), buffer.size(), &user) != 0 ||
        user == nullptr) {
      return absl::FailedPreconditionError(
          "PostgreSQL refuses to run as root, and there is no postgres user to run it as");
    }
    run_as = RunAs{user->pw_uid, user->pw_gid};
  }

  absl::Status last_error;
  // Another process may take the picked port before the server binds it: pick again.
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    absl::StatusOr<TempDir> dir = TempDir::Create("coalition-postgres");
    if (!dir.ok()) return dir.status();
    if (run_as.has_value() && chown(dir->path().c_str(), run_as->uid, run_as->gid) != 0) {
      return absl::InternalError(
          absl::StrCat("chown ", dir->path(), " to postgres: ", std::strerror(errno)));
    }
    const int port = PickFreePort();
    if (port < 0) return absl::UnavailableError("no free loopback port");
    std::unique_ptr<PostgresServer> server(
        new PostgresServer(bin_dir, *std::move(dir), run_as, port, RandomPassword()));
    if (absl::Status status = server->InitDb(); !status.ok()) return status;
    last_error = server->Start();
    if (last_error.ok()) return server;
    if (!absl::StrContains(last_error.message(), "in use")) break;
  }
  return last_error;
}

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Attach(const std::string& file) {
  std::ifstream in(file);
  int port = 0;
  std::string password;
  if (!(in >> port >> password)) {
    return absl::NotFoundError(absl::StrCat("no shared PostgreSQL described in ", file));
  }
  std::unique_ptr<PostgresServer> server(
      new PostgresServer("", std::nullopt, std::nullopt, port, std::move(password)));
  // A file left by a run that was killed names a server that is gone.
  RETURN_IF_ERROR(server->Execute("SELECT 1"));
  return server;
}

absl::Status PostgresServer::Share(const std::string& file) const {
  const std::string partial = file + ".partial";
  {
    std::ofstream out(partial, std::ios::trunc);
    out << port_ << " " << password_ << "\n";
    if (!out) return absl::InternalError(absl::StrCat("cannot write ", partial));
  }
  chmod(partial.c_str(), 0600);
  // Whole or not at all: a reader never sees half a file.
  if (rename(partial.c_str(), file.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("rename to ", file, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<PostgresServer*> PostgresServer::Shared() {
  ABSL_CONST_INIT static absl::Mutex mu(absl::kConstInit);
  // Destroyed at exit, which stops the server and removes its files.
  static std::unique_ptr<PostgresServer> server;
  static absl::Status failure;
  absl::MutexLock lock(&mu);
  if (server == nullptr && failure.ok()) {
#ifdef COALITION_TEST_POSTGRES_FILE
    if (absl::StatusOr<std::unique_ptr<PostgresServer>> shared =
            Attach(COALITION_TEST_POSTGRES_FILE);
        shared.ok()) {
      server = *std::move(shared);
      return server.get();
    }
#endif
    absl::StatusOr<std::unique_ptr<PostgresServer>> created = Create();
    if (created.ok()) {
      server = *std::move(created);
    } else {
      // Every test would fail the same way; they need not each wait for it again.
      failure = created.status();
    }
  }
  if (!failure.ok()) return failure;
  return server.get();
}

PostgresServer::~PostgresServer() {
  if (pid_ > 0) Stop().IgnoreError();
}

absl::StatusOr<pid_t> PostgresServer::Spawn(const std::vector<std::string>& args,
                                            const std::string& log) const {
  std::vector<std::string> owned = args;
  std::vector<char*> argv;
  argv.reserve(owned.size() + 1);
  for (std::string& arg : owned) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int log_fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (null_fd < 0 || log_fd < 0) {
    const std::string error = std::strerror(errno);
    if (null_fd >= 0) close(null_fd);
    if (log_fd >= 0) close(log_fd);
    return absl::InternalError(absl::StrCat("open ", log, ": ", error));
  }
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // The test may have other threads: only async-signal-safe calls until exec.
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    if (run_as_.has_value() &&
        (setgroups(0, nullptr) != 0 || setgid(run_as_->gid) != 0 || setuid(run_as_->uid) != 0)) {
      _exit(126);
    }
    // Fast shutdown when the test dies (set after setuid, which clears it).
    prctl(PR_SET_PDEATHSIG, SIGINT);
    if (getppid() != parent) _exit(125);
    execv(argv[0], argv.data());
    _exit(127);
  }
  const int fork_error = errno;
  close(null_fd);
  close(log_fd);
  if (pid < 0) {
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(fork_error)));
  }
  return pid;
}

absl::Status PostgresServer::InitDb() {
  const std::string password_file = absl::StrCat(dir_->path(), "/password");
  {
    std::ofstream file(password_file);
    file << password_ << "\n";
    if (!file) return absl::InternalError(absl::StrCat("cannot write ", password_file));
  }
  if (run_as_.has_value() && chown(password_file.c_str(), run_as_->uid, run_as_->gid) != 0) {
    return absl::InternalError(absl::StrCat("chown ", password_file, ": ", std::strerror(errno)));
  }
  const std::string log = absl::StrCat(dir_->path(), "/initdb.log");
  // Passwords over TCP, as a real deployment; trust on the unix socket, which only this
  // directory's owner can reach.
  absl::StatusOr<pid_t> pid =
      Spawn({absl::StrCat(bin_dir_, "/initdb"), "-D", data_dir(), "-U", kSuperuser,
             absl::StrCat("--pwfile=", password_file), "-E", "UTF8", "--locale=C",
             "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"},
            log);
  if (!pid.ok()) return pid.status();
  int status = 0;
  while (waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  unlink(password_file.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("initdb failed: ", ReadTail(log)));
  }
  return absl::OkStatus();
}

absl::Status PostgresServer::Start() {
  if (pid_ > 0) return absl::FailedPreconditionError("the PostgreSQL server is already running");
  // Durability off: a test's data need not survive a machine crash, and fsyncs on a small CI
  // machine would dominate the suites' time.
  absl::StatusOr<pid_t> pid =
      Spawn({absl::StrCat(bin_dir_, "/postgres"), "-D", data_dir(), "-p", absl::StrCat(port_), "-k",
             dir_->path(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
             "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "shared_buffers=16MB"},
            log_path());
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  absl::Status ready = WaitUntilReady();
  if (!ready.ok() && pid_ > 0) {
    kill(pid_, SIGKILL);
    Reap(absl::InfiniteDuration());
  }
  return ready;
}

absl::Status PostgresServer::WaitUntilReady() {
  const std::string conninfo =
      absl::StrCat("host=127.0.0.1 port=", port_, " dbname=postgres connect_timeout=2");
  const absl::Time deadline = absl::Now() + kReadyTimeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(
          absl::StrCat("postgres on port ", port_, " exited at start: ", LogTail()));
    }
    // OK as soon as the server answers, before any authentication.
    if (PQping(conninfo.c_str()) == PQPING_OK) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("postgres on port ", port_, " did not accept connections within ",
                   absl::FormatDuration(kReadyTimeout), ": ", LogTail()));
}

bool PostgresServer::Reap(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    const pid_t reaped = waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_ || (reaped < 0 && errno != EINTR)) {
      pid_ = -1;
      return true;
    }
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

absl::Status PostgresServer::Stop() {
  if (pid_ <= 0) return absl::FailedPreconditionError("the PostgreSQL server is not running");
  // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the data is checkpointed.
  kill(pid_, SIGINT);
  if (Reap(kStopTimeout)) return absl::OkStatus();
  // Immediate shutdown, then no more asking.
  kill(pid_, SIGQUIT);
  if (Reap(absl::Seconds(5))) return absl::OkStatus();
  kill(pid_, SIGKILL);
  Reap(absl::InfiniteDuration());
  return absl::DeadlineExceededError(
      absl::StrCat("postgres on port ", port_, " ignored fast and immediate shutdown"));
}

std::string PostgresServer::Url(absl::string_view database) const {
  return absl::StrCat("postgres://", kSuperuser, ":", password_, "@127.0.0.1:", port_, "/",
                      database, "?sslmode=disable");
}

absl::Status PostgresServer::Execute(absl::string_view sql) {
  const std::string conninfo = Url("postgres");
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("cannot connect to the test server: ", PQerrorMessage(conn)));
    PQfinish(conn);
    return status;
  }
  const std::string statement(sql);
  PGresult* result = PQexec(conn, statement.c_str());
  const ExecStatusType outcome = PQresultStatus(result);
  absl::Status status = absl::OkStatus();
  if (outcome != PGRES_COMMAND_OK && outcome != PGRES_TUPLES_OK) {
    status = absl::InternalError(absl::StrCat(
        statement, ": ", absl::StripTrailingAsciiWhitespace(PQresultErrorMessage(result))));
  }
  PQclear(result);
  PQfinish(conn);
  return status;
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase(absl::string_view name) {
  if (!IsDatabaseName(name)) {
    return absl::InvalidArgumentError(absl::StrCat("not a plain database name: ", name));
  }
  absl::Status status = Execute(absl::StrCat("CREATE DATABASE ", name,
                                             " TEMPLATE template0 ENCODING 'UTF8' "
                                             "LC_COLLATE 'C' LC_CTYPE 'C'"));
  if (!status.ok()) return status;
  return Url(name);
}

absl::Status PostgresServer::DropDatabase(absl::string_view name) {
  if (!IsDatabaseName(name)) {
    return absl::InvalidArgumentError(absl::StrCat("not a plain database name: ", name));
  }
  return Execute(absl::StrCat("DROP DATABASE IF EXISTS ", name, " WITH (FORCE)"));
}

std::string PostgresServer::LogTail() const { return ReadTail(log_path()); }

}  // namespace coalition::testing
