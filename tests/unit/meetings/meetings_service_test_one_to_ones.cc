// One-to-ones: create, read, list, the five stages, and what they tell membership's map of
// actors through the outbox.
#include <string>
#include <utility>
#include <vector>

#include <prometheus/metric_family.h>

#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "tests/unit/meetings/meetings_test_fixture.h"

namespace coalition::meetings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

constexpr char kMethodPrefix[] = "coalition.meetings.v1.MeetingsService/";

using StageRequest = v1::RecordOneToOneStageRequest;

StageRequest Selection(mv1::TieStrength tie = mv1::STRONG) {
  StageRequest request;
  request.mutable_selection()->set_why_this_person("Runs the discharge desk at the hospital");
  request.mutable_selection()->set_how_connected("Met at the county health fair");
  request.mutable_selection()->set_tie_strength(tie);
  return request;
}

StageRequest Purpose(v1::OneToOne::Purpose::Kind kind = v1::OneToOne::Purpose::BUILD) {
  StageRequest request;
  request.mutable_purpose()->set_kind(kind);
  request.mutable_purpose()->set_note("A first conversation");
  return request;
}

StageRequest Exploration(const std::vector<std::string>& interests = {},
                         const std::vector<mv1::ActorResource>& resources = {}) {
  StageRequest request;
  request.mutable_exploration()->add_values("Family comes first");
  for (const std::string& interest : interests)
    request.mutable_exploration()->add_interests(interest);
  for (mv1::ActorResource resource : resources) {
    request.mutable_exploration()->add_resources(resource);
  }
  return request;
}

StageRequest Exchange() {
  StageRequest request;
  request.mutable_exchange()->set_offered("Our readmission data");
  request.mutable_exchange()->set_received("An introduction to the pharmacy chain");
  return request;
}

v1::OutcomeCommitment Made(const std::string& person, const std::string& what, const Date& due) {
  v1::OutcomeCommitment made;
  made.set_person(person);
  made.set_what(what);
  *made.mutable_due_date() = due;
  return made;
}

StageRequest Outcome(const std::vector<v1::OutcomeCommitment>& commitments,
                     const std::string& no_commitment_reason = "",
                     const std::string& request_id = "") {
  StageRequest request;
  for (const auto& made : commitments) *request.mutable_outcome()->add_commitments() = made;
  request.mutable_outcome()->set_no_commitment_reason(no_commitment_reason);
  request.set_request_id(request_id);
  return request;
}

class OneToOnesTest : public MeetingsServiceTest {
 protected:
  v1::CreateOneToOneRequest NewOneToOne(const std::string& organizer,
                                        const std::string& counterpart_person,
                                        const std::string& counterpart_actor = "",
                                        const std::string& coalition = "") {
    v1::CreateOneToOneRequest request;
    request.set_parent(coalition.empty() ? a1_.name() : coalition);
    request.mutable_one_to_one()->set_organizer(organizer);
    request.mutable_one_to_one()->set_counterpart_person(counterpart_person);
    request.mutable_one_to_one()->set_counterpart_actor(counterpart_actor);
    *request.mutable_one_to_one()->mutable_meeting_time() =
        ToProtoTimestamp(clock().Now() + absl::Hours(30));
    return request;
  }

  grpc::Status Create(const std::string& key, const v1::CreateOneToOneRequest& request,
                      v1::OneToOne* created = nullptr) {
    v1::OneToOne ignored;
    return meetings().CreateOneToOne(Ctx(key).get(), request,
                                     created != nullptr ? created : &ignored);
  }

  grpc::Status Get(const std::string& key, const std::string& name,
                   v1::OneToOne* one_to_one = nullptr) {
    v1::GetOneToOneRequest request;
    request.set_name(name);
    v1::OneToOne ignored;
    return meetings().GetOneToOne(Ctx(key).get(), request,
                                  one_to_one != nullptr ? one_to_one : &ignored);
  }

  v1::OneToOne Reload(const v1::OneToOne& one_to_one) {
    v1::OneToOne loaded;
    EXPECT_THAT(Get(admin_a_, one_to_one.name(), &loaded), IsOk());
    return loaded;
  }

  grpc::Status Record(const std::string& key, const std::string& name, StageRequest request,
                      const std::string& etag = "", v1::OneToOne* recorded = nullptr) {
    request.set_name(name);
    request.set_etag(etag);
    v1::OneToOne ignored;
    return meetings().RecordOneToOneStage(Ctx(key).get(), request,
                                          recorded != nullptr ? recorded : &ignored);
  }

  // Records selection, purpose, exploration (hearing `interests` and `resources`) and exchange.
  v1::OneToOne UpToExchange(const v1::OneToOne& one_to_one,
                            const std::vector<std::string>& interests = {},
                            const std::vector<mv1::ActorResource>& resources = {},
                            mv1::TieStrength tie = mv1::STRONG) {
    v1::OneToOne recorded;
    for (const StageRequest& stage :
         {Selection(tie), Purpose(), Exploration(interests, resources), Exchange()}) {
      EXPECT_THAT(Record(convener_a1_, one_to_one.name(), stage, "", &recorded), IsOk());
    }
    return recorded;
  }

