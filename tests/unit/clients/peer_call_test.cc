// How a service calls another (libs/clients/peer_call.h), seen from the called side: a call made
// inside a handler body carries the incoming call's deadline, cancellation and request id, and
// UNAVAILABLE (only) is retried by the channel's retry policy within the call's one deadline.
// The called side is a stand-in for membership that records what each call brought; the
// calling side is a service whose handlers ask it through MembershipClient and
// IntrospectingAuthenticator, as meetings' handlers do.
#include "libs/clients/peer_call.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/cache/cache.h"
#include "libs/clients/membership_authenticator.h"
#include "libs/clients/membership_client.h"
#include "libs/core/status.h"
#include "libs/server/call_context.h"
#include "libs/server/grpc_server.h"
#include "libs/server/unary.h"
#include "libs/telemetry/log.h"
#include "libs/testing/grpc_calls.h"

namespace coalition::clients {
namespace {

namespace v1 = ::coalition::membership::v1;
using ::coalition::testing::HasCode;
using ::coalition::testing::IsOk;

constexpr char kServiceKey[] = "ck_meetings-service-key";

// What one call brought to the called side.
struct Received {
  absl::Duration deadline_left;  // from when the body started
  std::string request_id;        // the x-request-id the caller sent, "" when none
  std::string authorization;
};

std::string MetadataValue(const grpc::ServerContextBase& ctx, absl::string_view key) {
  auto it = ctx.client_metadata().find(std::string(key));
  return it == ctx.client_metadata().end() ? "" : std::string(it->second.data(), it->second.size());
}

// A stand-in for membership, on the same server plumbing (GrpcServer, FinishUnary).
//   GetCoalition and CheckMembership: fail the first `failures` attempts with `code`, each after
//     `work`; with `hang`, wait until the call is cancelled instead of answering.
//   IntrospectApiKey: an active key.
class RecordingMembership final : public v1::MembershipService::CallbackService {
 public:
  void FailFirst(int failures, grpc::StatusCode code) {
    absl::MutexLock lock(&mu_);
    failures_ = failures;
    code_ = code;
  }
  void WorkFor(absl::Duration work) {
    absl::MutexLock lock(&mu_);
    work_ = work;
  }
  void HangUntilCancelled() {
    absl::MutexLock lock(&mu_);
    hang_ = true;
  }

