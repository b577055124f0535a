#ifndef COALITION_LIBS_CACHE_JITTER_H_
#define COALITION_LIBS_CACHE_JITTER_H_

#include "absl/random/bit_gen_ref.h"
#include "absl/time/time.h"

namespace coalition::cache {

// `ttl` plus a uniformly random extra of up to 10%, so that entries filled together (after a
// deploy or a flush) do not all expire, and reload, together. A non-positive `ttl` is returned
// unchanged.
absl::Duration JitteredTtl(absl::Duration ttl, absl::BitGenRef gen);

}  // namespace coalition::cache

#endif  // COALITION_LIBS_CACHE_JITTER_H_