  v1::OneToOne Complete(const v1::OneToOne& one_to_one, const std::string& reason) {
    v1::OneToOne completed;
    EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Outcome({}, reason), "", &completed),
                IsOk());
    return completed;
  }

  std::vector<v1::Commitment> CommitmentsFrom(const std::string& source) {
    v1::ListCommitmentsRequest request;
    request.set_parent(a1_.name());
    request.set_source(source);
    request.set_page_size(100);
    v1::ListCommitmentsResponse response;
    EXPECT_THAT(meetings().ListCommitments(Ctx(admin_a_).get(), request, &response), IsOk());
    return {response.commitments().begin(), response.commitments().end()};
  }

  // Every page of ListOneToOnes at page size 2: the names in order, and how many pages.
  std::vector<std::string> ListNames(v1::ListOneToOnesRequest request, int* pages = nullptr) {
    std::vector<std::string> names;
    std::string token;
    int walked = 0;
    do {
      request.set_page_size(2);
      request.set_page_token(token);
      v1::ListOneToOnesResponse response;
      const grpc::Status status =
          meetings().ListOneToOnes(Ctx(convener_a1_).get(), request, &response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(response.one_to_ones_size(), 2);
      for (const v1::OneToOne& o : response.one_to_ones()) names.push_back(o.name());
      token = response.next_page_token();
    } while (!token.empty() && ++walked < 20);
    if (pages != nullptr) *pages = walked + 1;
    return names;
  }

  v1::ListOneToOnesRequest ListOf(const std::string& organizer = "",
                                  v1::OneToOne::State state = v1::OneToOne::STATE_UNSPECIFIED) {
    v1::ListOneToOnesRequest request;
    request.set_parent(a1_.name());
    request.set_organizer(organizer);
    request.set_state(state);
    return request;
  }

  // What membership's map was told, once per delivery.
  std::vector<mv1::RecordActorObservationRequest> Observations() {
    return membership().Observations();
  }

  int Deliver() {
    absl::StatusOr<int> delivered = background().DeliverDue();
    EXPECT_TRUE(delivered.ok()) << delivered.status();
    return delivered.ok() ? *delivered : -1;
  }

  // The outbox backlog gauge, refreshed from the store.
  double OutboxMessages() {
    EXPECT_TRUE(background().RefreshGauges().ok());
    for (const prometheus::MetricFamily& family : registry().Collect()) {
      if (family.name == "coalition_outbox_messages" && !family.metric.empty()) {
        return family.metric[0].gauge.value;
      }
    }
    ADD_FAILURE() << "no coalition_outbox_messages gauge";
    return -1;
  }

  std::vector<std::string> AuditedMethods(const std::string& resource) {
    std::vector<std::string> methods;
    for (const auto& event : MeetingsAuditEvents(network_a_.name(), resource)) {
      if (event.resource() != resource) continue;
      EXPECT_THAT(event.method(), StartsWith(kMethodPrefix));
      methods.push_back(event.method().substr(sizeof(kMethodPrefix) - 1));
    }
    return methods;
  }

  std::string MissingOneToOne() const { return a1_.name() + "/oneToOnes/doesnotexist"; }
};

// ---- CreateOneToOne ----

TEST_F(OneToOnesTest, CreateOneToOneStartsInProgressWithNoStageRecorded) {
  v1::CreateOneToOneRequest request = NewOneToOne(alice_.name(), carol_.name());
  // Stage data and outputs sent at create are dropped: every stage goes through the stages.
  *request.mutable_one_to_one()->mutable_selection() = Selection().selection();
  request.mutable_one_to_one()->mutable_outcome()->add_commitments(a1_.name() + "/commitments/x");
  request.mutable_one_to_one()->set_state(v1::OneToOne::COMPLETED);
  request.mutable_one_to_one()->set_last_stage(v1::OneToOne::EXCHANGE);
  v1::OneToOne created;
  ASSERT_THAT(Create(convener_a1_, request, &created), IsOk());
  EXPECT_THAT(created.name(), StartsWith(a1_.name() + "/oneToOnes/"));
  EXPECT_EQ(created.organizer(), alice_.name());
  EXPECT_EQ(created.counterpart_person(), carol_.name());
  EXPECT_EQ(created.meeting_time().seconds(), request.one_to_one().meeting_time().seconds());
  EXPECT_EQ(created.state(), v1::OneToOne::IN_PROGRESS);
  EXPECT_EQ(created.last_stage(), v1::OneToOne::STAGE_UNSPECIFIED);
  EXPECT_FALSE(created.has_selection());
  EXPECT_FALSE(created.has_outcome());
  EXPECT_FALSE(created.etag().empty());
  EXPECT_EQ(FromProtoTimestamp(created.create_time()), clock().Now());
  EXPECT_EQ(Reload(created).etag(), created.etag());
}

