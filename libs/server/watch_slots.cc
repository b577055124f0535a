#include "libs/server/watch_slots.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace coalition::server {

WatchSlots::Slot::~Slot() { owner_->Release(caller_); }

absl::StatusOr<std::unique_ptr<WatchSlots::Slot>> WatchSlots::Acquire(absl::string_view caller) {
  absl::MutexLock lock(&mu_);
  if (open_ >= limits_.per_process) {
    return absl::ResourceExhaustedError(absl::StrCat("the server has ", limits_.per_process,
                                                     " watches open, its limit; retry later"));
  }
  int& mine = per_caller_[caller];
  if (mine >= limits_.per_caller) {
    return absl::ResourceExhaustedError(absl::StrCat("this API key has ", limits_.per_caller,
                                                     " watches open, its limit; close one first"));
  }
  ++mine;
  ++open_;
  return std::unique_ptr<Slot>(new Slot(this, std::string(caller)));
}

int WatchSlots::open() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

void WatchSlots::Release(const std::string& caller) {
  absl::MutexLock lock(&mu_);
  --open_;
  auto it = per_caller_.find(caller);
  if (it != per_caller_.end() && --it->second <= 0) per_caller_.erase(it);
}

}  // namespace coalition::server
