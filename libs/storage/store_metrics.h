#ifndef COALITION_LIBS_STORAGE_STORE_METRICS_H_
#define COALITION_LIBS_STORAGE_STORE_METRICS_H_

#include <array>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace prometheus {
class Counter;
class Histogram;
class Registry;
}  // namespace prometheus

namespace coalition::storage {

enum class StoreOperation { kTransact = 0, kRead = 1, kMigrate = 2 };

// Why a backend did something again on its own, without the caller seeing an error:
//   kConflict: the whole transaction ran again after contention (SQLite busy, PostgreSQL
//     serialization failure or deadlock);
//   kReconnect: a pooled connection the server had closed was replaced by a new one.
enum class StoreRetry { kConflict = 0, kReconnect = 1 };

// The store metrics every backend reports, so dashboards do not care which backend runs:
//   coalition_store_operations_total{backend,operation,outcome}
//   coalition_store_operation_seconds{backend,operation}
//   coalition_store_retries_total{backend,reason}
// The registry must be in the default Merge mode when several stores share it.
class StoreMetrics {
 public:
  // A null registry records nothing.
  StoreMetrics(prometheus::Registry* registry, absl::string_view backend);

  // outcome: "ok" for OK; "conflict" for ALREADY_EXISTS, ABORTED and UNAVAILABLE (a duplicate
  // key or contention the caller can resolve or retry); "error" for anything else.
  void Record(StoreOperation operation, const absl::Status& status, absl::Duration elapsed);

  void RecordRetry(StoreRetry reason);

  static absl::string_view OutcomeOf(const absl::Status& status);

 private:
  static constexpr int kOperations = 3;
  static constexpr int kOutcomes = 3;
  static constexpr int kRetryReasons = 2;
  // Children are created up front so recording is lock-free and every series exists from the
  // start (rates over a series that appears late are misleading).
  std::array<std::array<prometheus::Counter*, kOutcomes>, kOperations> counters_{};
  std::array<prometheus::Histogram*, kOperations> latencies_{};
  std::array<prometheus::Counter*, kRetryReasons> retries_{};
};

}  // namespace coalition::storage

#endif  // COALITION_LIBS_STORAGE_STORE_METRICS_H_
