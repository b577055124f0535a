#include "libs/testing/redis_server.h"

#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/testing/free_port.h"

extern char** environ;

namespace coalition::testing {
namespace {

constexpr absl::Duration kReadyTimeout = absl::Seconds(10);
constexpr absl::Duration kStopTimeout = absl::Seconds(5);
constexpr int kPortAttempts = 5;

bool AnswersPing(int port, const std::string& password) {
  redisContext* context =
      redisConnectWithTimeout("127.0.0.1", port, absl::ToTimeval(absl::Milliseconds(200)));
  if (context == nullptr) return false;
  bool pong = false;
  if (context->err == 0 &&
      redisSetTimeout(context, absl::ToTimeval(absl::Milliseconds(200))) == REDIS_OK) {
    if (!password.empty()) {
      freeReplyObject(redisCommand(context, "AUTH %b", password.data(), password.size()));
    }
    auto* reply = static_cast<redisReply*>(redisCommand(context, "PING"));
    if (reply != nullptr) {
      pong =
          reply->type == REDIS_REPLY_STATUS && absl::string_view(reply->str, reply->len) == "PONG";
      freeReplyObject(reply);
    }
  }
  redisFree(context);
  return pong;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start(const std::string& password) {
  const char* override_binary = getenv("COALITION_REDIS_SERVER");
  std::string binary =
      override_binary != nullptr && *override_binary != '\0' ? override_binary : kDefaultBinary;
  if (access(binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(binary, " is not an executable (", std::strerror(errno),
                     "): install the redis-server package (apt-get install redis-server) or "
                     "point $COALITION_REDIS_SERVER at the binary"));
  }
  absl::Status last_error;
  // Another process may take the picked port before redis-server binds it: pick again.
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    absl::StatusOr<TempDir> dir = TempDir::Create("coalition-redis");
    if (!dir.ok()) return dir.status();
    const int port = PickFreePort();
    if (port < 0) return absl::UnavailableError("no free loopback port");
    std::unique_ptr<RedisServer> server(new RedisServer(binary, *std::move(dir), port, password));
    last_error = server->Spawn();
    if (last_error.ok()) last_error = server->WaitUntilReady();
    if (last_error.ok()) return server;
    if (!absl::StrContains(last_error.message(), "in use")) break;
  }
  return last_error;
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    Reap(absl::InfiniteDuration());
  }
}

absl::Status RedisServer::Spawn() {
  const std::string port = absl::StrCat(port_);
  std::vector<std::string> args = {binary_,  "--port", port,           "--bind", "127.0.0.1",
                                   "--save", "",       "--appendonly", "no",     "--daemonize",
                                   "no",     "--dir",  dir_.path()};
  std::vector<char*> argv;
  if (!password_.empty()) {
    args.push_back("--requirepass");
    args.push_back(password_);
  }
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const std::string log = absl::StrCat(dir_.path(), "/redis.log");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, binary_.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return absl::InternalError(absl::StrCat("spawn ", binary_, ": ", std::strerror(error)));
  }
  pid_ = pid;
  paused_ = false;
  return absl::OkStatus();
}

absl::Status RedisServer::WaitUntilReady() {
  const absl::Time deadline = absl::Now() + kReadyTimeout;
  while (absl::Now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(
          absl::StrCat("redis-server on port ", port_, " exited at start: ", LogTail()));
    }
    if (AnswersPing(port_, password_)) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("redis-server on port ", port_, " did not answer PING within ",
                   absl::FormatDuration(kReadyTimeout), ": ", LogTail()));
}

absl::Status RedisServer::Signal(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("redis-server is not running");
  if (kill(pid_, signal) != 0) {
    return absl::InternalError(absl::StrCat("kill: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

bool RedisServer::Reap(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int status = 0;
    const pid_t reaped = waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_ || (reaped < 0 && errno != EINTR)) {
      pid_ = -1;
      paused_ = false;
      return true;
    }
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

absl::Status RedisServer::Stop() {
  if (paused_) {
    // A stopped process does not act on SIGTERM until it is continued.
    if (absl::Status status = Resume(); !status.ok()) return status;
  }
  if (absl::Status status = Signal(SIGTERM); !status.ok()) return status;
  if (Reap(kStopTimeout)) return absl::OkStatus();
  return Kill();
}

absl::Status RedisServer::Kill() {
  if (absl::Status status = Signal(SIGKILL); !status.ok()) return status;
  Reap(absl::InfiniteDuration());
  return absl::OkStatus();
}

absl::Status RedisServer::Pause() {
  if (absl::Status status = Signal(SIGSTOP); !status.ok()) return status;
  paused_ = true;
  return absl::OkStatus();
}

absl::Status RedisServer::Resume() {
  if (absl::Status status = Signal(SIGCONT); !status.ok()) return status;
  paused_ = false;
  return absl::OkStatus();
}

absl::Status RedisServer::Restart() {
  if (pid_ > 0) {
    if (absl::Status status = Stop(); !status.ok()) return status;
  }
  if (absl::Status status = Spawn(); !status.ok()) return status;
  return WaitUntilReady();
}

std::string RedisServer::LogTail() const {
  std::ifstream file(absl::StrCat(dir_.path(), "/redis.log"));
  std::stringstream contents;
  contents << file.rdbuf();
  std::string text = contents.str();
  constexpr size_t kTail = 2000;
  if (text.size() > kTail) text = text.substr(text.size() - kTail);
  return text.empty() ? "(no output)" : text;
}

}  // namespace coalition::testing
