// What the other services ask membership, through MembershipClient, against the real
// membership server in-process: answers, errors in the caller's terms and the cache in front of
// it (a real Redis). Calls are counted on the client's channel.
#include "libs/clients/membership_client.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/client_interceptor.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/cache/cache.h"
#include "libs/core/status.h"
#include "libs/testing/free_port.h"
#include "libs/testing/redis_server.h"
#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// How many calls of each method a channel started ("/pkg.Service/Method" -> count). Every
// attempt of a retried call is a call of its own.
class CallCounter {
 public:
  void Add(const std::string& method) {
    absl::MutexLock lock(&mu_);
    ++calls_[method];
  }
  int Count(const std::string& rpc) const {
    absl::MutexLock lock(&mu_);
    auto it = calls_.find(absl::StrCat("/coalition.membership.v1.MembershipService/", rpc));
    return it == calls_.end() ? 0 : it->second;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, int> calls_ ABSL_GUARDED_BY(mu_);
};

// Counts each call as the channel starts it, and takes no further part in it.
class CountingInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit CountingInterceptorFactory(CallCounter* counter) : counter_(counter) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    counter_->Add(info->method());
    return nullptr;
  }

 private:
  CallCounter* counter_;
};

class MembershipClientTest : public MembershipServiceTest {
 protected:
  void SetUp() override {
    MembershipServiceTest::SetUp();
    if (HasFatalFailure()) return;
    meetings_key_ = PlatformServiceKey("meetings-server");
    ASSERT_FALSE(HasFailure());
  }

  // A client of the in-process membership (or of `target`) whose calls `calls_` counts.
  std::unique_ptr<clients::MembershipClient> Client(cache::Cache& cache, const std::string& key,
                                                    const std::string& target = "",
                                                    absl::Duration deadline = absl::Seconds(5)) {
    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> counting;
    counting.push_back(std::make_unique<CountingInterceptorFactory>(&calls_));
    auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
        target.empty() ? address() : target, grpc::InsecureChannelCredentials(),
        grpc::ChannelArguments(), std::move(counting));
    clients::MembershipClient::Options options;
    options.service_key = key;
    options.deadline = deadline;
    return std::make_unique<clients::MembershipClient>(std::move(channel), cache, options);
  }
  std::unique_ptr<clients::MembershipClient> Client() { return Client(*no_cache_, meetings_key_); }

  std::string meetings_key_;
  std::unique_ptr<cache::Cache> no_cache_ = cache::NewPassThroughCache();
  CallCounter calls_;
};

// ---- Answers ----

TEST_F(MembershipClientTest, CheckMembershipAnswersWhetherAndHowSomeoneIsAMember) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez", v1::LEADERSHIP_TEAM);
  v1::Person ben = CreatePerson(network_a_.name(), "Ben Ortiz");
  auto client = Client();
  absl::StatusOr<v1::CheckMembershipResponse> member =
      client->CheckMembership(a1_.name(), ana.name());
  ASSERT_TRUE(member.ok()) << member.status();
  EXPECT_TRUE(member->active());
  EXPECT_EQ(member->role(), v1::LEADERSHIP_TEAM);
  absl::StatusOr<v1::CheckMembershipResponse> stranger =
      client->CheckMembership(a1_.name(), ben.name());
  ASSERT_TRUE(stranger.ok()) << stranger.status();
  EXPECT_FALSE(stranger->active());
}

TEST_F(MembershipClientTest, GetsTheResourcesOfACoalition) {
  v1::UpdateCoalitionRequest norms;
  norms.mutable_coalition()->set_name(a1_.name());
  norms.mutable_coalition()->add_default_norms("Start and end on time");
  norms.mutable_update_mask()->add_paths("default_norms");
  v1::Coalition updated;
  ASSERT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), norms, &updated), IsOk());
  v1::Team team = CreateTeam(a1_.name(), "Leadership team");
  v1::MeasurableAim aim = CreateAim(a1_.name(), "30-day readmissions", 18, 12, 16);
  v1::Actor actor = CreateActor(a1_.name(), "County health department", v1::SUPPORTER);
  auto client = Client();

  absl::StatusOr<v1::Coalition> coalition = client->GetCoalition(a1_.name());
  ASSERT_TRUE(coalition.ok()) << coalition.status();
  EXPECT_EQ(coalition->display_name(), a1_.display_name());
  EXPECT_THAT(coalition->default_norms(), ElementsAre("Start and end on time"));
  absl::StatusOr<v1::Team> got_team = client->GetTeam(team.name());
  ASSERT_TRUE(got_team.ok()) << got_team.status();
  EXPECT_EQ(got_team->display_name(), "Leadership team");
  absl::StatusOr<v1::MeasurableAim> got_aim = client->GetMeasurableAim(aim.name());
  ASSERT_TRUE(got_aim.ok()) << got_aim.status();
  EXPECT_EQ(got_aim->metric(), "30-day readmissions");
  absl::StatusOr<v1::Actor> got_actor = client->GetActor(actor.name());
  ASSERT_TRUE(got_actor.ok()) << got_actor.status();
  EXPECT_EQ(got_actor->category(), v1::SUPPORTER);
}

