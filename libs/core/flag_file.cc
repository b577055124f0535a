#include "libs/core/flag_file.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace coalition {

absl::StatusOr<std::string> ReadFlagFile(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot read \"", path, "\""));
  }
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

absl::StatusOr<std::string> ReadPemFlagFile(absl::string_view flag, const std::string& path,
                                            absl::string_view marker) {
  absl::StatusOr<std::string> pem = ReadFlagFile(flag, path);
  if (!pem.ok()) return pem.status();
  if (!absl::StrContains(*pem, marker)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": \"", path, "\" holds no PEM ", marker));
  }
  return pem;
}

absl::StatusOr<std::string> ReadSecretFlagFile(absl::string_view flag, const std::string& path) {
  absl::StatusOr<std::string> secret = ReadFlagFile(flag, path);
  if (!secret.ok()) return secret.status();
  absl::string_view value = *secret;
  while (absl::ConsumeSuffix(&value, "\n") || absl::ConsumeSuffix(&value, "\r")) {
  }
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": \"", path, "\" is empty"));
  }
  return std::string(value);
}

}  // namespace coalition
