#include "libs/core/validation.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"

namespace coalition {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

MATCHER_P2(Violation, field, description, "") {
  return arg.field == field && arg.description == description;
}

std::string Repeat(absl::string_view piece, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out.append(piece.data(), piece.size());
  return out;
}

TEST(Utf8LengthTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(Utf8Length(""), 0u);
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("Se\xc3\xb1ora"), 6u);             // "Señora": 7 bytes
  EXPECT_EQ(Utf8Length("\xe6\x97\xa5\xe6\x9c\xac"), 2u);  // "日本": 6 bytes
  EXPECT_EQ(Utf8Length("\xf0\x9f\xa9\xba"), 1u);          // a stethoscope emoji: 4 bytes
}

TEST(RequireTextTest, BlankTextIsRequired) {
  for (const char* blank : {"", " ", "  \t\r\n "}) {
    FieldViolations v;
    RequireText(v, "coalition.display_name", blank, 10);
    EXPECT_THAT(v.violations(), ElementsAre(Violation("coalition.display_name", "is required")))
        << '"' << blank << '"';
  }
}

TEST(RequireTextTest, TextWithinTheLimitPasses) {
  FieldViolations v;
  RequireText(v, "name", " x ", 10);
  RequireText(v, "name", "0123456789", 10);
  EXPECT_TRUE(v.empty());
}

TEST(RequireTextTest, TooLongTextIsNamed) {
  FieldViolations v;
  RequireText(v, "name", "01234567890", 10);
  EXPECT_THAT(v.violations(), ElementsAre(Violation("name", "must be at most 10 characters")));
}

TEST(LimitTextTest, MeasuresCharactersNotBytes) {
  FieldViolations v;
  LimitText(v, "notes", Repeat("\xc3\xa9", 200), 200);  // 400 bytes, 200 characters
  EXPECT_TRUE(v.empty());
  LimitText(v, "notes", Repeat("\xc3\xa9", 201), 200);
  EXPECT_THAT(v.violations(), ElementsAre(Violation("notes", "must be at most 200 characters")));
}

TEST(LimitTextTest, BytesAreLimitedEvenWhenTheyCountAsFewCharacters) {
  // Continuation bytes alone count as no character: a code-point limit alone would let a
  // megabyte of them through wherever a text is not checked as UTF-8 first.
  FieldViolations v;
  LimitText(v, "notes", std::string(1 << 20, '\x80'), 10);
  ASSERT_EQ(v.violations().size(), 1u);
  EXPECT_EQ(v.violations()[0].field, "notes");
  EXPECT_THAT(v.violations()[0].description, HasSubstr("40 bytes"));
}

TEST(LimitTextTest, LongestCharactersUpToTheLimitPass) {
  FieldViolations v;
  std::string emoji;
  for (int i = 0; i < 10; ++i) emoji += "\xF0\x9F\x98\x80";
  LimitText(v, "notes", emoji, 10);
  EXPECT_TRUE(v.empty());
}

TEST(LimitItemsTest, ElementsOfAListOverItsLimitAreNotCheckedOneByOne) {
  FieldViolations v;
  EXPECT_EQ(LimitItems(v, "states", 5000, 60), 0);
  EXPECT_EQ(LimitItems(v, "norms", 3, 20), 3);
  EXPECT_EQ(v.violations().size(), 1u);
}

TEST(LimitTextTest, EmptyTextPasses) {
  FieldViolations v;
  LimitText(v, "region", "", 10);
  EXPECT_TRUE(v.empty());
}

TEST(LimitItemsTest, AtTheLimitPassesAndAboveIsNamed) {
  FieldViolations v;
  LimitItems(v, "states", 60, 60);
  EXPECT_TRUE(v.empty());
  LimitItems(v, "states", 61, 60);
  EXPECT_THAT(v.violations(), ElementsAre(Violation("states", "must have at most 60 items")));
}

TEST(CheckRequestIdTest, EmptyMeansNoRequestId) {
  FieldViolations v;
  CheckRequestId(v, "");
  EXPECT_TRUE(v.empty());
}

TEST(CheckRequestIdTest, PrintableAsciiUpToTheLimitPasses) {
  FieldViolations v;
  CheckRequestId(v, "3f2a9c1e-7b4d-4e2a-9c1e-7b4d4e2a9c1e");
  CheckRequestId(v, "!~{}[]#");
  CheckRequestId(v, std::string(kMaxRequestIdLength, 'r'));
  EXPECT_TRUE(v.empty());
}

TEST(CheckRequestIdTest, TooLongIsNamed) {
  FieldViolations v;
  CheckRequestId(v, std::string(kMaxRequestIdLength + 1, 'r'));
  EXPECT_THAT(v.violations(),
              ElementsAre(Violation("request_id", "must be at most 100 characters")));
}

TEST(CheckRequestIdTest, SpacesControlAndNonAsciiAreRefused) {
  for (const std::string& id :
       {std::string("a b"), std::string("a\tb"), std::string("a\nb"), std::string("a\x7f"),
        std::string("caf\xc3\xa9"), std::string("a\0b", 3)}) {
    FieldViolations v;
    CheckRequestId(v, id);
    EXPECT_THAT(v.violations(),
                ElementsAre(Violation("request_id", "must be printable ASCII without spaces")))
        << id;
  }
}

TEST(IsValidEmailTest, AcceptsOrdinaryAddresses) {
  for (const char* email :
       {"ana@example.org", "ana.lopez+coalition@health.va.gov", "a@b.co", "o'neil@example.org"}) {
    EXPECT_TRUE(IsValidEmail(email)) << email;
  }
}

TEST(IsValidEmailTest, RefusesWhatCannotBeAnAddress) {
  for (const char* email : {
           "",
           "ana",
           "ana@",
           "@example.org",
           "ana@example",   // no dot in the domain
           "ana@.org",      // domain starts with the dot
           "ana@example.",  // domain ends with the dot
           "ana@@example.org",
           "ana@ex@ample.org",
           "ana lopez@example.org",
           "ana@example.org ",
           "<ana@example.org>",
           "ana@example.org,bob@example.org",
           "ana@example.org;bob@example.org",
       }) {
    EXPECT_FALSE(IsValidEmail(email)) << '"' << email << '"';
  }
}

TEST(IsValidEmailTest, RefusesAddressesLongerThan254) {
  const std::string domain = "@example.org";
  EXPECT_TRUE(IsValidEmail(std::string(254 - domain.size(), 'a') + domain));
  EXPECT_FALSE(IsValidEmail(std::string(255 - domain.size(), 'a') + domain));
}

TEST(IsUsJurisdictionCodeTest, KnowsStatesDcAndTerritories) {
  for (const char* code :
       {"VA", "MD", "WV", "CA", "AK", "HI", "DC", "PR", "GU", "VI", "AS", "MP", "FM", "MH", "PW"}) {
    EXPECT_TRUE(IsUsJurisdictionCode(code)) << code;
  }
}

TEST(IsUsJurisdictionCodeTest, ThereAreFiftyNineCodes) {
  // 50 states, DC, 5 territories and 3 freely associated states.
  int count = 0;
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) count += IsUsJurisdictionCode(std::string{a, b});
  }
  EXPECT_EQ(count, 59);
}

TEST(IsUsJurisdictionCodeTest, RefusesLowercaseAndUnknownCodes) {
  for (const char* code : {"", "va", "Va", "XX", "VAA", "V", "UK", " VA"}) {
    EXPECT_FALSE(IsUsJurisdictionCode(code)) << '"' << code << '"';
  }
}

}  // namespace
}  // namespace coalition
