// RecordActorObservation: what a one-to-one heard, merged into the map of actors once per
// request_id, by the services (meetings' outbox) rather than by people.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "libs/core/proto_time.h"
#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using coalition::common::v1::ROLE_SERVICE_ACCOUNT;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

class ObservationTest : public MembershipServiceTest {
 protected:
  void SetUp() override {
    MembershipServiceTest::SetUp();
    if (HasFatalFailure()) return;
    service_key_ = CreateKey(network_a_.name(), ROLE_SERVICE_ACCOUNT);
    ruth_ = CreatePerson(network_a_.name(), "Dr. Ruth Kim", "ruth@example.org");
    ASSERT_FALSE(HasFailure());
  }

  v1::RecordActorObservationRequest OfPerson(const std::string& person,
                                             const std::string& request_id) {
    v1::RecordActorObservationRequest request;
    request.set_coalition(a1_.name());
    request.set_person(person);
    request.set_source(a1_.name() + "/oneToOnes/o1");
    request.set_request_id(request_id);
    return request;
  }
  v1::RecordActorObservationRequest OfActor(const std::string& actor,
                                            const std::string& request_id) {
    v1::RecordActorObservationRequest request = OfPerson("", request_id);
    request.set_actor(actor);
    return request;
  }

  grpc::Status Record(const std::string& secret, const v1::RecordActorObservationRequest& request,
                      v1::Actor* actor) {
    return stub().RecordActorObservation(Ctx(secret).get(), request, actor);
  }

  std::vector<v1::ActorRevision> Revisions(const std::string& actor) {
    v1::ListActorRevisionsRequest request;
    request.set_parent(actor);
    request.set_page_size(100);
    v1::ListActorRevisionsResponse response;
    EXPECT_THAT(stub().ListActorRevisions(Ctx(admin_a_).get(), request, &response), IsOk());
    return {response.revisions().begin(), response.revisions().end()};
  }

  std::vector<v1::Actor> Actors(const std::string& coalition) {
    v1::ListActorsRequest request;
    request.set_parent(coalition);
    request.set_page_size(100);
    v1::ListActorsResponse response;
    EXPECT_THAT(stub().ListActors(Ctx(platform_key()).get(), request, &response), IsOk());
    return {response.actors().begin(), response.actors().end()};
  }

  std::vector<common::v1::AuditEvent> ObservationEvents(const std::string& network,
                                                        const std::string& actor) {
    std::vector<common::v1::AuditEvent> events;
    for (auto& event : AuditEvents(network, actor)) {
      if (absl::EndsWith(event.method(), "/RecordActorObservation")) events.push_back(event);
    }
    return events;
  }

  v1::Actor MapPerson(const v1::Person& person, v1::ActorCategory category) {
    v1::CreateActorRequest request;
    request.set_parent(a1_.name());
    request.mutable_actor()->set_display_name(person.display_name());
    request.mutable_actor()->set_person(person.name());
    request.mutable_actor()->set_category(category);
    request.mutable_actor()->add_interests("Fewer readmissions");
    request.mutable_actor()->add_resources(v1::DATA);
    request.mutable_actor()->set_tie_strength(v1::WEAK);
    v1::Actor actor;
    EXPECT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &actor), IsOk());
    return actor;
  }

  v1::CreateApiKeyResponse service_key_;
  v1::Person ruth_;
};

