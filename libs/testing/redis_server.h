#ifndef COALITION_LIBS_TESTING_REDIS_SERVER_H_
#define COALITION_LIBS_TESTING_REDIS_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/testing/temp_dir.h"

namespace coalition::testing {

// A throwaway redis-server child on a free loopback port, without persistence, for tests that
// need the real thing: what it does when killed, restarted or hung is what they check.
class RedisServer {
 public:
  // The server binary; $COALITION_REDIS_SERVER overrides it.
  static constexpr char kDefaultBinary[] = "/usr/bin/redis-server";

  // Starts the server and waits until it answers PING. FAILED_PRECONDITION when the binary is
  // missing: CI installs redis-server, so a missing one is an error, not a reason to skip.
  // A non-empty `password` starts it with --requirepass: clients must AUTH with it.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start(const std::string& password = "");

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  // Kills and reaps the child, whatever state it is in.
  ~RedisServer();

  int port() const { return port_; }
  bool running() const { return pid_ > 0; }

  // SIGTERM, then waits for the exit (SIGKILL if it takes longer than a few seconds).
  absl::Status Stop();
  // SIGKILL and wait: a crash, connections reset at once.
  absl::Status Kill();
  // SIGSTOP / SIGCONT: a hung server, which accepts connections but never answers.
  absl::Status Pause();
  absl::Status Resume();
  // Stops the server if it runs and starts an empty one on the same port.
  absl::Status Restart();

 private:
  RedisServer(std::string binary, TempDir dir, int port, std::string password)
      : binary_(std::move(binary)),
        dir_(std::move(dir)),
        port_(port),
        password_(std::move(password)) {}

  absl::Status Spawn();
  absl::Status WaitUntilReady();
  absl::Status Signal(int signal);
  // Waits up to `timeout` for the child to exit; false if it has not.
  bool Reap(absl::Duration timeout);
  std::string LogTail() const;

  const std::string binary_;
  const TempDir dir_;
  const int port_;
  const std::string password_;
  pid_t pid_ = -1;
  bool paused_ = false;
};

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_REDIS_SERVER_H_
