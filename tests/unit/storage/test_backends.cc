#include "tests/unit/storage/test_backends.h"

#include <memory>
#include <string>
#include <utility>

#include "libs/core/status.h"
#include "libs/testing/temp_dir.h"

namespace coalition::storage::testing {
namespace {

// A store that removes its temporary directory once closed, so a suite's factory needs no
// cleanup hook.
class TempFileDatabase final : public Database {
 public:
  TempFileDatabase(coalition::testing::TempDir dir, std::unique_ptr<Database> db)
      : dir_(std::move(dir)), db_(std::move(db)) {}
  ~TempFileDatabase() override { db_.reset(); }

  absl::Status Transact(absl::FunctionRef<absl::Status(Session&)> fn) override {
    return db_->Transact(fn);
  }
  absl::Status Read(absl::FunctionRef<absl::Status(Session&)> fn) override { return db_->Read(fn); }
  absl::Status Migrate(absl::string_view component,
                       const std::vector<Migration>& migrations) override {
    return db_->Migrate(component, migrations);
  }
  absl::string_view backend() const override { return db_->backend(); }

 private:
  coalition::testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

absl::StatusOr<std::unique_ptr<Database>> OpenTempFileStore(const DatabaseOptions& options) {
  ASSIGN_OR_RETURN(coalition::testing::TempDir dir,
                   coalition::testing::TempDir::Create("coalition-storage"));
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                   OpenDatabase("sqlite:" + dir.path() + "/store.db", options));
  return std::make_unique<TempFileDatabase>(std::move(dir), std::move(db));
}

absl::StatusOr<std::unique_ptr<Database>> OpenMemoryStore(const DatabaseOptions& options) {
  return OpenDatabase("sqlite::memory:", options);
}

}  // namespace

std::string ConformanceBackendName(const ::testing::TestParamInfo<ConformanceBackend>& info) {
  return info.param.name;
}

std::vector<ConformanceBackend> TestBackends() {
  return {ConformanceBackend{"File", OpenTempFileStore},
          ConformanceBackend{"Memory", OpenMemoryStore}};
}

}  // namespace coalition::storage::testing