TEST_F(OneToOnesTest, CounterpartCanBeAnActorOnTheMap) {
  const mv1::Actor actor = CreateActor(a1_.name(), "County health department", mv1::SUPPORTER);
  v1::OneToOne created;
  ASSERT_THAT(Create(convener_a1_, NewOneToOne(alice_.name(), "", actor.name()), &created), IsOk());
  EXPECT_EQ(created.counterpart_actor(), actor.name());
  EXPECT_EQ(created.counterpart_person(), "");
}

TEST_F(OneToOnesTest, OrganizerMustBeAnActiveMember) {
  EXPECT_THAT(Create(convener_a1_, NewOneToOne(carol_.name(), bob_.name())),
              InvalidArgumentOn("one_to_one.organizer"));
  EXPECT_THAT(Create(convener_a1_, NewOneToOne(dana_b_.name(), bob_.name())),
              InvalidArgumentOn("one_to_one.organizer"));
  EXPECT_THAT(Create(convener_a1_, NewOneToOne("", bob_.name())),
              InvalidArgumentOn("one_to_one.organizer"));
  EXPECT_THAT(Create(convener_a1_, NewOneToOne(network_a_.name() + "/people/nobody", bob_.name())),
              InvalidArgumentOn("one_to_one.organizer"));
  EXPECT_THAT(ListNames(ListOf()), IsEmpty());
}

TEST_F(OneToOnesTest, CounterpartPersonMustExistInTheNetwork) {
  EXPECT_THAT(
      Create(convener_a1_, NewOneToOne(alice_.name(), network_a_.name() + "/people/nobody")),
      InvalidArgumentOn("one_to_one.counterpart_person"));
  EXPECT_THAT(Create(convener_a1_, NewOneToOne(alice_.name(), dana_b_.name())),
              InvalidArgumentOn("one_to_one.counterpart_person"));
}

TEST_F(OneToOnesTest, CounterpartActorMustBeOnTheCoalitionsMap) {
  EXPECT_THAT(Create(convener_a1_, NewOneToOne(alice_.name(), "", a1_.name() + "/actors/nobody")),
              InvalidArgumentOn("one_to_one.counterpart_actor"));
  const mv1::Actor elsewhere = CreateActor(a2_.name(), "Other map", mv1::SUPPORTER);
  EXPECT_THAT(Create(convener_a1_, NewOneToOne(alice_.name(), "", elsewhere.name())),
              InvalidArgumentOn("one_to_one.counterpart_actor"));
}

TEST_F(OneToOnesTest, ExactlyOneCounterpartWhoIsNotTheOrganizer) {
  const mv1::Actor actor = CreateActor(a1_.name(), "County health department", mv1::SUPPORTER);
  EXPECT_THAT(Create(convener_a1_, NewOneToOne(alice_.name(), carol_.name(), actor.name())),
              InvalidArgumentOn("one_to_one.counterpart_person"));
  EXPECT_THAT(Create(convener_a1_, NewOneToOne(alice_.name(), "")),
              InvalidArgumentOn("one_to_one.counterpart_person"));
  EXPECT_THAT(Create(convener_a1_, NewOneToOne(alice_.name(), alice_.name())),
              InvalidArgumentOn("one_to_one.counterpart_person"));
}

TEST_F(OneToOnesTest, CreateOneToOneNamesBadRequestFields) {
  auto request = NewOneToOne(alice_.name(), carol_.name());
  request.set_parent("coalitions/a1");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("parent"));
  request = NewOneToOne(alice_.name(), carol_.name());
  request.set_request_id("not a request id!");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("request_id"));
}

