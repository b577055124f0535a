// RpcEdge (libs/server/rpc.h) over a real GrpcServer: a small MeetingsService with a few
// methods, its own access table, a fake authenticator and an in-memory store.
#include "libs/server/rpc.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.pb.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "coalition/meetings/v1/meetings_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "libs/core/proto_time.h"
#include "libs/server/access_rules.h"
#include "libs/server/call_context.h"
#include "libs/server/grpc_server.h"
#include "libs/storage/database.h"
#include "libs/storage/platform_tables.h"

namespace coalition::server {
namespace {

namespace v1 = ::coalition::meetings::v1;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kAdminSecret[] = "admin-secret";
constexpr char kAdminKey[] = "networks/n/apiKeys/admin";
constexpr char kAdminPerson[] = "networks/n/people/ada";
constexpr char kClientRequestId[] = "client-request-1";

class FakeAuthenticator final : public auth::Authenticator {
 public:
  absl::StatusOr<auth::Caller> Authenticate(absl::string_view secret) override {
    if (secret != kAdminSecret) return absl::UnauthenticatedError("unknown key");
    auth::Caller caller;
    caller.key = kAdminKey;
    caller.role = common::v1::ROLE_NETWORK_ADMIN;
    caller.network_id = "n";
    caller.person = kAdminPerson;
    return caller;
  }
};

const google::protobuf::ServiceDescriptor& Meetings() {
  return *v1::CreateMeetingRequest::descriptor()->file()->FindServiceByName("MeetingsService");
}

// Every method readable on the platform, but for the ones the tests call.
std::vector<AccessRule> TestRules() {
  const absl::flat_hash_map<std::string, AccessRule> declared = {
      {"GetMeeting",
       {"GetMeeting", auth::Access::kReadCoalition, Target::InCoalition("name", "meetings")}},
      {"CreateOneToOne",
       {"CreateOneToOne", auth::Access::kReadCoalition, Target::Coalition("parent"),
        Also::kOwnOrWrite}},
      {"CreateMeeting",
       {"CreateMeeting", auth::Access::kReadCoalition, Target::Coalition("parent"), Also::kNothing,
        /*anonymous=*/true}},
  };
  std::vector<AccessRule> rules;
  for (int i = 0; i < Meetings().method_count(); ++i) {
    const std::string method = Meetings().method(i)->name();
    auto it = declared.find(method);
    rules.push_back(it != declared.end()
                        ? it->second
                        : AccessRule{method, auth::Access::kReadCoalition, Target::Platform()});
  }
  return rules;
}

// The rules of another service ("test.Other" with one method), for a handler that runs
// through an edge with no rule for its own method.
const google::protobuf::ServiceDescriptor& OtherService() {
  static const google::protobuf::DescriptorPool* pool = [] {
    google::protobuf::FileDescriptorProto file;
    file.set_name("test/other.proto");
    file.set_package("test");
    file.set_syntax("proto3");
    file.add_message_type()->set_name("Empty");
    google::protobuf::MethodDescriptorProto* ping = file.add_service()->add_method();
    file.mutable_service(0)->set_name("Other");
    ping->set_name("Ping");
    ping->set_input_type(".test.Empty");
    ping->set_output_type(".test.Empty");
    auto* built = new google::protobuf::DescriptorPool();
    built->BuildFile(file);
    return built;
  }();
  return *pool->FindServiceByName("test.Other");
}

class SmallMeetings final : public v1::MeetingsService::CallbackService {
 public:
  SmallMeetings(const AccessRules& rules, const AccessRules& other_rules, storage::Database& db,
                absl::Time now)
      : edge_(rules, authenticator_),
        other_edge_(other_rules, authenticator_),
        db_(db),
        now_(now) {}

