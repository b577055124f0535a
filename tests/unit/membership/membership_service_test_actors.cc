// The map of actors: actors, their revisions, and counts per category.
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "libs/core/proto_time.h"
#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;
using ::testing::StartsWith;

using ActorApiTest = MembershipServiceTest;

v1::CreateActorRequest ActorRequest(const std::string& coalition, const std::string& display_name,
                                    v1::ActorCategory category) {
  v1::CreateActorRequest request;
  request.set_parent(coalition);
  request.mutable_actor()->set_display_name(display_name);
  request.mutable_actor()->set_category(category);
  return request;
}

TEST_F(ActorApiTest, CreateActorMapsAPersonOfTheNetwork) {
  v1::Person person = CreatePerson(network_a_.name(), "Dr. Ruth Kim");
  v1::CreateActorRequest request = ActorRequest(a1_.name(), "Dr. Ruth Kim", v1::SUPPORTER);
  request.mutable_actor()->set_person(person.name());
  request.mutable_actor()->add_interests("fewer readmissions");
  request.mutable_actor()->add_resources(v1::DATA);
  request.mutable_actor()->add_resources(v1::RELATIONSHIPS);
  request.mutable_actor()->set_tie_strength(v1::WEAK);
  request.mutable_actor()->set_influence(4);
  v1::Actor actor;
  ASSERT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &actor), IsOk());
  EXPECT_THAT(actor.name(), StartsWith(a1_.name() + "/actors/"));
  EXPECT_EQ(actor.person(), person.name());
  EXPECT_THAT(actor.resources(), ElementsAre(v1::DATA, v1::RELATIONSHIPS));
  EXPECT_EQ(actor.influence(), 4);
  EXPECT_FALSE(actor.etag().empty());
}

TEST_F(ActorApiTest, OutsidePartyNeedsNeitherPersonNorOrganization) {
  v1::Actor actor;
  EXPECT_THAT(
      stub().CreateActor(Ctx(admin_a_).get(),
                         ActorRequest(a1_.name(), "State Medicaid office", v1::OPPOSITION), &actor),
      IsOk());
}

TEST_F(ActorApiTest, CreateActorNamesMissingDisplayName) {
  v1::Actor actor;
  EXPECT_THAT(
      stub().CreateActor(Ctx(admin_a_).get(), ActorRequest(a1_.name(), "", v1::SUPPORTER), &actor),
      InvalidArgumentOn("actor.display_name"));
}

TEST_F(ActorApiTest, CreateActorNamesMissingCategory) {
  v1::Actor actor;
  EXPECT_THAT(stub().CreateActor(
                  Ctx(admin_a_).get(),
                  ActorRequest(a1_.name(), "Someone", v1::ACTOR_CATEGORY_UNSPECIFIED), &actor),
              InvalidArgumentOn("actor.category"));
}

TEST_F(ActorApiTest, CreateActorNamesBothPersonAndOrganization) {
  v1::Person person = CreatePerson(network_a_.name(), "Dr. Ruth Kim");
  v1::Organization hospital = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::CreateActorRequest request = ActorRequest(a1_.name(), "Dr. Kim", v1::SUPPORTER);
  request.mutable_actor()->set_person(person.name());
  request.mutable_actor()->set_organization(hospital.name());
  v1::Actor actor;
  EXPECT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &actor),
              InvalidArgumentOn("actor.organization"));
}

TEST_F(ActorApiTest, CreateActorNamesAPersonOfAnotherNetwork) {
  v1::Person dana = CreatePerson(network_b_.name(), "Dana");
  v1::CreateActorRequest request = ActorRequest(a1_.name(), "Dana", v1::SUPPORTER);
  request.mutable_actor()->set_person(dana.name());
  v1::Actor actor;
  EXPECT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &actor),
              InvalidArgumentOn("actor.person"));
}

TEST_F(ActorApiTest, CreateActorNamesAnUnknownOrganization) {
  v1::CreateActorRequest request = ActorRequest(a1_.name(), "Ghost clinic", v1::SUPPORTER);
  request.mutable_actor()->set_organization(network_a_.name() + "/organizations/doesnotexist");
  v1::Actor actor;
  EXPECT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &actor),
              InvalidArgumentOn("actor.organization"));
}