TEST_F(OneToOnesTest, MemberMayCreateOnlyTheirOwnOneToOnes) {
  v1::OneToOne own;
  ASSERT_THAT(Create(alice_key_, NewOneToOne(alice_.name(), carol_.name()), &own), IsOk());
  EXPECT_EQ(own.organizer(), alice_.name());
  EXPECT_THAT(Create(alice_key_, NewOneToOne(bob_.name(), carol_.name())),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  // Her key is for a1 only.
  EXPECT_THAT(Create(alice_key_, NewOneToOne(alice_.name(), carol_.name(), "", a2_.name())),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(ListNames(ListOf()), ElementsAre(own.name()));
}

TEST_F(OneToOnesTest, CreateOneToOneChecksTheCaller) {
  const auto request = NewOneToOne(alice_.name(), carol_.name());
  v1::OneToOne created;
  EXPECT_THAT(meetings().CreateOneToOne(AnonymousCtx().get(), request, &created),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Create(admin_b_, request), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Create(convener_a2_, request), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Create(service_a_, request), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(ListNames(ListOf()), IsEmpty());
  EXPECT_THAT(Create(admin_a_, request), IsOk());
}

TEST_F(OneToOnesTest, RetriedCreateReturnsTheFirstOneToOne) {
  auto request = NewOneToOne(alice_.name(), carol_.name());
  request.set_request_id("9d3a4b1c-3f0e-4e55-a1a0-1b2c3d4e5f60");
  v1::OneToOne first;
  v1::OneToOne second;
  ASSERT_THAT(Create(convener_a1_, request, &first), IsOk());
  clock().Advance(absl::Minutes(1));
  ASSERT_THAT(Create(convener_a1_, request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_THAT(ListNames(ListOf()), ElementsAre(first.name()));
  EXPECT_THAT(AuditedMethods(first.name()), ElementsAre("CreateOneToOne"));
}

TEST_F(OneToOnesTest, RequestIdOfAnotherCoalitionDoesNotReturnItsOneToOne) {
  auto request = NewOneToOne(alice_.name(), carol_.name());
  request.set_request_id("shared-request");
  v1::OneToOne first;
  ASSERT_THAT(Create(convener_a1_, request, &first), IsOk());
  const mv1::Person eve = CreateMemberPerson(a2_.name(), "Eve Park");
  request = NewOneToOne(eve.name(), carol_.name(), "", a2_.name());
  request.set_request_id("shared-request");
  v1::OneToOne second;
  EXPECT_THAT(Create(convener_a2_, request, &second), InvalidArgumentOn("request_id"));
  EXPECT_NE(second.name(), first.name());
  EXPECT_NE(second.organizer(), alice_.name());
}

// ---- GetOneToOne ----

TEST_F(OneToOnesTest, GetOneToOneReturnsItToReadersOfTheCoalition) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), bob_.name(), carol_.name());
  v1::OneToOne loaded;
  ASSERT_THAT(Get(convener_a1_, one_to_one.name(), &loaded), IsOk());
  EXPECT_EQ(loaded.organizer(), bob_.name());
  EXPECT_EQ(loaded.etag(), one_to_one.etag());
  EXPECT_THAT(Get(alice_key_, one_to_one.name()), IsOk());
}

TEST_F(OneToOnesTest, GetOneToOneErrors) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  v1::GetOneToOneRequest request;
  request.set_name(one_to_one.name());
  v1::OneToOne loaded;
  EXPECT_THAT(meetings().GetOneToOne(AnonymousCtx().get(), request, &loaded),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Get(admin_b_, one_to_one.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Get(convener_a2_, one_to_one.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Get(convener_a1_, MissingOneToOne()), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Get(convener_a1_, a1_.name() + "/meetings/x"), InvalidArgumentOn("name"));
}

// ---- ListOneToOnes ----

TEST_F(OneToOnesTest, ListOneToOnesFiltersByOrganizerAndStateAcrossPages) {
  std::vector<std::string> alices;
  std::vector<std::string> all;
  for (int i = 0; i < 3; ++i) {
    alices.push_back(CreateOneToOne(a1_.name(), alice_.name(), carol_.name()).name());
    all.push_back(alices.back());
  }
  for (int i = 0; i < 2; ++i) {
    all.push_back(CreateOneToOne(a1_.name(), bob_.name(), carol_.name()).name());
  }
  const mv1::Person eve = CreateMemberPerson(a2_.name(), "Eve Park");
  CreateOneToOne(a2_.name(), eve.name(), carol_.name(), convener_a2_);
  v1::OneToOne done;
  done.set_name(alices[1]);
  UpToExchange(done);
  Complete(done, "Not the right time");

  int pages = 0;
  EXPECT_THAT(ListNames(ListOf(), &pages), UnorderedElementsAreArray(all));
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(ListNames(ListOf(alice_.name())), UnorderedElementsAreArray(alices));
  EXPECT_THAT(ListNames(ListOf("", v1::OneToOne::COMPLETED)), ElementsAre(alices[1]));
  EXPECT_THAT(ListNames(ListOf(alice_.name(), v1::OneToOne::IN_PROGRESS)),
              UnorderedElementsAre(alices[0], alices[2]));
  EXPECT_THAT(ListNames(ListOf(bob_.name(), v1::OneToOne::COMPLETED)), IsEmpty());
}

TEST_F(OneToOnesTest, ListOneToOnesValidatesFiltersAndTokens) {
  for (int i = 0; i < 3; ++i) CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  v1::ListOneToOnesResponse response;
  auto request = ListOf(dana_b_.name());
  EXPECT_THAT(meetings().ListOneToOnes(Ctx(convener_a1_).get(), request, &response),
              InvalidArgumentOn("organizer"));
  request = ListOf("", static_cast<v1::OneToOne::State>(42));
  EXPECT_THAT(meetings().ListOneToOnes(Ctx(convener_a1_).get(), request, &response),
              InvalidArgumentOn("state"));
  request = ListOf();
  request.set_page_size(-1);
  EXPECT_THAT(meetings().ListOneToOnes(Ctx(convener_a1_).get(), request, &response),
              InvalidArgumentOn("page_size"));

  request = ListOf();
  request.set_page_size(2);
  ASSERT_THAT(meetings().ListOneToOnes(Ctx(convener_a1_).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_organizer(alice_.name());
  EXPECT_THAT(meetings().ListOneToOnes(Ctx(convener_a1_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(OneToOnesTest, ListOneToOnesChecksTheCaller) {
  const auto request = ListOf();
  v1::ListOneToOnesResponse response;
  EXPECT_THAT(meetings().ListOneToOnes(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(meetings().ListOneToOnes(Ctx(admin_b_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().ListOneToOnes(Ctx(convener_a2_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().ListOneToOnes(Ctx(alice_key_).get(), request, &response), IsOk());
}

// ---- RecordOneToOneStage ----

TEST_F(OneToOnesTest, StagesAreRecordedInOrder) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  std::string etag = one_to_one.etag();
  const std::vector<std::pair<StageRequest, v1::OneToOne::Stage>> stages = {
      {Selection(mv1::WEAK), v1::OneToOne::SELECTION},
      {Purpose(v1::OneToOne::Purpose::DEEPEN), v1::OneToOne::PURPOSE},
      {Exploration({"Fewer readmissions"}), v1::OneToOne::EXPLORATION},
      {Exchange(), v1::OneToOne::EXCHANGE}};
  v1::OneToOne recorded;
  for (const auto& [stage, expected] : stages) {
    clock().Advance(absl::Minutes(10));
    ASSERT_THAT(Record(convener_a1_, one_to_one.name(), stage, etag, &recorded), IsOk());
    EXPECT_EQ(recorded.last_stage(), expected);
    EXPECT_EQ(recorded.state(), v1::OneToOne::IN_PROGRESS);
    EXPECT_NE(recorded.etag(), etag);
    EXPECT_EQ(FromProtoTimestamp(recorded.update_time()), clock().Now());
    etag = recorded.etag();
  }
  const v1::OneToOne stored = Reload(one_to_one);
  EXPECT_EQ(stored.etag(), etag);
  EXPECT_EQ(stored.selection().tie_strength(), mv1::WEAK);
  EXPECT_EQ(stored.purpose().kind(), v1::OneToOne::Purpose::DEEPEN);
  EXPECT_THAT(stored.exploration().interests(), ElementsAre("Fewer readmissions"));
  EXPECT_EQ(stored.exchange().offered(), "Our readmission data");
}

TEST_F(OneToOnesTest, StageCannotBeRecordedBeforeTheOnesItFollows) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Purpose()),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), Selection()), IsOk());
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Exploration({"Food access"})),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Outcome({}, "Not now")),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(Reload(one_to_one).last_stage(), v1::OneToOne::SELECTION);
}

TEST_F(OneToOnesTest, EarlierStageCanBeCorrectedWhileInProgress) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), Selection(mv1::WEAK)), IsOk());
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), Purpose()), IsOk());
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), Exploration({"Food access"})), IsOk());
  v1::OneToOne corrected;
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), Selection(mv1::STRONG), "", &corrected),
              IsOk());
  EXPECT_EQ(corrected.selection().tie_strength(), mv1::STRONG);
  EXPECT_EQ(corrected.last_stage(), v1::OneToOne::EXPLORATION);
  EXPECT_THAT(corrected.exploration().interests(), ElementsAre("Food access"));
}

