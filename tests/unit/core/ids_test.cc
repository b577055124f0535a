#include "libs/core/ids.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"

namespace coalition {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr absl::string_view kCoalitionPattern = "networks/{network}/coalitions/{coalition}";

// The violation a failed parse carries: exactly one, on `field`.
FieldViolation OnlyViolation(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  EXPECT_THAT(violations, SizeIs(1));
  return violations.empty() ? FieldViolation{} : violations.front();
}

TEST(NewResourceIdTest, IsTwentyCharactersOfLowercaseBase32) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewResourceId();
    ASSERT_EQ(id.size(), 20u) << id;
    for (char c : id) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << id;
    }
    EXPECT_TRUE(IsValidIdSegment(id)) << id;
  }
}

TEST(NewResourceIdTest, IdsDoNotRepeat) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(NewResourceId()).second);
}

TEST(RandomBytesTest, HasTheRequestedLengthAndVaries) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(32).size(), 32u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

TEST(Sha256HexTest, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HmacSha256Test, MatchesRfc4231TestCases) {
  // RFC 4231 test case 1.
  EXPECT_EQ(absl::BytesToHexString(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // RFC 4231 test case 2.
  EXPECT_EQ(absl::BytesToHexString(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256Test, IsThirtyTwoRawBytes) { EXPECT_EQ(HmacSha256("k", "d").size(), 32u); }

TEST(ParseResourceNameTest, ReturnsTheIdsInOrder) {
  absl::StatusOr<std::vector<std::string>> ids =
      ParseResourceName(kCoalitionPattern, "networks/qin-east/coalitions/abc123", "name");
  ASSERT_TRUE(ids.ok()) << ids.status();
  EXPECT_THAT(*ids, ElementsAre("qin-east", "abc123"));
}

TEST(ParseResourceNameTest, EmptyNameIsRequiredOnTheField) {
  const FieldViolation v =
      OnlyViolation(ParseResourceName(kCoalitionPattern, "", "parent").status());
  EXPECT_EQ(v.field, "parent");
  EXPECT_EQ(v.description, "is required");
}

TEST(ParseResourceNameTest, EachMalformedNameIsRefusedOnTheField) {
  for (const char* name : {
           "networks/n1",                         // too few segments
           "networks/n1/coalitions/c1/teams/t1",  // too many segments
           "networks/n1/coalition/c1",            // wrong collection
           "Networks/n1/coalitions/c1",           // collection is case-sensitive
           "networks/N1/coalitions/c1",           // upper case id
           "networks/n1/coalitions/",             // empty id
           "networks//coalitions/c1",             // empty id
           "networks/n1/coalitions/c_1",          // underscore
           "networks/n1/coalitions/c1/",          // trailing slash
           "/networks/n1/coalitions/c1",          // leading slash
       }) {
    SCOPED_TRACE(name);
    const FieldViolation v =
        OnlyViolation(ParseResourceName(kCoalitionPattern, name, "coalition.name").status());
    EXPECT_EQ(v.field, "coalition.name");
    EXPECT_THAT(v.description, HasSubstr(std::string(kCoalitionPattern)));
  }
}

TEST(IsValidIdSegmentTest, AcceptsLowercaseLettersDigitsAndHyphensUpTo63) {
  EXPECT_TRUE(IsValidIdSegment("a"));
  EXPECT_TRUE(IsValidIdSegment("qin-east-2"));
  EXPECT_TRUE(IsValidIdSegment("0"));
  EXPECT_TRUE(IsValidIdSegment(std::string(63, 'x')));
}

TEST(IsValidIdSegmentTest, RefusesEverythingElse) {
  EXPECT_FALSE(IsValidIdSegment(""));
  EXPECT_FALSE(IsValidIdSegment(std::string(64, 'x')));
  for (const char* id : {"Abc", "a_b", "a.b", "a/b", "a b", "caf\xc3\xa9", "a*"}) {
    EXPECT_FALSE(IsValidIdSegment(id)) << id;
  }
}

}  // namespace
}  // namespace coalition
