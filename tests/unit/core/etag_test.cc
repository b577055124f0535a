#include "libs/core/etag.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coalition {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

constexpr absl::string_view kName = "networks/n1/coalitions/c1";

TEST(EtagForTest, SameRevisionGivesTheSameEtag) {
  EXPECT_EQ(EtagFor(kName, 7), EtagFor(kName, 7));
  EXPECT_THAT(EtagFor(kName, 7), MatchesRegex("[0-9a-f]{16}"));
}

TEST(EtagForTest, DiffersByRevision) {
  EXPECT_NE(EtagFor(kName, 7), EtagFor(kName, 8));
  EXPECT_NE(EtagFor(kName, 0), EtagFor(kName, 1));
}

TEST(EtagForTest, DiffersByName) {
  EXPECT_NE(EtagFor(kName, 7), EtagFor("networks/n1/coalitions/c2", 7));
  // A revision's digits cannot be shifted into the name.
  EXPECT_NE(EtagFor("networks/n1/coalitions/c1", 12), EtagFor("networks/n1/coalitions/c11", 2));
}

TEST(CheckEtagTest, EmptyEtagSkipsTheCheck) { EXPECT_TRUE(CheckEtag("", kName, 7).ok()); }

TEST(CheckEtagTest, CurrentEtagPasses) { EXPECT_TRUE(CheckEtag(EtagFor(kName, 7), kName, 7).ok()); }

TEST(CheckEtagTest, EtagOfAnOlderRevisionIsAborted) {
  const absl::Status status = CheckEtag(EtagFor(kName, 6), kName, 7);
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(status.message()), HasSubstr(std::string(kName)));
}

TEST(CheckEtagTest, EtagOfAnotherResourceIsAborted) {
  EXPECT_EQ(CheckEtag(EtagFor("networks/n1/coalitions/c2", 7), kName, 7).code(),
            absl::StatusCode::kAborted);
}

TEST(CheckEtagTest, MadeUpEtagIsAborted) {
  EXPECT_EQ(CheckEtag("W/\"123\"", kName, 7).code(), absl::StatusCode::kAborted);
}

}  // namespace
}  // namespace coalition
