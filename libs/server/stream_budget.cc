#include "libs/server/stream_budget.h"

namespace coalition::server {

bool StreamMemoryBudget::TryReserve(size_t bytes) {
  size_t current = reserved_.load();
  do {
    if (bytes > limit_.load() || current > limit_.load() - bytes) return false;
  } while (!reserved_.compare_exchange_weak(current, current + bytes));
  return true;
}

void StreamMemoryBudget::Release(size_t bytes) { reserved_.fetch_sub(bytes); }

StreamMemoryBudget& BufferedStreamBudget() {
  static StreamMemoryBudget* budget = new StreamMemoryBudget(kDefaultBufferedStreamBytes);
  return *budget;
}

bool StreamReservation::Grow(size_t bytes) {
  if (!budget_.TryReserve(bytes)) return false;
  held_ += bytes;
  return true;
}

}  // namespace coalition::server
