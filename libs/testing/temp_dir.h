#ifndef COALITION_LIBS_TESTING_TEMP_DIR_H_
#define COALITION_LIBS_TESTING_TEMP_DIR_H_

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace coalition::testing {

// A fresh directory under $TEST_TMPDIR, $TMPDIR or /tmp, removed with its contents when the
// object is destroyed.
class TempDir {
 public:
  static absl::StatusOr<TempDir> Create(absl::string_view name_prefix = "coalition");

  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();

  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  void Remove();

  std::string path_;
};

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_TEMP_DIR_H_