TEST_F(MembershipClientTest, PlatformServiceKeyReadsEveryNetwork) {
  auto client = Client();
  EXPECT_TRUE(client->GetCoalition(a1_.name()).ok());
  EXPECT_TRUE(client->GetCoalition(b1_.name()).ok());
}

TEST_F(MembershipClientTest, NetworkServiceKeyReadsItsOwnNetwork) {
  auto client = Client(*no_cache_, ServiceAccountKey(network_a_.name()));
  EXPECT_TRUE(client->GetCoalition(a1_.name()).ok());
}

TEST_F(MembershipClientTest, BatchGetPeopleAnswersInTheOrderAsked) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Person ben = CreatePerson(network_a_.name(), "Ben Ortiz");
  auto client = Client();
  absl::StatusOr<std::vector<v1::Person>> people =
      client->BatchGetPeople(network_a_.name(), {ben.name(), ana.name(), ben.name()});
  ASSERT_TRUE(people.ok()) << people.status();
  ASSERT_THAT(*people, SizeIs(3));
  EXPECT_EQ((*people)[0].display_name(), "Ben Ortiz");
  EXPECT_EQ((*people)[1].display_name(), "Ana Lopez");
  EXPECT_EQ((*people)[2].display_name(), "Ben Ortiz");
  EXPECT_EQ(calls_.Count("BatchGetPeople"), 1);
}

TEST_F(MembershipClientTest, BatchGetPeopleOfNobodyAsksNothing) {
  absl::StatusOr<std::vector<v1::Person>> people = Client()->BatchGetPeople(network_a_.name(), {});
  ASSERT_TRUE(people.ok()) << people.status();
  EXPECT_THAT(*people, SizeIs(0));
  EXPECT_EQ(calls_.Count("BatchGetPeople"), 0);
}

TEST_F(MembershipClientTest, BatchGetPeopleAsksAtMostFiveHundredAtATime) {
  std::vector<std::string> names;
  for (int i = 0; i < 501; ++i) {
    names.push_back(CreatePerson(network_a_.name(), absl::StrCat("Person ", i)).name());
  }
  absl::StatusOr<std::vector<v1::Person>> people =
      Client()->BatchGetPeople(network_a_.name(), names);
  ASSERT_TRUE(people.ok()) << people.status();
  ASSERT_THAT(*people, SizeIs(501));
  EXPECT_EQ((*people)[500].name(), names[500]);
  EXPECT_EQ(calls_.Count("BatchGetPeople"), 2);
}

// ---- Errors in the caller's terms ----

TEST_F(MembershipClientTest, NotFoundPassesThroughWithMembershipsMessageAfterOneCall) {
  const std::string missing = network_a_.name() + "/coalitions/doesnotexist";
  absl::Status status = Client()->GetCoalition(missing).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(missing));
  EXPECT_EQ(calls_.Count("GetCoalition"), 1);
}

TEST_F(MembershipClientTest, InvalidArgumentPassesThroughNamingTheField) {
  v1::Person dana = CreatePerson(network_b_.name(), "Dana Reyes");
  absl::Status status = Client()->CheckMembership(a1_.name(), dana.name()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  ASSERT_THAT(FieldViolationsOf(status), SizeIs(1));
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "person");
  EXPECT_EQ(calls_.Count("CheckMembership"), 1);
}

TEST_F(MembershipClientTest, BatchGetPeopleNamesTheFirstPersonThatDoesNotExist) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  const std::string ghost = network_a_.name() + "/people/ghost";
  absl::Status status =
      Client()
          ->BatchGetPeople(network_a_.name(), {ana.name(), ghost, network_a_.name() + "/people/x"})
          .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(ghost));
}

