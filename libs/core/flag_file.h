#ifndef COALITION_LIBS_CORE_FLAG_FILE_H_
#define COALITION_LIBS_CORE_FLAG_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace coalition {

// Files that a flag names (certificates, keys, passwords). Every error is INVALID_ARGUMENT and
// starts with "--<flag>: " and the path, never with the file's content.

// The whole file.
absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path);

// A file that must hold a PEM block whose header ends with `marker`, such as
// "CERTIFICATE-----" or "PRIVATE KEY-----": gRPC itself would only say that it cannot listen or
// connect, without naming the file.
absl::StatusOr<std::string> ReadPemFlagFile(absl::string_view flag, const std::string& path,
                                            absl::string_view marker);

// A secret kept in a file (a password, an API key): the content without the line ending that an
// editor or `echo` leaves at its end. An empty secret is an error.
absl::StatusOr<std::string> ReadSecretFlagFile(absl::string_view flag, const std::string& path);

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_FLAG_FILE_H_