  grpc::ServerUnaryReactor* GetMeeting(grpc::CallbackServerContext* ctx,
                                       const v1::GetMeetingRequest* req,
                                       v1::Meeting* resp) override {
    return edge_.Unary(ctx, req, [=](const Call& call) -> absl::Status {
      resp->set_name(call.scope().InCoalition().id);
      return absl::OkStatus();
    });
  }

  // Declared kOwnOrWrite, and never asks whose one-to-one it is.
  grpc::ServerUnaryReactor* CreateOneToOne(grpc::CallbackServerContext* ctx,
                                           const v1::CreateOneToOneRequest* req,
                                           v1::OneToOne*) override {
    return edge_.Unary(ctx, req, [=](const Call&) -> absl::Status { return absl::OkStatus(); });
  }

  // Declared anonymous: tries an audit event that names the caller, then writes a participation.
  grpc::ServerUnaryReactor* CreateMeeting(grpc::CallbackServerContext* ctx,
                                          const v1::CreateMeetingRequest* req,
                                          v1::Meeting*) override {
    return edge_.Unary(ctx, req, [=](const Call& call) -> absl::Status {
      return db_.Transact([&](storage::Session& s) -> absl::Status {
        absl::Status audit = call.Audit(s, req->parent(), "named the caller", now_);
        {
          absl::MutexLock lock(&mu_);
          audit_in_anonymous_ = audit;
        }
        return call.AuditParticipation(s, req->parent(), now_);
      });
    });
  }

  grpc::ServerUnaryReactor* ListMeetings(grpc::CallbackServerContext* ctx,
                                         const v1::ListMeetingsRequest* req,
                                         v1::ListMeetingsResponse*) override {
    return other_edge_.Unary(ctx, req,
                             [=](const Call&) -> absl::Status { return absl::OkStatus(); });
  }

  absl::Status audit_in_anonymous() {
    absl::MutexLock lock(&mu_);
    return audit_in_anonymous_;
  }

 private:
  FakeAuthenticator authenticator_;
  RpcEdge edge_;
  RpcEdge other_edge_;
  storage::Database& db_;
  const absl::Time now_;
  absl::Mutex mu_;
  absl::Status audit_in_anonymous_ ABSL_GUARDED_BY(mu_) = absl::UnknownError("not called");
};

class RpcEdgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::OpenDatabase("sqlite::memory:");
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    auto rules = AccessRules::Make(Meetings(), TestRules());
    ASSERT_TRUE(rules.ok()) << rules.status();
    rules_ = std::make_unique<AccessRules>(*std::move(rules));
    auto other =
        AccessRules::Make(OtherService(), {{"Ping", auth::Access::kPlatform, Target::Platform()}});
    ASSERT_TRUE(other.ok()) << other.status();
    other_rules_ = std::make_unique<AccessRules>(*std::move(other));
    service_ = std::make_unique<SmallMeetings>(*rules_, *other_rules_, *db_, kNow);
    auto server = GrpcServer::Start(ServerOptions{}, {service_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::MeetingsService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
  }

  static std::unique_ptr<grpc::ClientContext> Context(bool with_key = true) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (with_key) context->AddMetadata("authorization", absl::StrCat("Bearer ", kAdminSecret));
    context->AddMetadata(kRequestIdKey, kClientRequestId);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  static std::string EchoedRequestId(const grpc::ClientContext& context) {
    auto it = context.GetServerInitialMetadata().find(kRequestIdKey);
    if (it == context.GetServerInitialMetadata().end()) return "";
    return std::string(it->second.data(), it->second.size());
  }

  // The fields a BadRequest in `status` names.
  static std::vector<std::string> BadFields(const grpc::Status& status) {
    std::vector<std::string> fields;
    google::rpc::Status details;
    if (!details.ParseFromString(status.error_details())) return fields;
    for (const auto& detail : details.details()) {
      google::rpc::BadRequest bad_request;
      if (!detail.UnpackTo(&bad_request)) continue;
      for (const auto& violation : bad_request.field_violations()) {
        fields.push_back(violation.field());
      }
    }
    return fields;
  }

  const absl::Time kNow =
      absl::FromCivil(absl::CivilSecond(2026, 3, 4, 15, 30, 12), absl::UTCTimeZone());
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<AccessRules> rules_;
  std::unique_ptr<AccessRules> other_rules_;
  std::unique_ptr<SmallMeetings> service_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<v1::MeetingsService::Stub> stub_;
};

TEST_F(RpcEdgeTest, AdmittedCallRunsItsBodyWithTheTargetsScope) {
  v1::GetMeetingRequest request;
  request.set_name("networks/n/coalitions/c/meetings/m1");
  v1::Meeting meeting;
  auto context = Context();
  grpc::Status status = stub_->GetMeeting(context.get(), request, &meeting);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(meeting.name(), "m1");
  EXPECT_EQ(EchoedRequestId(*context), kClientRequestId);
}

TEST_F(RpcEdgeTest, MethodWithoutARuleIsInternal) {
  v1::ListMeetingsResponse response;
  grpc::Status status = stub_->ListMeetings(Context().get(), v1::ListMeetingsRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), HasSubstr("internal error; request_id"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("access rule")));
}

TEST_F(RpcEdgeTest, UnauthenticatedComesBeforeABadTargetWhichIsNamed) {
  v1::GetMeetingRequest request;
  request.set_name("not a meeting");
  v1::Meeting meeting;
  grpc::Status anonymous = stub_->GetMeeting(Context(/*with_key=*/false).get(), request, &meeting);
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::UNAUTHENTICATED);