TEST_F(MembershipClientTest, BatchGetPeopleNamesABadNameByTheCallersIndex) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Person dana = CreatePerson(network_b_.name(), "Dana Reyes");
  absl::Status status =
      Client()->BatchGetPeople(network_a_.name(), {ana.name(), "people/x", dana.name()}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  EXPECT_THAT(fields, ElementsAre("names[1]", "names[2]"));
  EXPECT_EQ(calls_.Count("BatchGetPeople"), 0);
}

TEST_F(MembershipClientTest, RefusedServiceKeyIsUnavailableAndNotRetried) {
  auto client = Client(*no_cache_, "ck_not-a-key-membership-knows");
  absl::Status status = client->GetCoalition(a1_.name()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("refused this service's key"));
  EXPECT_EQ(calls_.Count("GetCoalition"), 1);
}

TEST_F(MembershipClientTest, KeyOfAnotherNetworkDeniedIsUnavailable) {
  auto client = Client(*no_cache_, ServiceAccountKey(network_b_.name()));
  absl::Status status = client->GetCoalition(a1_.name()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(calls_.Count("GetCoalition"), 1);
}

// ---- Membership not answering (retries: peer_call_test.cc) ----

TEST_F(MembershipClientTest, UnreachableMembershipIsUnavailable) {
  const std::string nowhere = absl::StrCat("127.0.0.1:", coalition::testing::PickFreePort());
  auto client = Client(*no_cache_, meetings_key_, nowhere);
  absl::Status status = client->GetCoalition(a1_.name()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("membership cannot answer"));
}

TEST_F(MembershipClientTest, MissedDeadlineIsUnavailable) {
  // A deadline already past when the call starts: gRPC fails it at once.
  auto client = Client(*no_cache_, meetings_key_, "", -absl::Seconds(1));
  absl::Status status = client->GetCoalition(a1_.name()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(calls_.Count("GetCoalition"), 1);
}

// ---- RecordActorObservation ----

TEST_F(MembershipClientTest, RecordActorObservationIsAppliedOncePerRequestId) {
  v1::Person ruth = CreatePerson(network_a_.name(), "Dr. Ruth Kim");
  v1::RecordActorObservationRequest request;
  request.set_coalition(a1_.name());
  request.set_person(ruth.name());
  request.add_interests("Food access");
  request.set_source(a1_.name() + "/oneToOnes/o1");
  request.set_request_id("meetings-outbox-1");
  auto client = Client();
  absl::StatusOr<v1::Actor> first = client->RecordActorObservation(request);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::Actor> second = client->RecordActorObservation(request);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->name(), first->name());
  EXPECT_EQ(second->etag(), first->etag());
  EXPECT_EQ(calls_.Count("RecordActorObservation"), 2);

  v1::ListActorRevisionsRequest list;
  list.set_parent(first->name());
  v1::ListActorRevisionsResponse revisions;
  ASSERT_THAT(stub().ListActorRevisions(Ctx(admin_a_).get(), list, &revisions), IsOk());
  EXPECT_THAT(revisions.revisions(), SizeIs(1));
}

TEST_F(MembershipClientTest, RecordActorObservationPassesValidationThrough) {
  v1::RecordActorObservationRequest request;
  request.set_coalition(a1_.name());
  request.set_person(CreatePerson(network_a_.name(), "Dr. Ruth Kim").name());
  absl::Status status = Client()->RecordActorObservation(request).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  ASSERT_THAT(FieldViolationsOf(status), SizeIs(1));
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "request_id");
}

// ---- The cache, in a real Redis ----

class MembershipClientCacheTest : public MembershipClientTest {
 protected:
  void SetUp() override {
    MembershipClientTest::SetUp();
    if (HasFatalFailure()) return;
    auto redis = coalition::testing::RedisServer::Start();
    ASSERT_TRUE(redis.ok()) << redis.status();
    redis_ = *std::move(redis);
  }
  // One Redis cache of the meetings service; each replica has its own.
  std::unique_ptr<cache::Cache> MeetingsReplicaCache() {
    cache::RedisOptions options;
    options.port = redis_->port();
    // Generous for loopback, so that a busy machine does not open the cache's circuit.
    options.connect_timeout = absl::Seconds(1);
    options.command_timeout = absl::Seconds(1);
    options.key_prefix = "meetings:";
    return cache::NewRedisCache(options);
  }
  void DeletePerson(const v1::Person& person) {
    v1::DeletePersonRequest request;
    request.set_name(person.name());
    google::protobuf::Empty empty;
    ASSERT_THAT(stub().DeletePerson(Ctx(admin_a_).get(), request, &empty), IsOk());
  }

