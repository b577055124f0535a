#ifndef COALITION_LIBS_CACHE_SINGLE_FLIGHT_H_
#define COALITION_LIBS_CACHE_SINGLE_FLIGHT_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace coalition::cache {

// Concurrent loads of one key share a single call of `load`: the first caller runs it, the
// others wait and get the same result, error included. Guards hot keys against stampedes.
class SingleFlight {
 public:
  using Result = absl::StatusOr<std::string>;

  Result Do(absl::string_view key, absl::FunctionRef<Result()> load);

  // As above; the caller that ran `load` then passes a successful value to `store`, after the
  // waiters have their result, unless Forget(key) was called since the load began.
  Result Do(absl::string_view key, absl::FunctionRef<Result()> load,
            absl::FunctionRef<void(const std::string& value)> store);

  // Called when `key` was written: a load already under way may have read the old value, so
  // later callers start a new load instead of joining it, and its value is not stored.
  void Forget(absl::string_view key);

 private:
  struct Flight {
    absl::Mutex mu;
    bool done ABSL_GUARDED_BY(mu) = false;
    bool forgotten ABSL_GUARDED_BY(mu) = false;
    Result result ABSL_GUARDED_BY(mu);
  };

  Result DoImpl(absl::string_view key, absl::FunctionRef<Result()> load,
                const absl::FunctionRef<void(const std::string&)>* store);

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Flight>> flights_ ABSL_GUARDED_BY(mu_);
};

}  // namespace coalition::cache

#endif  // COALITION_LIBS_CACHE_SINGLE_FLIGHT_H_
