#ifndef COALITION_LIBS_SERVER_WATCH_SLOTS_H_
#define COALITION_LIBS_SERVER_WATCH_SLOTS_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace coalition::server {

// The bounds every long-lived watch stream of a service keeps.
struct WatchLimits {
  int per_caller = 16;     // open watches of one API key
  int per_process = 1000;  // open watches of the process
  // Events waiting for a client that does not read; past this the watch ends
  // (RESOURCE_EXHAUSTED) instead of holding memory for it.
  int max_queued_events = 1000;
  // How often the caller's key is checked again; with the 30 s introspection cache a revoked
  // key ends its watches within 60 s, the bound for calls.
  absl::Duration recheck_every = absl::Seconds(30);
};

// Counts open watches per caller and in the process. Thread-safe.
class WatchSlots {
 public:
  explicit WatchSlots(WatchLimits limits) : limits_(limits) {}
  WatchSlots(const WatchSlots&) = delete;
  WatchSlots& operator=(const WatchSlots&) = delete;

  // Held while a watch is open; destroying it frees the slot.
  class Slot {
   public:
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    friend class WatchSlots;
    Slot(WatchSlots* owner, std::string caller) : owner_(owner), caller_(std::move(caller)) {}
    WatchSlots* owner_;
    std::string caller_;
  };

  // A slot for `caller` (the key's resource name), or RESOURCE_EXHAUSTED naming the bound. The
  // slots must not outlive this object.
  absl::StatusOr<std::unique_ptr<Slot>> Acquire(absl::string_view caller);

  int open() const;
  const WatchLimits& limits() const { return limits_; }

 private:
  void Release(const std::string& caller);

  const WatchLimits limits_;
  mutable absl::Mutex mu_;
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_map<std::string, int> per_caller_ ABSL_GUARDED_BY(mu_);
};

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_WATCH_SLOTS_H_