  std::unique_ptr<coalition::testing::RedisServer> redis_;
};

TEST_F(MembershipClientCacheTest, CachedAnswersDoNotReachMembership) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  auto first_cache = MeetingsReplicaCache();
  auto second_cache = MeetingsReplicaCache();
  auto first = Client(*first_cache, meetings_key_);
  auto second = Client(*second_cache, meetings_key_);
  ASSERT_TRUE(first->GetCoalition(a1_.name()).ok());
  ASSERT_TRUE(first->CheckMembership(a1_.name(), ana.name()).ok());
  EXPECT_EQ(calls_.Count("GetCoalition"), 1);
  EXPECT_EQ(calls_.Count("CheckMembership"), 1);

  // Another replica of the calling service finds both answers in the shared cache.
  absl::StatusOr<v1::Coalition> coalition = second->GetCoalition(a1_.name());
  ASSERT_TRUE(coalition.ok()) << coalition.status();
  EXPECT_EQ(coalition->name(), a1_.name());
  absl::StatusOr<v1::CheckMembershipResponse> check =
      second->CheckMembership(a1_.name(), ana.name());
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->active());
  EXPECT_EQ(calls_.Count("GetCoalition"), 1);
  EXPECT_EQ(calls_.Count("CheckMembership"), 1);
}

TEST_F(MembershipClientCacheTest, ErrorsAreNotCached) {
  auto cache = MeetingsReplicaCache();
  auto client = Client(*cache, meetings_key_);
  const std::string missing = network_a_.name() + "/coalitions/doesnotexist";
  EXPECT_EQ(client->GetCoalition(missing).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client->GetCoalition(missing).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(calls_.Count("GetCoalition"), 2);
}

TEST_F(MembershipClientCacheTest, BatchGetPeopleAsksMembershipOnlyForTheMisses) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Person ben = CreatePerson(network_a_.name(), "Ben Ortiz");
  v1::Person cora = CreatePerson(network_a_.name(), "Cora Lee");
  auto cache = MeetingsReplicaCache();
  auto client = Client(*cache, meetings_key_);
  ASSERT_TRUE(client->BatchGetPeople(network_a_.name(), {ana.name(), ben.name()}).ok());
  EXPECT_EQ(calls_.Count("BatchGetPeople"), 1);

  // Were Ana asked for again, membership would answer NOT_FOUND: she is gone from the store.
  DeletePerson(ana);
  absl::StatusOr<std::vector<v1::Person>> people =
      client->BatchGetPeople(network_a_.name(), {cora.name(), ana.name(), ben.name()});
  ASSERT_TRUE(people.ok()) << people.status();
  ASSERT_THAT(*people, SizeIs(3));
  EXPECT_EQ((*people)[0].display_name(), "Cora Lee");
  EXPECT_EQ((*people)[1].display_name(), "Ana Lopez");
  EXPECT_EQ((*people)[2].display_name(), "Ben Ortiz");
  EXPECT_EQ(calls_.Count("BatchGetPeople"), 2);

  ASSERT_TRUE(client->BatchGetPeople(network_a_.name(), {ben.name(), cora.name()}).ok());
  EXPECT_EQ(calls_.Count("BatchGetPeople"), 2);
}

TEST_F(MembershipClientCacheTest, RecordedObservationIsSeenByTheNextGetActor) {
  v1::Actor county = CreateActor(a1_.name(), "County health department", v1::SUPPORTER);
  auto cache = MeetingsReplicaCache();
  auto client = Client(*cache, meetings_key_);
  ASSERT_TRUE(client->GetActor(county.name()).ok());
  v1::RecordActorObservationRequest request;
  request.set_coalition(a1_.name());
  request.set_actor(county.name());
  request.add_interests("Budget");
  request.set_request_id("meetings-outbox-2");
  ASSERT_TRUE(client->RecordActorObservation(request).ok());
  absl::StatusOr<v1::Actor> actor = client->GetActor(county.name());
  ASSERT_TRUE(actor.ok()) << actor.status();
  EXPECT_THAT(actor->interests(), ElementsAre("Budget"));
  EXPECT_EQ(calls_.Count("GetActor"), 2);
}

}  // namespace
}  // namespace coalition::membership::testing
