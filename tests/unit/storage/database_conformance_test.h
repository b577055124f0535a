#ifndef COALITION_TESTS_UNIT_STORAGE_DATABASE_CONFORMANCE_TEST_H_
#define COALITION_TESTS_UNIT_STORAGE_DATABASE_CONFORMANCE_TEST_H_

#include <memory>

#include "gtest/gtest.h"
#include "libs/storage/database.h"
#include "tests/unit/storage/test_backends.h"

// The behaviour every Database backend must have, run on every backend of TestBackends()
// (test_backends.h); a new backend joins by being listed there.
namespace coalition::storage::testing {

class DatabaseConformanceTest : public ::testing::TestWithParam<ConformanceBackend> {
 protected:
  void SetUp() override;

  std::unique_ptr<Database> db_;
};

}  // namespace coalition::storage::testing

#endif  // COALITION_TESTS_UNIT_STORAGE_DATABASE_CONFORMANCE_TEST_H_
