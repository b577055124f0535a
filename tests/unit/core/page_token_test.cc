#include "libs/core/page_token.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"

namespace coalition {
namespace {

using ::testing::HasSubstr;

constexpr absl::string_view kQuery = "networks/n1/coalitions|state=VA";

void ExpectRefusedOnPageToken(const absl::StatusOr<std::string>& decoded) {
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(decoded.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "page_token");
}

TEST(PageTokenCodecTest, DecodingGivesBackTheLastKey) {
  const PageTokenCodec codec("store secret");
  for (const std::string& key :
       {std::string("coalition-42"), std::string("2026-01-01|x\x01\xff"), std::string(300, 'k')}) {
    absl::StatusOr<std::string> decoded = codec.Decode(kQuery, codec.Encode(kQuery, key));
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(*decoded, key);
  }
}

TEST(PageTokenCodecTest, TokenIsWebSafeText) {
  const PageTokenCodec codec("store secret");
  const std::string token = codec.Encode(kQuery, std::string("\xfb\xff\xfe", 3));
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="),
      std::string::npos)
      << token;
}

TEST(PageTokenCodecTest, EmptyTokenIsTheFirstPage) {
  const PageTokenCodec codec("store secret");
  absl::StatusOr<std::string> decoded = codec.Decode(kQuery, "");
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(*decoded, "");
}

TEST(PageTokenCodecTest, EditedKeyIsRefused) {
  const PageTokenCodec codec("store secret");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(codec.Encode(kQuery, "coalition-42"), &raw));
  raw.back() = '9';
  ExpectRefusedOnPageToken(codec.Decode(kQuery, absl::WebSafeBase64Escape(raw)));
}

TEST(PageTokenCodecTest, EditedMacIsRefused) {
  const PageTokenCodec codec("store secret");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(codec.Encode(kQuery, "coalition-42"), &raw));
  raw[0] = static_cast<char>(raw[0] ^ 1);
  ExpectRefusedOnPageToken(codec.Decode(kQuery, absl::WebSafeBase64Escape(raw)));
}

TEST(PageTokenCodecTest, TokenOfAnotherQueryIsRefused) {
  const PageTokenCodec codec("store secret");
  const std::string token = codec.Encode(kQuery, "coalition-42");
  ExpectRefusedOnPageToken(codec.Decode("networks/n1/coalitions|state=MD", token));
  ExpectRefusedOnPageToken(codec.Decode("networks/n2/coalitions|state=VA", token));
  ExpectRefusedOnPageToken(codec.Decode("", token));
}

TEST(PageTokenCodecTest, QueryAndKeyCannotTradeCharacters) {
  // The token of query "parent=a" at key "bc", cut to key "c", must not pass for "parent=ab".
  const PageTokenCodec codec("store secret");
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(codec.Encode("parent=a", "bc"), &raw));
  ASSERT_EQ(raw.substr(24), "bc");  // after the period and the MAC
  raw.erase(24, 1);
  ExpectRefusedOnPageToken(codec.Decode("parent=ab", absl::WebSafeBase64Escape(raw)));
}

TEST(PageTokenCodecTest, TokenUnderAnotherSecretIsRefused) {
  const PageTokenCodec ours("store secret");
  const PageTokenCodec theirs("another store's secret");
  ExpectRefusedOnPageToken(ours.Decode(kQuery, theirs.Encode(kQuery, "coalition-42")));
}

TEST(PageTokenCodecTest, GarbageIsRefused) {
  const PageTokenCodec codec("store secret");
  ExpectRefusedOnPageToken(codec.Decode(kQuery, "not a token!"));
  ExpectRefusedOnPageToken(codec.Decode(kQuery, "AAAA"));
  // A MAC without any key.
  ExpectRefusedOnPageToken(codec.Decode(kQuery, absl::WebSafeBase64Escape(std::string(16, 'm'))));
}

TEST(PageTokenCodecTest, TokensLastOnePeriodAndThenExpire) {
  FakeClock clock;
  const PageTokenCodec codec("store secret", clock, absl::Hours(24));
  const std::string token = codec.Encode(kQuery, "coalition-42");
  clock.Advance(absl::Hours(24));
  EXPECT_EQ(*codec.Decode(kQuery, token), "coalition-42");  // the next period still takes it
  clock.Advance(absl::Hours(24));
  ExpectRefusedOnPageToken(codec.Decode(kQuery, token));
  EXPECT_THAT(FieldViolationsOf(codec.Decode(kQuery, token).status())[0].description,
              HasSubstr("expired"));
}

TEST(PageTokenCodecTest, TheKeyRotatesEachPeriod) {
  // The same query and key give a different MAC in the next period: a leaked period key is
  // worth one period only.
  FakeClock clock;
  const PageTokenCodec codec("store secret", clock, absl::Hours(24));
  std::string first, second;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(codec.Encode(kQuery, "k"), &first));
  clock.Advance(absl::Hours(24));
  ASSERT_TRUE(absl::WebSafeBase64Unescape(codec.Encode(kQuery, "k"), &second));
  EXPECT_NE(first.substr(8, 16), second.substr(8, 16));
  // A token whose period is moved forward by hand no longer matches its MAC.
  first[7] = static_cast<char>(first[7] + 1);
  ExpectRefusedOnPageToken(codec.Decode(kQuery, absl::WebSafeBase64Escape(first)));
}

TEST(EffectivePageSizeTest, ZeroMeansTheDefault) {
  EXPECT_EQ(*EffectivePageSize(0), kDefaultPageSize);
}

TEST(EffectivePageSizeTest, SizesUpToTheCapAreKept) {
  EXPECT_EQ(*EffectivePageSize(1), 1);
  EXPECT_EQ(*EffectivePageSize(kMaxPageSize), kMaxPageSize);
}

TEST(EffectivePageSizeTest, LargerSizesAreCapped) {
  EXPECT_EQ(*EffectivePageSize(kMaxPageSize + 1), kMaxPageSize);
  EXPECT_EQ(*EffectivePageSize(1 << 30), kMaxPageSize);
}

TEST(EffectivePageSizeTest, NegativeSizeIsRefusedOnPageSize) {
  const absl::StatusOr<int> size = EffectivePageSize(-1);
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<FieldViolation> violations = FieldViolationsOf(size.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "page_size");
  EXPECT_THAT(violations[0].description, HasSubstr("negative"));
}

}  // namespace
}  // namespace coalition