TEST_F(ActorApiTest, CreateActorNamesAResourceListedTwice) {
  v1::CreateActorRequest request = ActorRequest(a1_.name(), "County", v1::SUPPORTER);
  request.mutable_actor()->add_resources(v1::FUNDING);
  request.mutable_actor()->add_resources(v1::SPACE);
  request.mutable_actor()->add_resources(v1::FUNDING);
  v1::Actor actor;
  EXPECT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &actor),
              InvalidArgumentOn("actor.resources[2]"));
}

TEST_F(ActorApiTest, CreateActorNamesAnInfluenceOutOfRange) {
  v1::CreateActorRequest request = ActorRequest(a1_.name(), "County", v1::SUPPORTER);
  request.mutable_actor()->set_influence(6);
  v1::Actor actor;
  EXPECT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &actor),
              InvalidArgumentOn("actor.influence"));
}

TEST_F(ActorApiTest, CreateActorNamesAnEmptyInterest) {
  v1::CreateActorRequest request = ActorRequest(a1_.name(), "County", v1::SUPPORTER);
  request.mutable_actor()->add_interests("budgets");
  request.mutable_actor()->add_interests(" ");
  v1::Actor actor;
  EXPECT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &actor),
              InvalidArgumentOn("actor.interests[1]"));
}

