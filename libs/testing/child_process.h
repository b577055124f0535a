#ifndef COALITION_LIBS_TESTING_CHILD_PROCESS_H_
#define COALITION_LIBS_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace coalition::testing {

// A program started by a test (a service binary), with its output in a log file. The
// destructor kills and reaps it if it still runs, so no test leaves a process behind.
class ChildProcess {
 public:
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(const std::vector<std::string>& argv,
                                                             const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  absl::Status Signal(int signal);
  // SIGSTOP, then waits until every thread of the process has stopped: kill() returns before a
  // thread busy on another core has, and such a thread could still answer a request.
  absl::Status Freeze(absl::Duration timeout = absl::Seconds(5));
  // The exit code (128 + signal when killed by one), or DEADLINE_EXCEEDED if still running.
  absl::StatusOr<int> Wait(absl::Duration timeout);
  // The last lines of the log, for failure messages.
  std::string LogTail() const;

 private:
  ChildProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_;
  std::string log_path_;
};

// OK once something accepts TCP connections on 127.0.0.1:port, else DEADLINE_EXCEEDED.
absl::Status WaitForTcpPort(int port, absl::Duration timeout);

// A plain HTTP/1.0 GET of http://127.0.0.1:port/path; returns the body.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_CHILD_PROCESS_H_