TEST_F(OneToOnesTest, CommitmentStageCreatesTheCommitmentsAndCompletesTheOneToOne) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  const v1::OneToOne exchanged = UpToExchange(one_to_one);
  clock().Advance(absl::Hours(1));
  v1::OneToOne completed;
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(),
                     Outcome({Made(alice_.name(), "Send the readmission data", Day(7)),
                              Made(bob_.name(), "Introduce the pharmacy chain", Day(14))}),
                     exchanged.etag(), &completed),
              IsOk());
  EXPECT_EQ(completed.state(), v1::OneToOne::COMPLETED);
  EXPECT_EQ(completed.last_stage(), v1::OneToOne::COMMITMENT);
  EXPECT_EQ(FromProtoTimestamp(completed.complete_time()), clock().Now());
  EXPECT_EQ(completed.outcome().no_commitment_reason(), "");
  ASSERT_THAT(completed.outcome().commitments(), SizeIs(2));

  const std::vector<v1::Commitment> made = CommitmentsFrom(one_to_one.name());
  ASSERT_THAT(made, SizeIs(2));
  EXPECT_THAT(completed.outcome().commitments(),
              UnorderedElementsAre(made[0].name(), made[1].name()));
  EXPECT_EQ(made[0].person(), alice_.name());
  EXPECT_EQ(made[0].what(), "Send the readmission data");
  EXPECT_EQ(DateToString(made[0].due_date()), DateToString(Day(7)));
  EXPECT_EQ(made[0].status(), v1::Commitment::OPEN);
  for (const v1::Commitment& c : made) {
    EXPECT_EQ(c.source().kind(), v1::CommitmentSource::ONE_TO_ONE);
    EXPECT_EQ(c.source().resource(), one_to_one.name());
  }
  EXPECT_EQ(Reload(one_to_one).etag(), completed.etag());
}

TEST_F(OneToOnesTest, EachCommitmentOfAOneToOneHasItsOwnAuditEvent) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  const v1::OneToOne exchanged = UpToExchange(one_to_one);
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(),
                     Outcome({Made(alice_.name(), "Send the readmission data", Day(7)),
                              Made(bob_.name(), "Introduce the pharmacy chain", Day(14))}),
                     exchanged.etag()),
              IsOk());
  const std::vector<v1::Commitment> made = CommitmentsFrom(one_to_one.name());
  ASSERT_THAT(made, SizeIs(2));
  for (const v1::Commitment& c : made) {
    EXPECT_THAT(AuditedMethods(c.name()), ElementsAre("RecordOneToOneStage")) << c.name();
  }
}