TEST_F(ActorApiTest, RetriedCreateActorReturnsTheSameActorAndNoDuplicate) {
  v1::CreateActorRequest request = ActorRequest(a1_.name(), "County", v1::SUPPORTER);
  request.set_request_id("actor-county-1");
  v1::Actor first, second;
  ASSERT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &first), IsOk());
  ASSERT_THAT(stub().CreateActor(Ctx(admin_a_).get(), request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  v1::ListActorsRequest list;
  list.set_parent(a1_.name());
  v1::ListActorsResponse actors;
  ASSERT_THAT(stub().ListActors(Ctx(admin_a_).get(), list, &actors), IsOk());
  EXPECT_THAT(actors.actors(), SizeIs(1));
}

TEST_F(ActorApiTest, ConvenerCannotMapActorsOutsideTheirScope) {
  v1::Actor actor;
  EXPECT_THAT(stub().CreateActor(Ctx(ConvenerKey(network_a_.name(), {a2_.name()})).get(),
                                 ActorRequest(a1_.name(), "County", v1::SUPPORTER), &actor),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ActorApiTest, CreateActorInUnknownCoalitionIsNotFound) {
  v1::Actor actor;
  EXPECT_THAT(stub().CreateActor(Ctx(admin_a_).get(),
                                 ActorRequest(network_a_.name() + "/coalitions/doesnotexist",
                                              "County", v1::SUPPORTER),
                                 &actor),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(ActorApiTest, GetActorReturnsItAndUnknownIsNotFound) {
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::GetActorRequest request;
  request.set_name(created.name());
  v1::Actor actor;
  ASSERT_THAT(stub().GetActor(Ctx(admin_a_).get(), request, &actor), IsOk());
  EXPECT_EQ(actor.display_name(), "County");
  request.set_name(a1_.name() + "/actors/doesnotexist");
  EXPECT_THAT(stub().GetActor(Ctx(admin_a_).get(), request, &actor),
              HasCode(grpc::StatusCode::NOT_FOUND));
  request.set_name("actors/x");
  EXPECT_THAT(stub().GetActor(Ctx(admin_a_).get(), request, &actor), InvalidArgumentOn("name"));
}

TEST_F(ActorApiTest, ListActorsFiltersByCategoryAndWalksEveryActorOnce) {
  std::set<std::string> supporters;
  for (int i = 0; i < 5; ++i) {
    supporters.insert(
        CreateActor(a1_.name(), "Supporter " + std::to_string(i), v1::SUPPORTER).name());
  }
  CreateActor(a1_.name(), "Opponent", v1::OPPOSITION);
  v1::ListActorsRequest request;
  request.set_parent(a1_.name());
  request.set_category(v1::SUPPORTER);
  const auto [seen, pages] = WalkPages(&v1::MembershipService::Stub::ListActors, request, admin_a_,
                                       [](const v1::ListActorsResponse& r) { return r.actors(); });
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), supporters);
}

TEST_F(ActorApiTest, ActorsPageTokenReusedWithAnotherCategoryIsInvalid) {
  for (int i = 0; i < 3; ++i) CreateActor(a1_.name(), "Supporter", v1::SUPPORTER);
  v1::ListActorsRequest request;
  request.set_parent(a1_.name());
  request.set_category(v1::SUPPORTER);
  request.set_page_size(1);
  v1::ListActorsResponse response;
  ASSERT_THAT(stub().ListActors(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_category(v1::OPPOSITION);
  EXPECT_THAT(stub().ListActors(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(ActorApiTest, ListActorsNamesAnUnknownCategory) {
  v1::ListActorsRequest request;
  request.set_parent(a1_.name());
  request.set_category(static_cast<v1::ActorCategory>(40));
  v1::ListActorsResponse response;
  EXPECT_THAT(stub().ListActors(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("category"));
}

TEST_F(ActorApiTest, UpdatesKeepRevisionsWithThePreviousCategory) {
  v1::CreateApiKeyResponse convener =
      CreateKey(network_a_.name(), common::v1::ROLE_CONVENER, {a1_.name()});
  v1::Actor created = CreateActor(a1_.name(), "Dr. Ruth Kim", v1::CONSTITUENT);
  clock().Advance(absl::Hours(24));

  v1::UpdateActorRequest request;
  request.mutable_actor()->set_name(created.name());
  request.mutable_actor()->set_etag(created.etag());
  request.mutable_actor()->set_category(v1::SUPPORTER);
  request.mutable_update_mask()->add_paths("category");
  request.set_source("one-to-one");
  v1::Actor supporter;
  ASSERT_THAT(stub().UpdateActor(Ctx(convener.secret()).get(), request, &supporter), IsOk());
  EXPECT_EQ(supporter.category(), v1::SUPPORTER);
  const absl::Time first_change = clock().Now();

  clock().Advance(absl::Hours(24));
  request.mutable_actor()->set_etag(supporter.etag());
  request.mutable_actor()->set_category(v1::LEADERSHIP);
  request.clear_source();
  v1::Actor leader;
  ASSERT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), request, &leader), IsOk());

  v1::ListActorRevisionsRequest list;
  list.set_parent(created.name());
  v1::ListActorRevisionsResponse revisions;
  ASSERT_THAT(stub().ListActorRevisions(Ctx(admin_a_).get(), list, &revisions), IsOk());
  ASSERT_THAT(revisions.revisions(), SizeIs(3));
  const auto& r = revisions.revisions();
  EXPECT_EQ(r[0].revision(), 1);
  EXPECT_EQ(r[0].actor().category(), v1::CONSTITUENT);
  EXPECT_EQ(r[0].previous_category(), v1::ACTOR_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(r[1].revision(), 2);
  EXPECT_EQ(r[1].actor().category(), v1::SUPPORTER);
  EXPECT_EQ(r[1].previous_category(), v1::CONSTITUENT);
  EXPECT_EQ(r[1].source(), "one-to-one");
  EXPECT_EQ(r[1].changed_by(), convener.api_key().name());
  EXPECT_EQ(FromProtoTimestamp(r[1].change_time()), first_change);
  EXPECT_EQ(r[2].actor().category(), v1::LEADERSHIP);
  EXPECT_EQ(r[2].previous_category(), v1::SUPPORTER);
  EXPECT_EQ(r[2].source(), "api");
  EXPECT_THAT(r[2].name(), StartsWith(created.name() + "/revisions/"));
}

TEST_F(ActorApiTest, ActorRevisionsPageThroughEveryRevisionOnce) {
  v1::Actor actor = CreateActor(a1_.name(), "County", v1::CONSTITUENT);
  const v1::ActorCategory cycle[] = {v1::SUPPORTER, v1::LEADERSHIP, v1::COMPETITION,
                                     v1::OPPOSITION};
  for (v1::ActorCategory category : cycle) {
    v1::UpdateActorRequest request;
    request.mutable_actor()->set_name(actor.name());
    request.mutable_actor()->set_category(category);
    request.mutable_update_mask()->add_paths("category");
    ASSERT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), request, &actor), IsOk());
  }
  std::vector<int64_t> seen;
  std::string token;
  do {
    v1::ListActorRevisionsRequest request;
    request.set_parent(actor.name());
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListActorRevisionsResponse response;
    ASSERT_THAT(stub().ListActorRevisions(Ctx(admin_a_).get(), request, &response), IsOk());
    for (const auto& r : response.revisions()) seen.push_back(r.revision());
    token = response.next_page_token();
  } while (!token.empty() && seen.size() < 20);
  EXPECT_THAT(seen, ElementsAre(1, 2, 3, 4, 5));
}

TEST_F(ActorApiTest, ListRevisionsOfUnknownActorIsNotFound) {
  v1::ListActorRevisionsRequest request;
  request.set_parent(a1_.name() + "/actors/doesnotexist");
  v1::ListActorRevisionsResponse response;
  EXPECT_THAT(stub().ListActorRevisions(Ctx(admin_a_).get(), request, &response),
              HasCode(grpc::StatusCode::NOT_FOUND));
  request.set_parent(a1_.name());
  EXPECT_THAT(stub().ListActorRevisions(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("parent"));
}

TEST_F(ActorApiTest, UpdateActorChangesOnlyMaskedFields) {
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::UpdateActorRequest request;
  request.mutable_actor()->set_name(created.name());
  request.mutable_actor()->set_notes("met at the health fair");
  request.mutable_actor()->set_display_name("not in the mask");
  request.mutable_update_mask()->add_paths("notes");
  v1::Actor actor;
  ASSERT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), request, &actor), IsOk());
  EXPECT_EQ(actor.notes(), "met at the health fair");
  EXPECT_EQ(actor.display_name(), "County");
  EXPECT_EQ(actor.category(), v1::SUPPORTER);
}

TEST_F(ActorApiTest, UpdateActorWithStaleEtagIsAborted) {
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::UpdateActorRequest request;
  request.mutable_actor()->set_name(created.name());
  request.mutable_actor()->set_etag(created.etag());
  request.mutable_actor()->set_category(v1::LEADERSHIP);
  request.mutable_update_mask()->add_paths("category");
  v1::Actor actor;
  ASSERT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), request, &actor), IsOk());
  request.mutable_actor()->set_category(v1::OPPOSITION);
  EXPECT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), request, &actor),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(ActorApiTest, UpdateActorNamesAnUnsetCategory) {
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::UpdateActorRequest request;
  request.mutable_actor()->set_name(created.name());
  request.mutable_update_mask()->add_paths("category");
  v1::Actor actor;
  EXPECT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), request, &actor),
              InvalidArgumentOn("actor.category"));
}

