#include "libs/core/proto_body.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "coalition/membership/v1/resources.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/unknown_field_set.h"
#include "gtest/gtest.h"

namespace coalition {
namespace {

using ::coalition::membership::v1::Coalition;
using ::testing::HasSubstr;

Coalition SomeCoalition() {
  Coalition c;
  c.set_name("networks/n1/coalitions/c1");
  c.set_display_name("Coalici\xc3\xb3n de Diabetes");
  c.set_state("PR");
  c.set_status(coalition::membership::v1::ACTIVE);
  c.mutable_organizing_sentence()->set_what("fewer amputations");
  c.mutable_create_time()->set_seconds(1767225600);
  return c;
}

TEST(ProtoBodyTest, RoundTripsAMessage) {
  const std::string body = EncodeBody(SomeCoalition());
  Coalition decoded;
  ASSERT_TRUE(DecodeBody(body, &decoded).ok());
  EXPECT_EQ(decoded.SerializeAsString(), SomeCoalition().SerializeAsString());
}

TEST(ProtoBodyTest, BodyIsPlainAsciiText) {
  const std::string body = EncodeBody(SomeCoalition());
  EXPECT_EQ(
      body.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
      std::string::npos)
      << body;
}

TEST(ProtoBodyTest, UnknownFieldsAtAnyDepthAreNeverStored) {
  Coalition sent = SomeCoalition();
  sent.GetReflection()->MutableUnknownFields(&sent)->AddLengthDelimited(900,
                                                                        std::string(1000, 'x'));
  auto* sentence = sent.mutable_organizing_sentence();
  sentence->GetReflection()->MutableUnknownFields(sentence)->AddVarint(901, 7);
  ASSERT_TRUE(HasUnknownFields(sent));

  Coalition stored;
  ASSERT_TRUE(DecodeBody(EncodeBody(sent), &stored).ok());
  EXPECT_FALSE(HasUnknownFields(stored));
  EXPECT_EQ(stored.SerializeAsString(), SomeCoalition().SerializeAsString());
}

TEST(ProtoBodyTest, EmptyMessageRoundTrips) {
  Coalition decoded = SomeCoalition();
  ASSERT_TRUE(DecodeBody(EncodeBody(Coalition()), &decoded).ok());
  EXPECT_EQ(decoded.ByteSizeLong(), 0u);
}

TEST(ProtoBodyTest, BodyThatIsNotBase64IsDataLoss) {
  Coalition decoded;
  const absl::Status status = DecodeBody("not base64 at all!", &decoded);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("Coalition"));
}

TEST(ProtoBodyTest, Base64OfABrokenMessageIsDataLoss) {
  // Field 2 (display_name) claims 5 bytes but only 2 follow.
  Coalition decoded;
  EXPECT_EQ(DecodeBody(absl::Base64Escape(std::string("\x12\x05"
                                                      "ab",
                                                      4)),
                       &decoded)
                .code(),
            absl::StatusCode::kDataLoss);
}

TEST(ProtoBodyTest, TruncatedBodyIsDataLoss) {
  const std::string body = EncodeBody(SomeCoalition());
  std::string bytes;
  ASSERT_TRUE(absl::Base64Unescape(body, &bytes));
  Coalition decoded;
  EXPECT_EQ(DecodeBody(absl::Base64Escape(bytes.substr(0, bytes.size() - 3)), &decoded).code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace coalition
