#include "libs/core/proto_time.h"

#include "absl/time/time.h"
#include "coalition/common/v1/common.pb.h"
#include "gtest/gtest.h"

namespace coalition {
namespace {

using ::coalition::common::v1::Date;

Date MakeDate(int year, int month, int day) {
  Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

TEST(ProtoTimestampTest, RoundTripsToTheMicrosecond) {
  const absl::Time t = absl::FromUnixMicros(1767225600123456);
  const google::protobuf::Timestamp ts = ToProtoTimestamp(t);
  EXPECT_EQ(ts.seconds(), 1767225600);
  EXPECT_EQ(ts.nanos(), 123456000);
  EXPECT_EQ(FromProtoTimestamp(ts), t);
}

TEST(ProtoTimestampTest, EpochIsZero) {
  const google::protobuf::Timestamp ts = ToProtoTimestamp(absl::UnixEpoch());
  EXPECT_EQ(ts.seconds(), 0);
  EXPECT_EQ(ts.nanos(), 0);
  EXPECT_EQ(FromProtoTimestamp(ts), absl::UnixEpoch());
}

TEST(ProtoTimestampTest, TimesBeforeTheEpochKeepNanosNonNegative) {
  // The protobuf Timestamp rule: nanos are in [0, 1e9) and count forward from seconds.
  const absl::Time t = absl::FromUnixMicros(-1);
  const google::protobuf::Timestamp ts = ToProtoTimestamp(t);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 999999000);
  EXPECT_EQ(FromProtoTimestamp(ts), t);
}

TEST(ProtoTimestampTest, WholeSecondsBeforeTheEpochHaveNoNanos) {
  const absl::Time t = absl::FromUnixSeconds(-86400 * 365);
  const google::protobuf::Timestamp ts = ToProtoTimestamp(t);
  EXPECT_EQ(ts.seconds(), -86400 * 365);
  EXPECT_EQ(ts.nanos(), 0);
  EXPECT_EQ(FromProtoTimestamp(ts), t);
}

TEST(ProtoTimestampTest, NegativeRoundTripWithFraction) {
  const absl::Time t = absl::FromUnixMicros(-2208988800000001);  // just before 1900
  EXPECT_EQ(FromProtoTimestamp(ToProtoTimestamp(t)), t);
}

TEST(ProtoTimestampTest, TimeIsKeptToTheMicrosecondOnly) {
  const absl::Time t = absl::FromUnixNanos(1767225600123456789);
  EXPECT_EQ(ToProtoTimestamp(t).nanos(), 123456000);
  EXPECT_EQ(ToUnixMicrosStored(t), 1767225600123456);
}

TEST(IsValidDateTest, AcceptsRealDates) {
  EXPECT_TRUE(IsValidDate(MakeDate(2026, 1, 1)));
  EXPECT_TRUE(IsValidDate(MakeDate(2026, 12, 31)));
  EXPECT_TRUE(IsValidDate(MakeDate(2026, 4, 30)));
  EXPECT_TRUE(IsValidDate(MakeDate(1900, 1, 1)));
  EXPECT_TRUE(IsValidDate(MakeDate(2200, 12, 31)));
}

TEST(IsValidDateTest, February29OnlyInLeapYears) {
  EXPECT_TRUE(IsValidDate(MakeDate(2024, 2, 29)));
  EXPECT_TRUE(IsValidDate(MakeDate(2000, 2, 29)));  // divisible by 400
  EXPECT_FALSE(IsValidDate(MakeDate(2023, 2, 29)));
  EXPECT_FALSE(IsValidDate(MakeDate(2100, 2, 29)));  // divisible by 100, not by 400
  EXPECT_FALSE(IsValidDate(MakeDate(1900, 2, 29)));
  EXPECT_FALSE(IsValidDate(MakeDate(2024, 2, 30)));
}

TEST(IsValidDateTest, RefusesDaysAndMonthsThatDoNotExist) {
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 4, 31)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 1, 32)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 1, 0)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 1, -1)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 0, 10)));
  EXPECT_FALSE(IsValidDate(MakeDate(2026, 13, 10)));
  EXPECT_FALSE(IsValidDate(Date()));
}

TEST(IsValidDateTest, RefusesYearsOutside1900To2200) {
  EXPECT_FALSE(IsValidDate(MakeDate(1899, 12, 31)));
  EXPECT_FALSE(IsValidDate(MakeDate(2201, 1, 1)));
  EXPECT_FALSE(IsValidDate(MakeDate(-2026, 1, 1)));
}

TEST(DateToStringTest, IsZeroPaddedIsoDate) {
  EXPECT_EQ(DateToString(MakeDate(2026, 3, 7)), "2026-03-07");
  EXPECT_EQ(DateToString(MakeDate(1900, 12, 31)), "1900-12-31");
}

TEST(ParseDateTest, ReadsIsoDates) {
  Date date;
  ASSERT_TRUE(ParseDate("2024-02-29", &date));
  EXPECT_EQ(date.year(), 2024);
  EXPECT_EQ(date.month(), 2);
  EXPECT_EQ(date.day(), 29);
}

TEST(ParseDateTest, RoundTripsWithDateToString) {
  const Date original = MakeDate(2031, 11, 5);
  Date parsed;
  ASSERT_TRUE(ParseDate(DateToString(original), &parsed));
  EXPECT_EQ(parsed.SerializeAsString(), original.SerializeAsString());
}

TEST(ParseDateTest, RefusesTextThatIsNotARealDate) {
  Date date;
  EXPECT_FALSE(ParseDate("", &date));
  EXPECT_FALSE(ParseDate("next tuesday", &date));
  EXPECT_FALSE(ParseDate("2023-02-29", &date));
  EXPECT_FALSE(ParseDate("2026-13-01", &date));
  EXPECT_FALSE(ParseDate("2026-04-31", &date));
  EXPECT_FALSE(ParseDate("2026-01-01T10:00", &date));
}

}  // namespace
}  // namespace coalition
