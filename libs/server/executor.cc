#include "libs/server/executor.h"

#include <algorithm>
#include <utility>

namespace coalition::server {
namespace {

thread_local bool on_executor_thread = false;

absl::Mutex handler_executor_mu(absl::kConstInit);
BlockingExecutor* handler_executor ABSL_GUARDED_BY(handler_executor_mu) = nullptr;
int handler_threads ABSL_GUARDED_BY(handler_executor_mu) = kDefaultHandlerThreads;
int handler_queue ABSL_GUARDED_BY(handler_executor_mu) = kDefaultHandlerQueue;

}  // namespace

BlockingExecutor::BlockingExecutor(int threads, int queue_capacity)
    : queue_capacity_(std::max(0, queue_capacity)) {
  threads = std::max(1, threads);
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
}

BlockingExecutor::~BlockingExecutor() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  for (std::thread& thread : threads_) thread.join();
}

bool BlockingExecutor::TrySubmit(absl::AnyInvocable<void() &&> task) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  // A task that an idle thread will take at once does not count against the queue.
  const size_t waiting_after = queue_.size() + 1;
  const size_t takers = static_cast<size_t>(idle_);
  if (waiting_after > takers + static_cast<size_t>(queue_capacity_)) return false;
  queue_.push_back(std::move(task));
  return true;
}

size_t BlockingExecutor::queued() const {
  absl::MutexLock lock(&mu_);
  return queue_.size();
}

bool BlockingExecutor::OnExecutorThread() { return on_executor_thread; }

bool BlockingExecutor::HasWorkOrStopping() const { return stopping_ || !queue_.empty(); }

void BlockingExecutor::Run() {
  on_executor_thread = true;
  for (;;) {
    absl::AnyInvocable<void() &&> task;
    {
      absl::MutexLock lock(&mu_);
      ++idle_;
      mu_.Await(absl::Condition(this, &BlockingExecutor::HasWorkOrStopping));
      --idle_;
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    std::move(task)();
  }
}

absl::Status BusyError() {
  return absl::ResourceExhaustedError(
      "the server is busy: too many calls are waiting; retry with backoff");
}

BlockingExecutor& HandlerExecutor() {
  absl::MutexLock lock(&handler_executor_mu);
  if (handler_executor == nullptr) {
    handler_executor = new BlockingExecutor(handler_threads, handler_queue);
  }
  return *handler_executor;
}

bool ConfigureHandlerExecutor(int threads, int queue_capacity) {
  absl::MutexLock lock(&handler_executor_mu);
  if (handler_executor != nullptr) return false;
  handler_threads = threads;
  handler_queue = queue_capacity;
  return true;
}

}  // namespace coalition::server