TEST_F(ObservationTest, PersonNotOnTheMapIsAddedAsAConstituent) {
  v1::RecordActorObservationRequest request = OfPerson(ruth_.name(), "outbox-1");
  request.add_interests("Fewer readmissions");
  request.add_interests("Food access");
  request.add_resources(v1::RELATIONSHIPS);
  request.set_tie_strength(v1::STRONG);
  clock().Advance(absl::Minutes(5));
  v1::Actor actor;
  ASSERT_THAT(Record(service_key_.secret(), request, &actor), IsOk());
  EXPECT_THAT(actor.name(), StartsWith(a1_.name() + "/actors/"));
  EXPECT_EQ(actor.person(), ruth_.name());
  EXPECT_EQ(actor.display_name(), "Dr. Ruth Kim");
  EXPECT_EQ(actor.category(), v1::CONSTITUENT);
  EXPECT_THAT(actor.interests(), ElementsAre("Fewer readmissions", "Food access"));
  EXPECT_THAT(actor.resources(), ElementsAre(v1::RELATIONSHIPS));
  EXPECT_EQ(actor.tie_strength(), v1::STRONG);
  EXPECT_EQ(FromProtoTimestamp(actor.create_time()), clock().Now());
  EXPECT_FALSE(actor.etag().empty());
  EXPECT_THAT(Actors(a1_.name()), SizeIs(1));

  const auto revisions = Revisions(actor.name());
  ASSERT_THAT(revisions, SizeIs(1));
  EXPECT_EQ(revisions[0].revision(), 1);
  EXPECT_EQ(revisions[0].previous_category(), v1::ACTOR_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(revisions[0].source(), a1_.name() + "/oneToOnes/o1");
  EXPECT_EQ(revisions[0].changed_by(), service_key_.api_key().name());
  EXPECT_EQ(revisions[0].actor().interests_size(), 2);

  const auto events = ObservationEvents(network_a_.name(), actor.name());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].actor(), service_key_.api_key().name());
  EXPECT_THAT(events[0].summary(), HasSubstr("Dr. Ruth Kim"));
}

TEST_F(ObservationTest, PersonOnTheMapUpdatesThatActor) {
  const v1::Actor mapped = MapPerson(ruth_, v1::SUPPORTER);
  CreateActor(a1_.name(), "County health department", v1::SUPPORTER);
  v1::RecordActorObservationRequest request = OfPerson(ruth_.name(), "outbox-2");
  request.add_interests("fewer READMISSIONS");
  request.add_interests("Food access");
  request.add_resources(v1::DATA);
  request.add_resources(v1::SPACE);
  request.set_tie_strength(v1::STRONG);
  v1::Actor actor;
  ASSERT_THAT(Record(service_key_.secret(), request, &actor), IsOk());
  EXPECT_EQ(actor.name(), mapped.name());
  EXPECT_EQ(actor.category(), v1::SUPPORTER);
  EXPECT_THAT(actor.interests(), ElementsAre("Fewer readmissions", "Food access"));
  EXPECT_THAT(actor.resources(), ElementsAre(v1::DATA, v1::SPACE));
  EXPECT_EQ(actor.tie_strength(), v1::STRONG);
  EXPECT_NE(actor.etag(), mapped.etag());
  EXPECT_THAT(Actors(a1_.name()), SizeIs(2));

  const auto revisions = Revisions(mapped.name());
  ASSERT_THAT(revisions, SizeIs(2));
  EXPECT_EQ(revisions[1].revision(), 2);
  EXPECT_EQ(revisions[1].previous_category(), v1::SUPPORTER);
  EXPECT_EQ(revisions[1].source(), a1_.name() + "/oneToOnes/o1");
}

TEST_F(ObservationTest, PersonOnAnotherCoalitionsMapGetsAnActorOnThisOne) {
  v1::CreateActorRequest elsewhere;
  elsewhere.set_parent(a2_.name());
  elsewhere.mutable_actor()->set_display_name(ruth_.display_name());
  elsewhere.mutable_actor()->set_person(ruth_.name());
  elsewhere.mutable_actor()->set_category(v1::LEADERSHIP);
  v1::Actor other;
  ASSERT_THAT(stub().CreateActor(Ctx(admin_a_).get(), elsewhere, &other), IsOk());
  v1::Actor actor;
  ASSERT_THAT(Record(service_key_.secret(), OfPerson(ruth_.name(), "outbox-3"), &actor), IsOk());
  EXPECT_THAT(actor.name(), StartsWith(a1_.name() + "/actors/"));
  EXPECT_EQ(actor.category(), v1::CONSTITUENT);
  EXPECT_THAT(Actors(a2_.name()), SizeIs(1));
}

TEST_F(ObservationTest, ActorNamedDirectlyIsUpdated) {
  const v1::Actor county = CreateActor(a1_.name(), "County health department", v1::OPPOSITION);
  v1::RecordActorObservationRequest request = OfActor(county.name(), "outbox-4");
  request.add_interests("Budget");
  v1::Actor actor;
  ASSERT_THAT(Record(service_key_.secret(), request, &actor), IsOk());
  EXPECT_EQ(actor.name(), county.name());
  EXPECT_EQ(actor.category(), v1::OPPOSITION);
  EXPECT_TRUE(actor.person().empty());
  EXPECT_THAT(actor.interests(), ElementsAre("Budget"));
}