TEST_F(OneToOnesTest, NonMemberInTheOutcomeIsInvalidAndNothingIsWritten) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  const v1::OneToOne exchanged = UpToExchange(one_to_one);
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(),
                     Outcome({Made(carol_.name(), "Host the next meeting", Day(7)),
                              Made(alice_.name(), "Send the data", Day(7))})),
              InvalidArgumentOn("outcome.commitments[0].person"));
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(),
                     Outcome({Made(alice_.name(), "Send the data", Day(7)),
                              Made(dana_b_.name(), "Host", Day(7))})),
              InvalidArgumentOn("outcome.commitments[1].person"));
  const v1::OneToOne stored = Reload(one_to_one);
  EXPECT_EQ(stored.etag(), exchanged.etag());
  EXPECT_EQ(stored.state(), v1::OneToOne::IN_PROGRESS);
  EXPECT_FALSE(stored.has_outcome());
  EXPECT_THAT(CommitmentsFrom(one_to_one.name()), IsEmpty());
  EXPECT_EQ(Deliver(), 0);
}

TEST_F(OneToOnesTest, NoCommitmentCompletesWithTheReason) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  UpToExchange(one_to_one);
  const v1::OneToOne completed = Complete(one_to_one, "She will call back after the audit");
  EXPECT_EQ(completed.state(), v1::OneToOne::COMPLETED);
  EXPECT_EQ(completed.outcome().no_commitment_reason(), "She will call back after the audit");
  EXPECT_THAT(completed.outcome().commitments(), IsEmpty());
  EXPECT_THAT(CommitmentsFrom(one_to_one.name()), IsEmpty());
}

TEST_F(OneToOnesTest, OutcomeNeedsCommitmentsOrAReasonNotBoth) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  UpToExchange(one_to_one);
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Outcome({})), InvalidArgumentOn("outcome"));
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Outcome({}, "  ")),
              InvalidArgumentOn("outcome"));
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(),
                     Outcome({Made(alice_.name(), "Call", Day(3))}, "and a reason")),
              InvalidArgumentOn("outcome"));
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Outcome({Made(alice_.name(), "", Day(3))})),
              InvalidArgumentOn("outcome.commitments[0].what"));
  v1::OutcomeCommitment undated = Made(alice_.name(), "Call", Day(3));
  undated.clear_due_date();
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Outcome({undated})),
              InvalidArgumentOn("outcome.commitments[0].due_date"));
  EXPECT_EQ(Reload(one_to_one).state(), v1::OneToOne::IN_PROGRESS);
  EXPECT_THAT(CommitmentsFrom(one_to_one.name()), IsEmpty());
}

TEST_F(OneToOnesTest, RecordStageNamesEachBadField) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  StageRequest selection = Selection();
  selection.mutable_selection()->set_why_this_person("");
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), selection),
              InvalidArgumentOn("selection.why_this_person"));
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Selection(mv1::TIE_STRENGTH_UNSPECIFIED)),
              InvalidArgumentOn("selection.tie_strength"));
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), StageRequest()), InvalidArgumentOn("stage"));
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), Selection()), IsOk());
  EXPECT_THAT(
      Record(convener_a1_, one_to_one.name(), Purpose(v1::OneToOne::Purpose::KIND_UNSPECIFIED)),
      InvalidArgumentOn("purpose.kind"));
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), Purpose()), IsOk());
  StageRequest empty_exploration;
  empty_exploration.mutable_exploration();
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), empty_exploration),
              InvalidArgumentOn("exploration"));
  EXPECT_THAT(
      Record(convener_a1_, one_to_one.name(), Exploration({"Food access"}, {mv1::DATA, mv1::DATA})),
      InvalidArgumentOn("exploration.resources[1]"));
  StageRequest bad_id = Exploration({"Food access"});
  bad_id.set_request_id("not a request id!");
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), bad_id), InvalidArgumentOn("request_id"));
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), Exploration({"Food access"})), IsOk());
  StageRequest empty_exchange;
  empty_exchange.mutable_exchange();
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), empty_exchange),
              InvalidArgumentOn("exchange"));
  EXPECT_EQ(Reload(one_to_one).last_stage(), v1::OneToOne::EXPLORATION);
}

TEST_F(OneToOnesTest, CompletedOneToOneIsFinal) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  UpToExchange(one_to_one);
  const v1::OneToOne completed = Complete(one_to_one, "Not now");
  for (const StageRequest& stage :
       {Selection(), Purpose(), Exploration({"More"}), Exchange(), Outcome({}, "Again"),
        Outcome({Made(alice_.name(), "Call", Day(3))}, "", "second-outcome")}) {
    EXPECT_THAT(Record(convener_a1_, one_to_one.name(), stage),
                HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  }
  EXPECT_EQ(Reload(one_to_one).etag(), completed.etag());
  EXPECT_THAT(CommitmentsFrom(one_to_one.name()), IsEmpty());
}