  grpc::ServerUnaryReactor* GetCoalition(grpc::CallbackServerContext* ctx,
                                         const v1::GetCoalitionRequest* request,
                                         v1::Coalition* response) override {
    return server::FinishUnary(ctx, [=]() -> absl::Status {
      RETURN_IF_ERROR(Answer(*ctx));
      response->set_name(request->name());
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* CheckMembership(grpc::CallbackServerContext* ctx,
                                            const v1::CheckMembershipRequest* request,
                                            v1::CheckMembershipResponse* response) override {
    return server::FinishUnary(ctx, [=]() -> absl::Status {
      RETURN_IF_ERROR(Answer(*ctx));
      response->set_active(true);
      response->set_membership(request->coalition() + "/memberships/m1");
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* IntrospectApiKey(grpc::CallbackServerContext* ctx,
                                             const v1::IntrospectApiKeyRequest* request,
                                             v1::IntrospectApiKeyResponse* response) override {
    return server::FinishUnary(ctx, [=]() -> absl::Status {
      Record(*ctx);
      response->set_active(true);
      response->mutable_api_key()->set_name("networks/n1/apiKeys/" + request->secret());
      response->set_network("networks/n1");
      return absl::OkStatus();
    });
  }

  int attempts() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(received_.size());
  }
  std::vector<Received> received() const {
    absl::MutexLock lock(&mu_);
    return received_;
  }
  // Notified when the first call arrives, and when a hanging call sees its cancellation.
  absl::Notification& entered() { return entered_; }
  absl::Notification& cancelled() { return cancelled_; }

 private:
  void Record(const grpc::CallbackServerContext& ctx) {
    const absl::Duration left = absl::FromChrono(ctx.deadline() - std::chrono::system_clock::now());
    absl::MutexLock lock(&mu_);
    received_.push_back(
        {left, MetadataValue(ctx, server::kRequestIdKey), MetadataValue(ctx, "authorization")});
    if (!entered_.HasBeenNotified()) entered_.Notify();
  }

  absl::Status Answer(const grpc::CallbackServerContext& ctx) {
    Record(ctx);
    bool hang = false;
    bool fail = false;
    grpc::StatusCode code = grpc::StatusCode::OK;
    absl::Duration work;
    {
      absl::MutexLock lock(&mu_);
      hang = hang_;
      work = work_;
      fail = failures_ > 0;
      if (fail) --failures_;
      code = code_;
    }
    if (hang) {
      while (!ctx.IsCancelled()) absl::SleepFor(absl::Milliseconds(5));
      cancelled_.Notify();
      return absl::CancelledError("the caller went away");
    }
    absl::SleepFor(work);
    if (fail) return absl::Status(static_cast<absl::StatusCode>(code), "told to fail");
    return absl::OkStatus();
  }

  mutable absl::Mutex mu_;
  int failures_ ABSL_GUARDED_BY(mu_) = 0;
  grpc::StatusCode code_ ABSL_GUARDED_BY(mu_) = grpc::StatusCode::OK;
  absl::Duration work_ ABSL_GUARDED_BY(mu_);
  bool hang_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Received> received_ ABSL_GUARDED_BY(mu_);
  absl::Notification entered_;
  absl::Notification cancelled_;
};

// A service whose handlers call membership, as meetings' do: GetCoalition and CheckMembership
// through the client, IntrospectApiKey through the authenticator.
class CallingService final : public v1::MembershipService::CallbackService {
 public:
  CallingService(Membership& membership, auth::Authenticator& authenticator)
      : membership_(membership), authenticator_(authenticator) {}

  grpc::ServerUnaryReactor* GetCoalition(grpc::CallbackServerContext* ctx,
                                         const v1::GetCoalitionRequest* request,
                                         v1::Coalition* response) override {
    return server::FinishUnary(ctx, [=]() -> absl::Status {
      ASSIGN_OR_RETURN(*response, membership_.GetCoalition(request->name()));
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* CheckMembership(grpc::CallbackServerContext* ctx,
                                            const v1::CheckMembershipRequest* request,
                                            v1::CheckMembershipResponse* response) override {
    return server::FinishUnary(ctx, [=]() -> absl::Status {
      ASSIGN_OR_RETURN(*response,
                       membership_.CheckMembership(request->coalition(), request->person()));
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* IntrospectApiKey(grpc::CallbackServerContext* ctx,
                                             const v1::IntrospectApiKeyRequest* request,
                                             v1::IntrospectApiKeyResponse* response) override {
    return server::FinishUnary(ctx, [=]() -> absl::Status {
      ASSIGN_OR_RETURN(auth::Caller caller, authenticator_.Authenticate(request->secret()));
      response->set_active(true);
      response->mutable_api_key()->set_name(caller.key);
      return absl::OkStatus();
    });
  }

 private:
  Membership& membership_;
  auth::Authenticator& authenticator_;
};

class PeerCallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    telemetry::LogOptions log;
    log.service = "peer-call-test";
    log.level = telemetry::LogLevel::kError;
    telemetry::ConfigureLogging(log);

    auto called = server::GrpcServer::Start({}, {&membership_});
    ASSERT_TRUE(called.ok()) << called.status();
    membership_server_ = std::move(*called);
    channel_ = NewPeerChannel(absl::StrCat("127.0.0.1:", membership_server_->port()),
                              grpc::InsecureChannelCredentials());
    StartCaller(absl::Seconds(10));
  }

  void TearDown() override {
    if (caller_server_ != nullptr) caller_server_->Shutdown(absl::Seconds(1));
    if (membership_server_ != nullptr) membership_server_->Shutdown(absl::Seconds(1));
  }

  // (Re)starts the calling service with clients whose own deadline is `own_deadline`.
  void StartCaller(absl::Duration own_deadline) {
    if (caller_server_ != nullptr) caller_server_->Shutdown(absl::Seconds(1));
    caller_server_.reset();
    caller_.reset();
    client_ = std::make_unique<MembershipClient>(
        channel_, *cache_, MembershipClient::Options{kServiceKey, own_deadline});
    authenticator_ = std::make_unique<IntrospectingAuthenticator>(
        channel_, IntrospectingAuthenticator::Options{kServiceKey, own_deadline});
    caller_ = std::make_unique<CallingService>(*client_, *authenticator_);
    auto server = server::GrpcServer::Start({}, {caller_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    caller_server_ = std::move(*server);
    caller_stub_ = v1::MembershipService::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", caller_server_->port()), grpc::InsecureChannelCredentials()));
  }

  // A deadline reaches the server rounded up (by about 1%: grpc-timeout is coarse), so what it
  // sees is compared with this much slack on a second.
  static constexpr absl::Duration kSlack = absl::Milliseconds(100);

  // A context for a call to the calling service, with `deadline` and no credentials (it
  // checks none).
  static std::unique_ptr<grpc::ClientContext> Incoming(absl::Duration deadline,
                                                       const std::string& request_id = "") {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    if (!request_id.empty()) context->AddMetadata(server::kRequestIdKey, request_id);
    return context;
  }

  grpc::Status GetCoalitionThroughTheCaller(grpc::ClientContext* context) {
    v1::GetCoalitionRequest request;
    request.set_name("networks/n1/coalitions/c1");
    v1::Coalition coalition;
    return caller_stub_->GetCoalition(context, request, &coalition);
  }

  RecordingMembership membership_;
  std::unique_ptr<server::GrpcServer> membership_server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<cache::Cache> cache_ = cache::NewPassThroughCache();
  std::unique_ptr<MembershipClient> client_;
  std::unique_ptr<IntrospectingAuthenticator> authenticator_;
  std::unique_ptr<CallingService> caller_;
  std::unique_ptr<server::GrpcServer> caller_server_;
  std::unique_ptr<v1::MembershipService::Stub> caller_stub_;
};

// ---- Deadlines ----

TEST_F(PeerCallTest, CallInAHandlerGetsNoMoreThanTheIncomingCallsDeadline) {
  ASSERT_THAT(GetCoalitionThroughTheCaller(Incoming(absl::Seconds(1)).get()), IsOk());
  ASSERT_EQ(membership_.attempts(), 1);
  const absl::Duration left = membership_.received()[0].deadline_left;
  EXPECT_LE(left, absl::Seconds(1) + kSlack);
  EXPECT_GT(left, absl::ZeroDuration());
}

TEST_F(PeerCallTest, ClientsOwnDeadlineAppliesWhenItIsTheEarlier) {
  StartCaller(absl::Milliseconds(500));
  ASSERT_THAT(GetCoalitionThroughTheCaller(Incoming(absl::Seconds(30)).get()), IsOk());
  ASSERT_EQ(membership_.attempts(), 1);
  EXPECT_LE(membership_.received()[0].deadline_left, absl::Milliseconds(500) + kSlack);
}

TEST_F(PeerCallTest, CallOutsideAHandlerHasTheClientsOwnDeadline) {
  ASSERT_TRUE(client_->GetCoalition("networks/n1/coalitions/c1").ok());
  ASSERT_EQ(membership_.attempts(), 1);
  const absl::Duration left = membership_.received()[0].deadline_left;
  EXPECT_LE(left, absl::Seconds(10) + 10 * kSlack);
  EXPECT_GT(left, absl::Seconds(8));
}

TEST_F(PeerCallTest, IntrospectionInAHandlerGetsNoMoreThanTheIncomingCallsDeadline) {
  v1::IntrospectApiKeyRequest request;
  request.set_secret("ck_a-caller");
  v1::IntrospectApiKeyResponse response;
  ASSERT_THAT(caller_stub_->IntrospectApiKey(Incoming(absl::Seconds(1)).get(), request, &response),
              IsOk());
  ASSERT_EQ(membership_.attempts(), 1);
  EXPECT_LE(membership_.received()[0].deadline_left, absl::Seconds(1) + kSlack);
}

TEST_F(PeerCallTest, IncomingDeadlinePassingEndsTheOutgoingCallAtOnce) {
  membership_.HangUntilCancelled();
  const absl::Time start = absl::Now();
  EXPECT_THAT(GetCoalitionThroughTheCaller(Incoming(absl::Milliseconds(300)).get()),
              HasCode(grpc::StatusCode::DEADLINE_EXCEEDED));
  // Membership sees its call end with the incoming one, not at the client's own 10 s.
  EXPECT_TRUE(membership_.cancelled().WaitForNotificationWithTimeout(absl::Seconds(2)));
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

// ---- Cancellation ----

TEST_F(PeerCallTest, CancellingTheIncomingCallCancelsTheOutgoingOne) {
  membership_.HangUntilCancelled();
  // The test keeps the context: the call may end inside TryCancel.
  std::unique_ptr<grpc::ClientContext> context = Incoming(absl::Seconds(30));
  grpc::Status status;
  std::thread call([&] { status = GetCoalitionThroughTheCaller(context.get()); });
  ASSERT_TRUE(membership_.entered().WaitForNotificationWithTimeout(absl::Seconds(5)));
  context->TryCancel();
  EXPECT_TRUE(membership_.cancelled().WaitForNotificationWithTimeout(absl::Seconds(2)));
  call.join();
  EXPECT_THAT(status, HasCode(grpc::StatusCode::CANCELLED));
}

// ---- Request ids ----

TEST_F(PeerCallTest, CallInAHandlerForwardsTheIncomingRequestIdAndTheServiceKey) {
  ASSERT_THAT(GetCoalitionThroughTheCaller(Incoming(absl::Seconds(5), "req-7f3a-commitment").get()),
              IsOk());
  ASSERT_EQ(membership_.attempts(), 1);
  EXPECT_EQ(membership_.received()[0].request_id, "req-7f3a-commitment");
  EXPECT_EQ(membership_.received()[0].authorization, absl::StrCat("Bearer ", kServiceKey));
}

TEST_F(PeerCallTest, CallInAHandlerForwardsTheRequestIdTheServerMadeUp) {
  ASSERT_THAT(GetCoalitionThroughTheCaller(Incoming(absl::Seconds(5)).get()), IsOk());
  ASSERT_EQ(membership_.attempts(), 1);
  EXPECT_TRUE(server::IsUsableRequestId(membership_.received()[0].request_id))
      << membership_.received()[0].request_id;
}

TEST_F(PeerCallTest, IntrospectionForwardsTheIncomingRequestId) {
  v1::IntrospectApiKeyRequest request;
  request.set_secret("ck_a-caller");
  v1::IntrospectApiKeyResponse response;
  ASSERT_THAT(caller_stub_->IntrospectApiKey(Incoming(absl::Seconds(5), "req-introspect").get(),
                                             request, &response),
              IsOk());
  ASSERT_EQ(membership_.attempts(), 1);
  EXPECT_EQ(membership_.received()[0].request_id, "req-introspect");
}

TEST_F(PeerCallTest, CallOutsideAHandlerForwardsTheCurrentRequestId) {
  telemetry::ScopedRequestId delivery("outbox-delivery-42");
  ASSERT_TRUE(client_->GetCoalition("networks/n1/coalitions/c1").ok());
  ASSERT_EQ(membership_.attempts(), 1);
  EXPECT_EQ(membership_.received()[0].request_id, "outbox-delivery-42");
}

// ---- Retries ----

TEST_F(PeerCallTest, PeerChannelRetriesUnavailableByItsPolicy) {
  membership_.FailFirst(2, grpc::StatusCode::UNAVAILABLE);
  auto stub = v1::MembershipService::NewStub(channel_);
  v1::GetCoalitionRequest request;
  request.set_name("networks/n1/coalitions/c1");
  v1::Coalition coalition;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  EXPECT_THAT(stub->GetCoalition(&context, request, &coalition), IsOk());
  EXPECT_EQ(membership_.attempts(), 3);
}

TEST_F(PeerCallTest, ClientCallSucceedsAfterUnavailableAttempts) {
  membership_.FailFirst(2, grpc::StatusCode::UNAVAILABLE);
  absl::StatusOr<v1::Coalition> coalition = client_->GetCoalition("networks/n1/coalitions/c1");
  ASSERT_TRUE(coalition.ok()) << coalition.status();
  EXPECT_EQ(coalition->name(), "networks/n1/coalitions/c1");
  EXPECT_EQ(membership_.attempts(), 3);
}

TEST_F(PeerCallTest, UnavailableIsTriedAtMostThePolicysAttempts) {
  membership_.FailFirst(100, grpc::StatusCode::UNAVAILABLE);
  const absl::Status status = client_->GetCoalition("networks/n1/coalitions/c1").status();
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  EXPECT_EQ(membership_.attempts(), PeerRetryPolicy{}.max_attempts);
}

TEST_F(PeerCallTest, OtherErrorsAreNotRetried) {
  for (grpc::StatusCode code : {grpc::StatusCode::INTERNAL, grpc::StatusCode::RESOURCE_EXHAUSTED,
                                grpc::StatusCode::ABORTED, grpc::StatusCode::NOT_FOUND}) {
    const int before = membership_.attempts();
    membership_.FailFirst(1, code);
    EXPECT_FALSE(client_->GetCoalition("networks/n1/coalitions/c1").ok());
    EXPECT_EQ(membership_.attempts() - before, 1) << static_cast<int>(code);
  }
}

TEST_F(PeerCallTest, RetriesShareTheCallsOneDeadline) {
  StartCaller(absl::Milliseconds(400));
  membership_.FailFirst(100, grpc::StatusCode::UNAVAILABLE);
  membership_.WorkFor(absl::Milliseconds(300));
  const absl::Time start = absl::Now();
  const absl::Status status = client_->GetCoalition("networks/n1/coalitions/c1").status();
  EXPECT_TRUE(absl::IsUnavailable(status)) << status;
  // Three attempts of 300 ms each would take 900 ms and more.
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(800));
  EXPECT_LE(membership_.attempts(), 2);
}

// ---- A load shared between callers ----

TEST_F(PeerCallTest, LoadSharedWithACallerWhoRanOutOfTimeIsAskedAgain) {
  membership_.WorkFor(absl::Milliseconds(400));
  grpc::Status hurried;
  std::thread first([&] {
    v1::CheckMembershipRequest request;
    request.set_coalition("networks/n1/coalitions/c1");
    request.set_person("networks/n1/people/p1");
    v1::CheckMembershipResponse response;
    hurried =
        caller_stub_->CheckMembership(Incoming(absl::Milliseconds(150)).get(), request, &response);
  });
  ASSERT_TRUE(membership_.entered().WaitForNotificationWithTimeout(absl::Seconds(5)));
  // Joins the hurried caller's load, which its deadline cuts short.
  absl::StatusOr<v1::CheckMembershipResponse> patient =
      client_->CheckMembership("networks/n1/coalitions/c1", "networks/n1/people/p1");
  first.join();
  EXPECT_THAT(hurried, HasCode(grpc::StatusCode::DEADLINE_EXCEEDED));
  ASSERT_TRUE(patient.ok()) << patient.status();
  EXPECT_TRUE(patient->active());
}

// ---- The service config ----

TEST(PeerServiceConfigTest, RetriesOnlyUnavailableOnEveryMethod) {
  EXPECT_EQ(PeerServiceConfigJson({}),
            R"({"methodConfig":[{"name":[{}],"retryPolicy":{"maxAttempts":3,)"
            R"("initialBackoff":"0.050s","maxBackoff":"0.500s","backoffMultiplier":2,)"
            R"("retryableStatusCodes":["UNAVAILABLE"]}}]})");
}

}  // namespace
}  // namespace coalition::clients