TEST_F(ObservationTest, RevisionWithoutASourceSaysOneToOne) {
  v1::RecordActorObservationRequest request = OfPerson(ruth_.name(), "outbox-5");
  request.clear_source();
  v1::Actor actor;
  ASSERT_THAT(Record(service_key_.secret(), request, &actor), IsOk());
  const auto revisions = Revisions(actor.name());
  ASSERT_THAT(revisions, SizeIs(1));
  EXPECT_EQ(revisions[0].source(), "one-to-one");
}

TEST_F(ObservationTest, RetryWithTheSameRequestIdChangesNothing) {
  const v1::Actor mapped = MapPerson(ruth_, v1::SUPPORTER);
  v1::RecordActorObservationRequest request = OfPerson(ruth_.name(), "outbox-6");
  request.add_interests("Food access");
  v1::Actor first, second;
  ASSERT_THAT(Record(service_key_.secret(), request, &first), IsOk());
  clock().Advance(absl::Minutes(1));
  ASSERT_THAT(Record(service_key_.secret(), request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_THAT(second.interests(), ElementsAre("Fewer readmissions", "Food access"));
  // One revision for the create, exactly one for the observation; one audit event.
  EXPECT_THAT(Revisions(mapped.name()), SizeIs(2));
  EXPECT_THAT(ObservationEvents(network_a_.name(), mapped.name()), SizeIs(1));
}

TEST_F(ObservationTest, RetryReturnsTheActorAsItIsNowEvenWithOtherContent) {
  v1::RecordActorObservationRequest request = OfPerson(ruth_.name(), "outbox-7");
  request.add_interests("Food access");
  v1::Actor first;
  ASSERT_THAT(Record(service_key_.secret(), request, &first), IsOk());
  v1::UpdateActorRequest update;
  update.mutable_actor()->set_name(first.name());
  update.mutable_actor()->set_category(v1::LEADERSHIP);
  update.mutable_update_mask()->add_paths("category");
  v1::Actor updated;
  ASSERT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), update, &updated), IsOk());

  request.add_interests("Something a retry must not add");
  v1::Actor retried;
  ASSERT_THAT(Record(service_key_.secret(), request, &retried), IsOk());
  EXPECT_EQ(retried.name(), first.name());
  EXPECT_EQ(retried.category(), v1::LEADERSHIP);
  EXPECT_EQ(retried.etag(), updated.etag());
  EXPECT_THAT(retried.interests(), ElementsAre("Food access"));
  EXPECT_THAT(Actors(a1_.name()), SizeIs(1));
  EXPECT_THAT(Revisions(first.name()), SizeIs(2));
}

TEST_F(ObservationTest, NewRequestIdRecordsAnotherRevision) {
  v1::Actor actor;
  ASSERT_THAT(Record(service_key_.secret(), OfPerson(ruth_.name(), "outbox-8a"), &actor), IsOk());
  ASSERT_THAT(Record(service_key_.secret(), OfPerson(ruth_.name(), "outbox-8b"), &actor), IsOk());
  EXPECT_THAT(Actors(a1_.name()), SizeIs(1));
  EXPECT_THAT(Revisions(actor.name()), SizeIs(2));
  EXPECT_THAT(ObservationEvents(network_a_.name(), actor.name()), SizeIs(2));
}

TEST_F(ObservationTest, InterestsBeyondTheLimitAreDroppedNotRefused) {
  v1::CreateActorRequest create;
  create.set_parent(a1_.name());
  create.mutable_actor()->set_display_name("Hospital association");
  create.mutable_actor()->set_category(v1::SUPPORTER);
  for (int i = 0; i < 48; ++i) create.mutable_actor()->add_interests("topic " + std::to_string(i));
  v1::Actor full;
  ASSERT_THAT(stub().CreateActor(Ctx(admin_a_).get(), create, &full), IsOk());
  v1::RecordActorObservationRequest request = OfActor(full.name(), "outbox-9");
  for (const char* interest : {"housing", "TOPIC 3", "jobs", "parks", "schools"}) {
    request.add_interests(interest);
  }
  v1::Actor actor;
  ASSERT_THAT(Record(service_key_.secret(), request, &actor), IsOk());
  ASSERT_EQ(actor.interests_size(), 50);
  EXPECT_EQ(actor.interests(48), "housing");
  EXPECT_EQ(actor.interests(49), "jobs");
  const auto events = ObservationEvents(network_a_.name(), actor.name());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_THAT(events[0].summary(), HasSubstr("2 interests over the limit of 50 dropped"));
}

