#include "libs/core/etag.h"

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"

namespace coalition {

std::string EtagFor(absl::string_view name, int64_t revision) {
  return Sha256Hex(absl::StrCat(name, "#", revision)).substr(0, 16);
}

absl::Status CheckEtag(absl::string_view provided, absl::string_view name, int64_t revision) {
  if (provided.empty() || provided == EtagFor(name, revision)) return absl::OkStatus();
  return absl::AbortedError(
      absl::StrCat("etag: ", name, " changed since it was read; read it again and retry"));
}

}  // namespace coalition
