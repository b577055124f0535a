#include "libs/cache/single_flight.h"

#include <utility>

namespace coalition::cache {

SingleFlight::Result SingleFlight::Do(absl::string_view key, absl::FunctionRef<Result()> load) {
  return DoImpl(key, load, nullptr);
}

SingleFlight::Result SingleFlight::Do(absl::string_view key, absl::FunctionRef<Result()> load,
                                      absl::FunctionRef<void(const std::string&)> store) {
  return DoImpl(key, load, &store);
}

void SingleFlight::Forget(absl::string_view key) {
  std::shared_ptr<Flight> flight;
  {
    absl::MutexLock lock(&mu_);
    auto it = flights_.find(key);
    if (it == flights_.end()) return;
    flight = std::move(it->second);
    flights_.erase(it);
  }
  absl::MutexLock lock(&flight->mu);
  flight->forgotten = true;
}

SingleFlight::Result SingleFlight::DoImpl(
    absl::string_view key, absl::FunctionRef<Result()> load,
    const absl::FunctionRef<void(const std::string&)>* store) {
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    absl::MutexLock lock(&mu_);
    auto [it, inserted] = flights_.try_emplace(key);
    if (inserted) it->second = std::make_shared<Flight>();
    flight = it->second;
    leader = inserted;
  }
  if (!leader) {
    absl::MutexLock lock(&flight->mu, absl::Condition(&flight->done));
    return flight->result;
  }

  Result result = load();
  bool store_it = false;
  {
    absl::MutexLock lock(&flight->mu);
    flight->result = result;
    flight->done = true;
    store_it = store != nullptr && result.ok() && !flight->forgotten;
  }
  // The finished flight stays joinable until its value is stored: callers that missed before
  // the store take this result instead of loading again.
  if (store_it) (*store)(*result);
  {
    absl::MutexLock lock(&mu_);
    auto it = flights_.find(key);
    if (it != flights_.end() && it->second == flight) flights_.erase(it);
  }
  return result;
}

}  // namespace coalition::cache