// ---- Who may record ----

TEST_F(ObservationTest, NetworkAdminMayRecord) {
  v1::Actor actor;
  EXPECT_THAT(Record(admin_a_, OfPerson(ruth_.name(), "outbox-10"), &actor), IsOk());
}

TEST_F(ObservationTest, ConvenerKeyIsDenied) {
  v1::Actor actor;
  EXPECT_THAT(Record(ConvenerKey(network_a_.name(), {a1_.name()}),
                     OfPerson(ruth_.name(), "outbox-11"), &actor),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Actors(a1_.name()), SizeIs(0));
}

TEST_F(ObservationTest, MemberKeyIsDenied) {
  v1::Actor actor;
  EXPECT_THAT(
      Record(MemberKey(a1_.name(), ruth_.name()), OfPerson(ruth_.name(), "outbox-12"), &actor),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ObservationTest, AnotherNetworksServiceAccountIsDenied) {
  v1::Actor actor;
  EXPECT_THAT(
      Record(ServiceAccountKey(network_b_.name()), OfPerson(ruth_.name(), "outbox-13"), &actor),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Actors(a1_.name()), SizeIs(0));
}

TEST_F(ObservationTest, PlatformServiceAccountRecordsInEveryNetwork) {
  const std::string meetings = PlatformServiceKey("meetings-server");
  v1::Actor in_a;
  ASSERT_THAT(Record(meetings, OfPerson(ruth_.name(), "outbox-14"), &in_a), IsOk());
  EXPECT_THAT(in_a.name(), StartsWith(a1_.name() + "/actors/"));

  const v1::Person dana = CreatePerson(network_b_.name(), "Dana Reyes");
  v1::RecordActorObservationRequest request = OfPerson(dana.name(), "outbox-14");
  request.set_coalition(b1_.name());
  request.set_source(b1_.name() + "/oneToOnes/o2");
  v1::Actor in_b;
  ASSERT_THAT(Record(meetings, request, &in_b), IsOk());
  EXPECT_THAT(in_b.name(), StartsWith(b1_.name() + "/actors/"));
  EXPECT_EQ(in_b.person(), dana.name());
  // Request ids are kept per network: the same id in network B was a new observation.
  EXPECT_THAT(Actors(b1_.name()), SizeIs(1));
}

TEST_F(ObservationTest, PlatformServiceAccountStillCannotChangeTheMapDirectly) {
  v1::UpdateActorRequest update;
  update.mutable_actor()->set_name(CreateActor(a1_.name(), "County", v1::SUPPORTER).name());
  update.mutable_actor()->set_category(v1::OPPOSITION);
  update.mutable_update_mask()->add_paths("category");
  v1::Actor actor;
  EXPECT_THAT(stub().UpdateActor(Ctx(PlatformServiceKey()).get(), update, &actor),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ObservationTest, WithoutCredentialsIsUnauthenticated) {
  v1::Actor actor;
  EXPECT_THAT(stub().RecordActorObservation(AnonymousCtx().get(),
                                            OfPerson(ruth_.name(), "outbox-15"), &actor),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
}

// ---- Not found ----

TEST_F(ObservationTest, UnknownActorIsNotFound) {
  v1::Actor actor;
  EXPECT_THAT(Record(service_key_.secret(),
                     OfActor(a1_.name() + "/actors/doesnotexist", "outbox-16"), &actor),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(ObservationTest, UnknownPersonIsNotFound) {
  v1::Actor actor;
  EXPECT_THAT(Record(service_key_.secret(),
                     OfPerson(network_a_.name() + "/people/doesnotexist", "outbox-17"), &actor),
              HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Actors(a1_.name()), SizeIs(0));
}

TEST_F(ObservationTest, UnknownCoalitionIsNotFound) {
  v1::RecordActorObservationRequest request = OfPerson(ruth_.name(), "outbox-18");
  request.set_coalition(network_a_.name() + "/coalitions/doesnotexist");
  v1::Actor actor;
  EXPECT_THAT(Record(service_key_.secret(), request, &actor), HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(ObservationTest, FailedObservationLeavesTheRequestIdUnused) {
  v1::RecordActorObservationRequest request =
      OfPerson(network_a_.name() + "/people/doesnotexist", "outbox-19");
  v1::Actor actor;
  ASSERT_THAT(Record(service_key_.secret(), request, &actor), HasCode(grpc::StatusCode::NOT_FOUND));
  request.set_person(ruth_.name());
  EXPECT_THAT(Record(service_key_.secret(), request, &actor), IsOk());
  EXPECT_EQ(actor.person(), ruth_.name());
}

// ---- Validation ----

TEST_F(ObservationTest, NamesAMissingActorOrPerson) {
  v1::Actor actor;
  EXPECT_THAT(Record(service_key_.secret(), OfPerson("", "outbox-20"), &actor),
              InvalidArgumentOn("actor"));
}

TEST_F(ObservationTest, NamesAPersonGivenWithAnActor) {
  v1::RecordActorObservationRequest request = OfPerson(ruth_.name(), "outbox-21");
  request.set_actor(CreateActor(a1_.name(), "County", v1::SUPPORTER).name());
  v1::Actor actor;
  EXPECT_THAT(Record(service_key_.secret(), request, &actor), InvalidArgumentOn("person"));
}

TEST_F(ObservationTest, NamesAnActorOfAnotherCoalition) {
  const v1::Actor other = CreateActor(a2_.name(), "County", v1::SUPPORTER);
  v1::Actor actor;
  EXPECT_THAT(Record(service_key_.secret(), OfActor(other.name(), "outbox-22"), &actor),
              InvalidArgumentOn("actor"));
}

TEST_F(ObservationTest, NamesAPersonOfAnotherNetwork) {
  const v1::Person dana = CreatePerson(network_b_.name(), "Dana Reyes");
  v1::Actor actor;
  EXPECT_THAT(Record(service_key_.secret(), OfPerson(dana.name(), "outbox-23"), &actor),
              InvalidArgumentOn("person"));
}

TEST_F(ObservationTest, NamesAMissingRequestId) {
  v1::Actor actor;
  EXPECT_THAT(Record(service_key_.secret(), OfPerson(ruth_.name(), ""), &actor),
              InvalidArgumentOn("request_id"));
  EXPECT_THAT(Record(service_key_.secret(), OfPerson(ruth_.name(), "not well formed"), &actor),
              InvalidArgumentOn("request_id"));
}

TEST_F(ObservationTest, NamesEachBadInterestAndResource) {
  v1::RecordActorObservationRequest request = OfPerson(ruth_.name(), "outbox-24");
  request.add_interests("Food access");
  request.add_interests("  ");
  request.add_resources(v1::DATA);
  request.add_resources(static_cast<v1::ActorResource>(77));
  request.set_tie_strength(static_cast<v1::TieStrength>(5));
  v1::Actor actor;
  grpc::Status status = Record(service_key_.secret(), request, &actor);
  EXPECT_THAT(status, HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("interests[1]", "resources[1]", "tie_strength"));
}

TEST_F(ObservationTest, NamesAMalformedCoalition) {
  v1::RecordActorObservationRequest request = OfPerson(ruth_.name(), "outbox-25");
  request.set_coalition("coalitions/a1");
  v1::Actor actor;
  EXPECT_THAT(Record(service_key_.secret(), request, &actor), InvalidArgumentOn("coalition"));
}

// ---- The cached counts see the change ----

class ObservationCacheTest : public ObservationTest {
 protected:
  std::unique_ptr<cache::Cache> MakeCache() override { return NewKeepForeverCache(); }

  int Constituents() {
    v1::CountActorsByCategoryRequest request;
    request.set_parent(a1_.name());
    v1::CountActorsByCategoryResponse response;
    EXPECT_THAT(stub().CountActorsByCategory(Ctx(admin_a_).get(), request, &response), IsOk());
    for (const auto& count : response.counts()) {
      if (count.category() == v1::CONSTITUENT) return count.count();
    }
    return -1;
  }
};

TEST_F(ObservationCacheTest, ActorAddedByAnObservationIsCountedAtOnce) {
  EXPECT_EQ(Constituents(), 0);
  v1::Actor actor;
  ASSERT_THAT(Record(service_key_.secret(), OfPerson(ruth_.name(), "outbox-26"), &actor), IsOk());
  EXPECT_EQ(Constituents(), 1);
}

}  // namespace
}  // namespace coalition::membership::testing