TEST_F(ActorApiTest, UpdateActorNamesATooLongSource) {
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::UpdateActorRequest request;
  request.mutable_actor()->set_name(created.name());
  request.mutable_actor()->set_notes("x");
  request.set_source(std::string(101, 's'));
  v1::Actor actor;
  EXPECT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), request, &actor),
              InvalidArgumentOn("source"));
}

TEST_F(ActorApiTest, UpdateActorRefusesAnOutputOnlyMaskPath) {
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::UpdateActorRequest request;
  request.mutable_actor()->set_name(created.name());
  request.mutable_update_mask()->add_paths("update_time");
  v1::Actor actor;
  EXPECT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), request, &actor),
              InvalidArgumentOn("update_mask"));
}

TEST_F(ActorApiTest, UpdateUnknownActorIsNotFound) {
  v1::UpdateActorRequest request;
  request.mutable_actor()->set_name(a1_.name() + "/actors/doesnotexist");
  request.mutable_actor()->set_notes("x");
  v1::Actor actor;
  EXPECT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), request, &actor),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(ActorApiTest, MemberCannotChangeTheMap) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::UpdateActorRequest request;
  request.mutable_actor()->set_name(created.name());
  request.mutable_actor()->set_category(v1::OPPOSITION);
  v1::Actor actor;
  EXPECT_THAT(stub().UpdateActor(Ctx(MemberKey(a1_.name(), ana.name())).get(), request, &actor),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ActorApiTest, DeleteActorRemovesIt) {
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::DeleteActorRequest request;
  request.set_name(created.name());
  request.set_etag(created.etag());
  google::protobuf::Empty empty;
  ASSERT_THAT(stub().DeleteActor(Ctx(admin_a_).get(), request, &empty), IsOk());
  v1::GetActorRequest get;
  get.set_name(created.name());
  v1::Actor actor;
  EXPECT_THAT(stub().GetActor(Ctx(admin_a_).get(), get, &actor),
              HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(stub().DeleteActor(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(ActorApiTest, DeleteActorWithStaleEtagIsAborted) {
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::UpdateActorRequest update;
  update.mutable_actor()->set_name(created.name());
  update.mutable_actor()->set_notes("x");
  v1::Actor actor;
  ASSERT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), update, &actor), IsOk());
  v1::DeleteActorRequest request;
  request.set_name(created.name());
  request.set_etag(created.etag());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteActor(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(ActorApiTest, OperatorCannotDeleteActors) {
  v1::Actor created = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  v1::DeleteActorRequest request;
  request.set_name(created.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteActor(Ctx(OperatorKey(network_a_.name())).get(), request, &empty),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

v1::CountActorsByCategoryResponse Counts(v1::MembershipService::Stub& stub,
                                         std::unique_ptr<grpc::ClientContext> context,
                                         const std::string& coalition) {
  v1::CountActorsByCategoryRequest request;
  request.set_parent(coalition);
  v1::CountActorsByCategoryResponse response;
  EXPECT_THAT(stub.CountActorsByCategory(context.get(), request, &response), IsOk());
  return response;
}

TEST_F(ActorApiTest, CountActorsByCategoryListsEveryCategoryInEnumOrder) {
  CreateActor(a1_.name(), "A", v1::SUPPORTER);
  CreateActor(a1_.name(), "B", v1::SUPPORTER);
  v1::Actor c = CreateActor(a1_.name(), "C", v1::OPPOSITION);
  CreateActor(a1_.name(), "D", v1::CONSTITUENT);
  CreateActor(a2_.name(), "Elsewhere", v1::SUPPORTER);

  v1::CountActorsByCategoryResponse counts = Counts(stub(), Ctx(admin_a_), a1_.name());
  ASSERT_THAT(counts.counts(), SizeIs(5));
  std::vector<std::pair<v1::ActorCategory, int>> got;
  for (const auto& count : counts.counts()) got.emplace_back(count.category(), count.count());
  EXPECT_THAT(got,
              ElementsAre(std::make_pair(v1::CONSTITUENT, 1), std::make_pair(v1::LEADERSHIP, 0),
                          std::make_pair(v1::SUPPORTER, 2), std::make_pair(v1::COMPETITION, 0),
                          std::make_pair(v1::OPPOSITION, 1)));
  EXPECT_EQ(counts.total(), 4);

  // Counts follow a change of category and a deletion at once.
  v1::UpdateActorRequest update;
  update.mutable_actor()->set_name(c.name());
  update.mutable_actor()->set_category(v1::SUPPORTER);
  v1::Actor updated;
  ASSERT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), update, &updated), IsOk());
  v1::DeleteActorRequest remove;
  remove.set_name(updated.name());
  google::protobuf::Empty empty;
  CreateActor(a1_.name(), "E", v1::LEADERSHIP);
  counts = Counts(stub(), Ctx(admin_a_), a1_.name());
  EXPECT_EQ(counts.counts(2).count(), 3);
  EXPECT_EQ(counts.counts(4).count(), 0);
  EXPECT_EQ(counts.counts(1).count(), 1);
  ASSERT_THAT(stub().DeleteActor(Ctx(admin_a_).get(), remove, &empty), IsOk());
  counts = Counts(stub(), Ctx(admin_a_), a1_.name());
  EXPECT_EQ(counts.counts(2).count(), 2);
  EXPECT_EQ(counts.total(), 4);
}

TEST_F(ActorApiTest, CountActorsOfUnknownCoalitionIsNotFound) {
  v1::CountActorsByCategoryRequest request;
  request.set_parent(network_a_.name() + "/coalitions/doesnotexist");
  v1::CountActorsByCategoryResponse response;
  EXPECT_THAT(stub().CountActorsByCategory(Ctx(admin_a_).get(), request, &response),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(ActorApiTest, ConvenerCannotCountActorsOutsideTheirScope) {
  v1::CountActorsByCategoryRequest request;
  request.set_parent(a1_.name());
  v1::CountActorsByCategoryResponse response;
  EXPECT_THAT(stub().CountActorsByCategory(Ctx(ConvenerKey(network_a_.name(), {a2_.name()})).get(),
                                           request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

}  // namespace
}  // namespace coalition::membership::testing
