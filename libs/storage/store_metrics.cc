#include "libs/storage/store_metrics.h"

#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace coalition::storage {
namespace {

constexpr const char* kOperationNames[] = {"transact", "read", "migrate"};
constexpr const char* kOutcomeNames[] = {"ok", "error", "conflict"};
constexpr const char* kRetryReasonNames[] = {"conflict", "reconnect"};

int OutcomeIndex(const absl::Status& status) {
  if (status.ok()) return 0;
  switch (status.code()) {
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kUnavailable:
      return 2;
    default:
      return 1;
  }
}

}  // namespace

StoreMetrics::StoreMetrics(prometheus::Registry* registry, absl::string_view backend) {
  if (registry == nullptr) return;
  const std::string backend_label(backend);
  auto& operations = prometheus::BuildCounter()
                         .Name("coalition_store_operations_total")
                         .Help("Store transactions, reads and migrations by outcome.")
                         .Register(*registry);
  auto& seconds = prometheus::BuildHistogram()
                      .Name("coalition_store_operation_seconds")
                      .Help("Time spent in store transactions, reads and migrations.")
                      .Register(*registry);
  // An indexed SQLite point read is ~5-8us of work plus transaction overhead; an fsync'ed
  // commit is a millisecond or more; anything near a second is an incident.
  const prometheus::Histogram::BucketBoundaries buckets = {0.00005, 0.0001, 0.00025, 0.0005, 0.001,
                                                           0.0025,  0.005,  0.01,    0.025,  0.05,
                                                           0.1,     0.25,   0.5,     1.0};
  auto& retries = prometheus::BuildCounter()
                      .Name("coalition_store_retries_total")
                      .Help(
                          "Transactions run again after contention, and pooled connections "
                          "replaced after the server closed them.")
                      .Register(*registry);
  for (int reason = 0; reason < kRetryReasons; ++reason) {
    retries_[reason] =
        &retries.Add({{"backend", backend_label}, {"reason", kRetryReasonNames[reason]}});
  }
  for (int op = 0; op < kOperations; ++op) {
    for (int outcome = 0; outcome < kOutcomes; ++outcome) {
      counters_[op][outcome] = &operations.Add({{"backend", backend_label},
                                                {"operation", kOperationNames[op]},
                                                {"outcome", kOutcomeNames[outcome]}});
    }
    latencies_[op] =
        &seconds.Add({{"backend", backend_label}, {"operation", kOperationNames[op]}}, buckets);
  }
}

void StoreMetrics::Record(StoreOperation operation, const absl::Status& status,
                          absl::Duration elapsed) {
  const int op = static_cast<int>(operation);
  if (latencies_[op] == nullptr) return;
  counters_[op][OutcomeIndex(status)]->Increment();
  latencies_[op]->Observe(absl::ToDoubleSeconds(elapsed));
}

void StoreMetrics::RecordRetry(StoreRetry reason) {
  prometheus::Counter* counter = retries_[static_cast<int>(reason)];
  if (counter != nullptr) counter->Increment();
}

absl::string_view StoreMetrics::OutcomeOf(const absl::Status& status) {
  return kOutcomeNames[OutcomeIndex(status)];
}

}  // namespace coalition::storage
