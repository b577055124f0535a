#include "libs/core/status.h"

#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace coalition {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

MATCHER_P2(Violation, field, description, "") {
  return arg.field == field && arg.description == description;
}

google::rpc::BadRequest BadRequestPayload(const absl::Status& status) {
  google::rpc::BadRequest bad_request;
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  EXPECT_TRUE(payload.has_value());
  if (payload) {
    EXPECT_TRUE(bad_request.ParseFromString(std::string(*payload)));
  }
  return bad_request;
}

TEST(FieldViolationsTest, NoViolationsIsOk) {
  FieldViolations v;
  EXPECT_TRUE(v.empty());
  EXPECT_TRUE(v.ToStatus().ok());
}

TEST(FieldViolationsTest, ViolationsBecomeInvalidArgumentNamingEveryField) {
  FieldViolations v;
  v.Add("coalition.display_name", "is required");
  v.Add("coalition.state", "must be one of the network's states");

  const absl::Status status = v.ToStatus();

  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "coalition.display_name: is required; coalition.state: must be one of the network's "
            "states");
  const google::rpc::BadRequest bad_request = BadRequestPayload(status);
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(), "coalition.display_name");
  EXPECT_EQ(bad_request.field_violations(0).description(), "is required");
  EXPECT_EQ(bad_request.field_violations(1).field(), "coalition.state");
  EXPECT_EQ(bad_request.field_violations(1).description(), "must be one of the network's states");
}

TEST(FieldViolationsTest, ThousandsOfViolationsStayWithinWhatAClientAccepts) {
  FieldViolations v;
  std::string accents;
  for (int i = 0; i < 3000; ++i) accents += "\xC3\xA9";  // the worst case for grpc-message
  for (int i = 0; i < 5000; ++i) {
    v.Add(absl::StrCat("names[", i, "].", std::string(500, 'f')), accents);
  }
  EXPECT_EQ(v.violations().size(), kMaxFieldViolations);
  EXPECT_EQ(v.dropped(), 5000 - kMaxFieldViolations);
  const grpc::Status status = ToGrpcStatus(v.ToStatus());
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_LE(status.error_message().size(), kMaxStatusMessageBytes);
  // grpc-message percent-encodes every non-ASCII byte; grpc-status-details-bin is base64.
  size_t message_on_the_wire = 0;
  for (unsigned char c : status.error_message()) message_on_the_wire += c < 0x80 ? 1 : 3;
  const size_t details_on_the_wire = (status.error_details().size() + 2) / 3 * 4;
  EXPECT_LT(message_on_the_wire + details_on_the_wire, 8 * 1024 - 512);
  EXPECT_EQ(FieldViolationsOf(FromGrpcStatus(status)).size(), kMaxFieldViolations);
}

TEST(FieldViolationsTest, AMessageCutShortStillSaysHowManyMoreFieldsWereBad) {
  FieldViolations v;
  for (int i = 0; i < 5000; ++i) {
    v.Add(absl::StrCat("update_mask.paths[", i, "]"), std::string(500, 'x'));
  }

  const grpc::Status status = ToGrpcStatus(v.ToStatus());

  EXPECT_LE(status.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_TRUE(absl::EndsWith(status.error_message(),
                             absl::StrCat("...; and ", 5000 - kMaxFieldViolations, " more")))
      << status.error_message();
}

TEST(FieldViolationsTest, RelayedViolationsAreCappedToo) {
  google::rpc::BadRequest many;
  for (int i = 0; i < 3000; ++i) many.add_field_violations()->set_field(absl::StrCat("f", i));
  absl::Status relayed = absl::InvalidArgumentError("bad");
  relayed.SetPayload(kBadRequestTypeUrl, absl::Cord(many.SerializeAsString()));
  const grpc::Status status = ToGrpcStatus(relayed);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  google::rpc::BadRequest sent;
  ASSERT_TRUE(details.details(0).UnpackTo(&sent));
  EXPECT_EQ(sent.field_violations_size(), static_cast<int>(kMaxFieldViolations));
}

TEST(ToGrpcStatusTest, LongMessagesAreCutOnACharacterBoundary) {
  std::string name = "networks/";
  for (int i = 0; i < 2000; ++i) name += "\xC3\xA9";  // é
  const grpc::Status status = ToGrpcStatus(absl::NotFoundError(name));
  EXPECT_LE(status.error_message().size(), kMaxStatusMessageBytes);
  EXPECT_TRUE(absl::EndsWith(status.error_message(), "\xC3\xA9..."));
}

TEST(FieldViolationsTest, CheckAddsOnlyWhenTheConditionFails) {
  FieldViolations v;
  EXPECT_TRUE(v.Check(true, "a", "never added"));
  EXPECT_FALSE(v.Check(false, "b", "added"));
  EXPECT_THAT(v.violations(), ElementsAre(Violation("b", "added")));
}

TEST(StatusTest, InvalidFieldCarriesOneViolation) {
  const absl::Status status = InvalidField("page_size", "must not be negative");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "page_size: must not be negative");
  EXPECT_THAT(FieldViolationsOf(status),
              ElementsAre(Violation("page_size", "must not be negative")));
}

