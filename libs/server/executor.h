#ifndef COALITION_LIBS_SERVER_EXECUTOR_H_
#define COALITION_LIBS_SERVER_EXECUTOR_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace coalition::server {

// A fixed pool of threads with a bounded queue, where handler bodies run instead of on gRPC's
// callback threads. A body may block on the store, Redis or another service; gRPC's own
// threads stay free for health checks, streams and accepting calls, and a full queue is
// refused at once (RESOURCE_EXHAUSTED) instead of piling up behind a slow store or peer.
class BlockingExecutor {
 public:
  // `threads` >= 1 run the tasks; at most `queue_capacity` wait (0: none wait, a task runs only
  // when a thread is idle).
  BlockingExecutor(int threads, int queue_capacity);
  // Runs what is queued, then joins the threads.
  ~BlockingExecutor();
  BlockingExecutor(const BlockingExecutor&) = delete;
  BlockingExecutor& operator=(const BlockingExecutor&) = delete;

  // Queues `task`; false, without running it, when the queue is full or the executor stops.
  bool TrySubmit(absl::AnyInvocable<void() &&> task);

  int threads() const { return static_cast<int>(threads_.size()); }
  int queue_capacity() const { return queue_capacity_; }
  // Tasks waiting for a thread now.
  size_t queued() const;

  // Whether the calling thread is one of any BlockingExecutor's.
  static bool OnExecutorThread();

 private:
  void Run();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int queue_capacity_;
  mutable absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  int idle_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

// RESOURCE_EXHAUSTED: the executor has no room for a call; the client should back off.
absl::Status BusyError();

// The process's executor for handler bodies (FinishUnary and the streaming reactors). Made on
// first use with the defaults below unless ConfigureHandlerExecutor ran first; it lives until
// the process exits, so a call still finishing during exit never touches a destroyed pool.
BlockingExecutor& HandlerExecutor();

inline constexpr int kDefaultHandlerThreads = 16;
inline constexpr int kDefaultHandlerQueue = 256;

// Sets the size of HandlerExecutor. Only before its first use (service_main calls it from the
// flags); false, changing nothing, once it exists.
bool ConfigureHandlerExecutor(int threads, int queue_capacity);

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_EXECUTOR_H_