TEST_F(OneToOnesTest, RetriedCommitmentStageReturnsTheCompletedOneToOneOnce) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  const v1::OneToOne exchanged = UpToExchange(one_to_one, {"Food access"});
  const StageRequest outcome =
      Outcome({Made(alice_.name(), "Send the data", Day(7)), Made(bob_.name(), "Call", Day(7))}, "",
              "2b0f8a51-7d0c-4b2e-9e1a-7c6d5e4f3a21");
  v1::OneToOne first;
  v1::OneToOne second;
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), outcome, exchanged.etag(), &first), IsOk());
  clock().Advance(absl::Minutes(1));
  // The retry carries the etag it was first sent with.
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), outcome, exchanged.etag(), &second), IsOk());
  EXPECT_EQ(second.state(), v1::OneToOne::COMPLETED);
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_THAT(second.outcome().commitments(),
              ElementsAre(first.outcome().commitments(0), first.outcome().commitments(1)));
  EXPECT_THAT(CommitmentsFrom(one_to_one.name()), SizeIs(2));
  EXPECT_THAT(AuditedMethods(one_to_one.name()), SizeIs(6));
  EXPECT_EQ(Deliver(), 1);
}

TEST_F(OneToOnesTest, RequestIdOfAnotherOneToOneIsNotARetry) {
  const v1::OneToOne first = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  UpToExchange(first);
  ASSERT_THAT(Record(convener_a1_, first.name(), Outcome({}, "Not now", "shared-outcome")), IsOk());
  const v1::OneToOne second = CreateOneToOne(a1_.name(), bob_.name(), carol_.name());
  UpToExchange(second);
  v1::OneToOne recorded;
  EXPECT_THAT(
      Record(convener_a1_, second.name(),
             Outcome({Made(bob_.name(), "Call", Day(3))}, "", "shared-outcome"), "", &recorded),
      InvalidArgumentOn("request_id"));
  EXPECT_EQ(Reload(second).state(), v1::OneToOne::IN_PROGRESS);
  EXPECT_THAT(CommitmentsFrom(second.name()), IsEmpty());
}

TEST_F(OneToOnesTest, RecordStageWithAStaleEtagIsAborted) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  ASSERT_THAT(Record(convener_a1_, one_to_one.name(), Selection(), one_to_one.etag()), IsOk());
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Purpose(), one_to_one.etag()),
              HasCode(grpc::StatusCode::ABORTED));
  EXPECT_EQ(Reload(one_to_one).last_stage(), v1::OneToOne::SELECTION);
}