TEST(StatusTest, StatusWithoutPayloadHasNoViolations) {
  EXPECT_THAT(FieldViolationsOf(absl::NotFoundError("no such coalition")), IsEmpty());
  EXPECT_THAT(FieldViolationsOf(absl::OkStatus()), IsEmpty());
}

TEST(StatusTest, UnreadablePayloadHasNoViolations) {
  absl::Status status = absl::InvalidArgumentError("bad");
  status.SetPayload(kBadRequestTypeUrl, absl::Cord("\x0a\x7f"));
  EXPECT_THAT(FieldViolationsOf(status), IsEmpty());
}

TEST(ToGrpcStatusTest, OkStaysOk) { EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok()); }

TEST(ToGrpcStatusTest, EveryCodeAndMessageIsKept) {
  for (int code = 1; code <= 16; ++code) {
    SCOPED_TRACE(code);
    const absl::Status status(static_cast<absl::StatusCode>(code), "what went wrong");
    const grpc::Status out = ToGrpcStatus(status);
    EXPECT_EQ(static_cast<int>(out.error_code()), code);
    EXPECT_EQ(out.error_message(), "what went wrong");
    EXPECT_TRUE(out.error_details().empty());
  }
}

TEST(ToGrpcStatusTest, ViolationsTravelAsBadRequestPackedInErrorDetails) {
  FieldViolations v;
  v.Add("team.leads[1]", "is listed twice");
  v.Add("team.display_name", "is required");
  const absl::Status status = v.ToStatus();

  const grpc::Status out = ToGrpcStatus(status);

  EXPECT_EQ(out.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(out.error_message(), std::string(status.message()));
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(out.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(details.message(), out.error_message());
  ASSERT_EQ(details.details_size(), 1);
  EXPECT_EQ(details.details(0).type_url(), std::string(kBadRequestTypeUrl));
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(), "team.leads[1]");
  EXPECT_EQ(bad_request.field_violations(0).description(), "is listed twice");
  EXPECT_EQ(bad_request.field_violations(1).field(), "team.display_name");
}

TEST(FromGrpcStatusTest, OkStaysOk) { EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok()); }

TEST(FromGrpcStatusTest, EveryCodeAndMessageIsKept) {
  for (int code = 1; code <= 16; ++code) {
    SCOPED_TRACE(code);
    const absl::Status out =
        FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(code), "from the peer"));
    EXPECT_EQ(static_cast<int>(out.code()), code);
    EXPECT_EQ(out.message(), "from the peer");
    EXPECT_THAT(FieldViolationsOf(out), IsEmpty());
  }
}

TEST(FromGrpcStatusTest, RoundTripKeepsCodeMessageAndViolations) {
  FieldViolations v;
  v.Add("api_key.coalitions", "must name the coalitions a convener or member key acts in");
  v.Add("api_key.person", "is required for a member key");
  const absl::Status original = v.ToStatus();

  const absl::Status back = FromGrpcStatus(ToGrpcStatus(original));

  EXPECT_EQ(back.code(), original.code());
  EXPECT_EQ(back.message(), original.message());
  EXPECT_THAT(FieldViolationsOf(back),
              ElementsAre(Violation("api_key.coalitions",
                                    "must name the coalitions a convener or member key acts in"),
                          Violation("api_key.person", "is required for a member key")));
}

TEST(FromGrpcStatusTest, UndecodableDetailsAreIgnored) {
  const absl::Status out =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "bad", "\xff\xff\xff"));
  EXPECT_EQ(out.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out.message(), "bad");
  EXPECT_THAT(FieldViolationsOf(out), IsEmpty());
}

TEST(FromGrpcStatusTest, DetailsOfOtherTypesAreIgnored) {
  google::rpc::Status details;
  details.set_code(static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(3);
  details.add_details()->PackFrom(retry);
  const absl::Status out = FromGrpcStatus(
      grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "slow down", details.SerializeAsString()));
  EXPECT_EQ(out.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(FieldViolationsOf(out), IsEmpty());
}

absl::Status ReturnsFirstError(absl::Status first, bool* reached_end) {
  RETURN_IF_ERROR(first);
  *reached_end = true;
  return absl::OkStatus();
}

absl::StatusOr<int> Doubled(absl::StatusOr<int> in) {
  ASSIGN_OR_RETURN(int value, in);
  return value * 2;
}

TEST(StatusMacrosTest, ReturnIfErrorReturnsTheErrorAndGoesOnWhenOk) {
  bool reached_end = false;
  EXPECT_EQ(ReturnsFirstError(absl::AbortedError("x"), &reached_end).code(),
            absl::StatusCode::kAborted);
  EXPECT_FALSE(reached_end);
  EXPECT_TRUE(ReturnsFirstError(absl::OkStatus(), &reached_end).ok());
  EXPECT_TRUE(reached_end);
}

TEST(StatusMacrosTest, AssignOrReturnUnwrapsValueOrReturnsError) {
  EXPECT_EQ(*Doubled(21), 42);
  const absl::StatusOr<int> failed = Doubled(absl::NotFoundError("gone"));
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(failed.status().message()), HasSubstr("gone"));
}

}  // namespace
}  // namespace coalition