  grpc::Status bad = stub_->GetMeeting(Context().get(), request, &meeting);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(BadFields(bad), std::vector<std::string>{"name"});
}

TEST_F(RpcEdgeTest, OwnOrWriteBodyThatNeverChecksTheOwnerFailsClosed) {
  v1::CreateOneToOneRequest request;
  request.set_parent("networks/n/coalitions/c");
  v1::OneToOne one_to_one;
  grpc::Status status = stub_->CreateOneToOne(Context().get(), request, &one_to_one);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
}

TEST_F(RpcEdgeTest, AnonymousMethodMakesItsOwnRequestIdAndAuditsOnlyAParticipation) {
  v1::CreateMeetingRequest request;
  request.set_parent("networks/n/coalitions/c");
  v1::Meeting meeting;
  auto context = Context();
  grpc::Status status = stub_->CreateMeeting(context.get(), request, &meeting);
  ASSERT_TRUE(status.ok()) << status.error_message();

  const std::string echoed = EchoedRequestId(*context);
  EXPECT_FALSE(echoed.empty());
  EXPECT_NE(echoed, kClientRequestId);

  const absl::Status audit = service_->audit_in_anonymous();
  EXPECT_EQ(audit.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(std::string(audit.message()), HasSubstr("anonymous"));

  std::vector<common::v1::AuditEvent> events;
  ASSERT_TRUE(db_->Read([&](storage::Session& s) -> absl::Status {
                   absl::StatusOr<storage::AuditPage> page =
                       storage::ListAuditEvents(s, "n", "", "", 0);
                   if (!page.ok()) return page.status();
                   events = std::move(page->events);
                   return absl::OkStatus();
                 })
                  .ok());
  ASSERT_EQ(events.size(), 1u);
  const common::v1::AuditEvent& event = events[0];
  EXPECT_EQ(event.actor(), "");
  EXPECT_EQ(event.actor_person(), "");
  EXPECT_EQ(event.request_id(), "");
  EXPECT_EQ(event.resource(), "networks/n/coalitions/c");
  EXPECT_EQ(event.method(), "coalition.meetings.v1.MeetingsService/CreateMeeting");
  EXPECT_EQ(FromProtoTimestamp(event.time()),
            absl::FromCivil(absl::CivilDay(2026, 3, 4), absl::UTCTimeZone()));
}

}  // namespace
}  // namespace coalition::server