TEST_F(OneToOnesTest, RecordStageChecksTheCaller) {
  const v1::OneToOne alices = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  const v1::OneToOne bobs = CreateOneToOne(a1_.name(), bob_.name(), carol_.name());
  StageRequest request = Selection();
  request.set_name(alices.name());
  v1::OneToOne recorded;
  EXPECT_THAT(meetings().RecordOneToOneStage(AnonymousCtx().get(), request, &recorded),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Record(admin_b_, alices.name(), Selection()),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Record(convener_a2_, alices.name(), Selection()),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  // A member records their own one-to-ones only.
  EXPECT_THAT(Record(alice_key_, bobs.name(), Selection()),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(Reload(bobs).last_stage(), v1::OneToOne::STAGE_UNSPECIFIED);
  EXPECT_THAT(Record(alice_key_, alices.name(), Selection()), IsOk());
  EXPECT_THAT(Record(admin_a_, alices.name(), Purpose()), IsOk());
  EXPECT_THAT(Record(convener_a1_, MissingOneToOne(), Selection()),
              HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Record(convener_a1_, "oneToOnes/x", Selection()), InvalidArgumentOn("name"));
}

TEST_F(OneToOnesTest, MemberCompletesTheirOwnOneToOne) {
  v1::OneToOne own;
  ASSERT_THAT(Create(alice_key_, NewOneToOne(alice_.name(), carol_.name()), &own), IsOk());
  for (const StageRequest& stage : {Selection(), Purpose(), Exploration(), Exchange(),
                                    Outcome({Made(alice_.name(), "Send the data", Day(5))})}) {
    ASSERT_THAT(Record(alice_key_, own.name(), stage), IsOk());
  }
  EXPECT_EQ(Reload(own).state(), v1::OneToOne::COMPLETED);
  EXPECT_THAT(CommitmentsFrom(own.name()), SizeIs(1));
}

TEST_F(OneToOnesTest, MemberCannotCommitOthersThroughTheirOneToOne) {
  v1::OneToOne own;
  ASSERT_THAT(Create(alice_key_, NewOneToOne(alice_.name(), carol_.name()), &own), IsOk());
  for (const StageRequest& stage : {Selection(), Purpose(), Exploration(), Exchange()}) {
    ASSERT_THAT(Record(alice_key_, own.name(), stage), IsOk());
  }
  const grpc::Status denied = Record(alice_key_, own.name(),
                                     Outcome({Made(alice_.name(), "Send the data", Day(5)),
                                              Made(bob_.name(), "Call the pharmacy", Day(5))}));
  EXPECT_THAT(denied, HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(denied.error_message(), ::testing::HasSubstr("outcome.commitments[1].person"));
  EXPECT_THAT(CommitmentsFrom(own.name()), IsEmpty());
  EXPECT_EQ(Reload(own).state(), v1::OneToOne::IN_PROGRESS);
}

TEST_F(OneToOnesTest, EveryStageIsAuditedOnce) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  UpToExchange(one_to_one);
  EXPECT_THAT(Record(convener_a1_, one_to_one.name(), Outcome({})), InvalidArgumentOn("outcome"));
  Complete(one_to_one, "Not now");
  // Events of the same instant have no order among them.
  EXPECT_THAT(
      AuditedMethods(one_to_one.name()),
      UnorderedElementsAre("CreateOneToOne", "RecordOneToOneStage", "RecordOneToOneStage",
                           "RecordOneToOneStage", "RecordOneToOneStage", "RecordOneToOneStage"));
}

// ---- What the map of actors learns ----

TEST_F(OneToOnesTest, CompletedOneToOneTellsTheMapAboutTheCounterpartOnce) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  UpToExchange(one_to_one, {"Fewer readmissions", "Food access"}, {mv1::RELATIONSHIPS, mv1::DATA},
               mv1::STRONG);
  EXPECT_EQ(OutboxMessages(), 0);
  Complete(one_to_one, "She will call back");
  EXPECT_EQ(OutboxMessages(), 1);
  EXPECT_THAT(Observations(), IsEmpty());

  EXPECT_EQ(Deliver(), 1);
  const std::vector<mv1::RecordActorObservationRequest> observations = Observations();
  ASSERT_THAT(observations, SizeIs(1));
  EXPECT_EQ(observations[0].coalition(), a1_.name());
  EXPECT_EQ(observations[0].person(), carol_.name());
  EXPECT_EQ(observations[0].actor(), "");
  EXPECT_THAT(observations[0].interests(), ElementsAre("Fewer readmissions", "Food access"));
  EXPECT_THAT(observations[0].resources(), ElementsAre(mv1::RELATIONSHIPS, mv1::DATA));
  EXPECT_EQ(observations[0].tie_strength(), mv1::STRONG);
  EXPECT_EQ(observations[0].source(), one_to_one.name());
  // Membership applies a redelivery of the same request id once.
  EXPECT_FALSE(observations[0].request_id().empty());
  EXPECT_EQ(OutboxMessages(), 0);

  EXPECT_EQ(Deliver(), 0);
  EXPECT_THAT(Observations(), SizeIs(1));
}

TEST_F(OneToOnesTest, CompletedOneToOneWithAnActorTellsTheMapWhatItHeard) {
  mv1::Actor county;
  county.set_display_name("County health department");
  county.set_category(mv1::SUPPORTER);
  county.add_interests("Housing");
  county.add_resources(mv1::FUNDING);
  county.set_tie_strength(mv1::WEAK);
  const mv1::Actor actor = membership().AddActor(a1_.name(), county);

  v1::OneToOne one_to_one;
  ASSERT_THAT(Create(convener_a1_, NewOneToOne(alice_.name(), "", actor.name()), &one_to_one),
              IsOk());
  UpToExchange(one_to_one, {"housing", "Transport"}, {mv1::DATA}, mv1::STRONG);
  Complete(one_to_one, "Next month");
  EXPECT_EQ(Deliver(), 1);

  // What it heard, for membership to merge into the actor.
  const std::vector<mv1::RecordActorObservationRequest> observations = Observations();
  ASSERT_THAT(observations, SizeIs(1));
  EXPECT_EQ(observations[0].actor(), actor.name());
  EXPECT_EQ(observations[0].person(), "");
  EXPECT_THAT(observations[0].interests(), ElementsAre("housing", "Transport"));
  EXPECT_THAT(observations[0].resources(), ElementsAre(mv1::DATA));
  EXPECT_EQ(observations[0].tie_strength(), mv1::STRONG);
  EXPECT_EQ(observations[0].source(), one_to_one.name());
  EXPECT_EQ(Deliver(), 0);
}

TEST_F(OneToOnesTest, OneToOneInProgressTellsTheMapNothing) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  UpToExchange(one_to_one, {"Food access"}, {mv1::DATA});
  EXPECT_EQ(OutboxMessages(), 0);
  EXPECT_EQ(Deliver(), 0);
  EXPECT_THAT(Observations(), IsEmpty());
}

TEST_F(OneToOnesTest, ObservationMembershipCannotTakeNowIsDeliveredLater) {
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), carol_.name());
  UpToExchange(one_to_one, {"Food access"}, {mv1::DATA});
  Complete(one_to_one, "Later");
  membership().FailEveryCall(absl::UnavailableError("membership cannot answer"));
  EXPECT_EQ(Deliver(), 0);
  EXPECT_EQ(OutboxMessages(), 1);

  membership().FailEveryCall(absl::OkStatus());
  clock().Advance(absl::Seconds(2));  // past the first retry's backoff
  EXPECT_EQ(Deliver(), 1);
  EXPECT_THAT(Observations(), SizeIs(1));
  EXPECT_EQ(OutboxMessages(), 0);
}

}  // namespace
}  // namespace coalition::meetings::testing
