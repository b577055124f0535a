#ifndef COALITION_LIBS_SERVER_STREAM_BUDGET_H_
#define COALITION_LIBS_SERVER_STREAM_BUDGET_H_

#include <atomic>
#include <cstddef>

namespace coalition::server {

// Bytes that streaming calls hold in memory before acting on them (a roster import's rows),
// shared by every such call of the process, so that many large streams at once are refused
// with RESOURCE_EXHAUSTED instead of exhausting memory. Thread-safe.
class StreamMemoryBudget {
 public:
  explicit StreamMemoryBudget(size_t limit_bytes) : limit_(limit_bytes) {}

  // Takes `bytes` from the budget; false, taking nothing, when they do not fit.
  bool TryReserve(size_t bytes);
  void Release(size_t bytes);
  size_t reserved() const { return reserved_.load(); }
  size_t limit() const { return limit_.load(); }
  void set_limit(size_t limit_bytes) { limit_.store(limit_bytes); }

 private:
  std::atomic<size_t> limit_;
  std::atomic<size_t> reserved_{0};
};

inline constexpr size_t kDefaultBufferedStreamBytes = 256u << 20;

// The process's budget for buffered streams (kDefaultBufferedStreamBytes).
StreamMemoryBudget& BufferedStreamBudget();

// What one call holds of a budget, given back when it is destroyed.
class StreamReservation {
 public:
  explicit StreamReservation(StreamMemoryBudget& budget) : budget_(budget) {}
  ~StreamReservation() { budget_.Release(held_); }
  StreamReservation(const StreamReservation&) = delete;
  StreamReservation& operator=(const StreamReservation&) = delete;

  // Adds `bytes` to what this call holds; false when the budget has no room for them.
  bool Grow(size_t bytes);
  size_t held() const { return held_; }

 private:
  StreamMemoryBudget& budget_;
  size_t held_ = 0;
};

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_STREAM_BUDGET_H_
