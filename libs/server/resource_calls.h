#ifndef COALITION_LIBS_SERVER_RESOURCE_CALLS_H_
#define COALITION_LIBS_SERVER_RESOURCE_CALLS_H_

// The former name of libs/server/standard_methods.h, until meetings includes that.
#include "libs/server/standard_methods.h"

namespace coalition::server {

template <typename T>
absl::StatusOr<storage::Stored<T>> Found(absl::StatusOr<std::optional<storage::Stored<T>>> found,
                                         absl::string_view name) {
  return ExistingOrNotFound(std::move(found), name);
}

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_RESOURCE_CALLS_H_
