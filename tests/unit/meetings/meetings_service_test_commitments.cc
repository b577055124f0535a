// Commitments: create, read, list, update, check-in, reopen, and the due-soon, overdue,
// per-person, follow-through and overload reports.
#include <optional>
#include <string>
#include <vector>

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

constexpr absl::Duration kDay = absl::Hours(24);

google::protobuf::Duration Days(int64_t days) {
  google::protobuf::Duration duration;
  duration.set_seconds(days * 86400);
  return duration;
}

class CommitmentsTest : public MeetingsServiceTest {
 protected:
  v1::CreateCommitmentRequest NewCommitment(const std::string& coalition, const std::string& person,
                                            const std::string& what, const Date& due) {
    v1::CreateCommitmentRequest request;
    request.set_parent(coalition);
    request.mutable_commitment()->set_person(person);
    request.mutable_commitment()->set_what(what);
    *request.mutable_commitment()->mutable_due_date() = due;
    request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::MANUAL);
    return request;
  }

  grpc::Status Create(const std::string& key, const v1::CreateCommitmentRequest& request,
                      v1::Commitment* created = nullptr) {
    v1::Commitment ignored;
    return meetings().CreateCommitment(Ctx(key).get(), request,
                                       created != nullptr ? created : &ignored);
  }

  grpc::Status Get(const std::string& key, const std::string& name,
                   v1::Commitment* commitment = nullptr) {
    v1::GetCommitmentRequest request;
    request.set_name(name);
    v1::Commitment ignored;
    return meetings().GetCommitment(Ctx(key).get(), request,
                                    commitment != nullptr ? commitment : &ignored);
  }

  v1::Commitment Reload(const v1::Commitment& commitment) {
    v1::Commitment loaded;
    EXPECT_THAT(Get(admin_a_, commitment.name(), &loaded), IsOk());
    return loaded;
  }

  grpc::Status CheckIn(const std::string& key, const std::string& name,
                       v1::Commitment::Status status, const std::string& note,
                       const std::string& etag = "", v1::Commitment* changed = nullptr) {
    v1::CheckInCommitmentRequest request;
    request.set_name(name);
    request.set_etag(etag);
    request.set_status(status);
    request.set_note(note);
    v1::Commitment ignored;
    return meetings().CheckInCommitment(Ctx(key).get(), request,
                                        changed != nullptr ? changed : &ignored);
  }

  grpc::Status Reopen(const std::string& key, const std::string& name, const std::string& note,
                      std::optional<Date> due = std::nullopt, const std::string& etag = "",
                      v1::Commitment* reopened = nullptr) {
    v1::ReopenCommitmentRequest request;
    request.set_name(name);
    request.set_etag(etag);
    request.set_note(note);
    if (due) *request.mutable_due_date() = *due;
    v1::Commitment ignored;
    return meetings().ReopenCommitment(Ctx(key).get(), request,
                                       reopened != nullptr ? reopened : &ignored);
  }

  grpc::Status Update(const std::string& key, const v1::Commitment& patch,
                      const std::vector<std::string>& paths, v1::Commitment* updated = nullptr) {
    v1::UpdateCommitmentRequest request;
    *request.mutable_commitment() = patch;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::Commitment ignored;
    return meetings().UpdateCommitment(Ctx(key).get(), request,
                                       updated != nullptr ? updated : &ignored);
  }

  // Every page of a commitment list at `page_size`: the `what` of each, in order.
  template <typename Request>
  std::vector<std::string> WalkWhats(
      grpc::Status (v1::MeetingsService::Stub::*rpc)(grpc::ClientContext*, const Request&,
                                                     v1::ListCommitmentsResponse*),
      Request request, const std::string& key, int page_size = 2) {
    std::vector<std::string> whats;
    std::string token;
    int pages = 0;
    do {
      request.set_page_size(page_size);
      request.set_page_token(token);
      v1::ListCommitmentsResponse response;
      const grpc::Status status = (meetings().*rpc)(Ctx(key).get(), request, &response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(response.commitments_size(), page_size);
      for (const v1::Commitment& c : response.commitments()) whats.push_back(c.what());
      token = response.next_page_token();
    } while (!token.empty() && ++pages < 20);
    return whats;
  }

  std::vector<std::string> ListWhats(v1::ListCommitmentsRequest request,
                                     const std::string& key = "") {
    return WalkWhats(&v1::MeetingsService::Stub::ListCommitments, std::move(request),
                     key.empty() ? convener_a1_ : key);
  }

  std::vector<std::string> PersonWhats(const std::string& person, const std::string& key,
                                       v1::Commitment::Status status = {}) {
    v1::ListPersonCommitmentsRequest request;
    request.set_person(person);
    request.set_status(status);
    return WalkWhats(&v1::MeetingsService::Stub::ListPersonCommitments, request, key);
  }

  grpc::Status Overloaded(const std::string& key, int threshold,
                          v1::ListOverloadedPeopleResponse* response) {
    v1::ListOverloadedPeopleRequest request;
    request.set_parent(network_a_.name());
    request.set_threshold(threshold);
    return meetings().ListOverloadedPeople(Ctx(key).get(), request, response);
  }

  std::string MissingCommitment() const { return a1_.name() + "/commitments/doesnotexist"; }
};

// ---- CreateCommitment ----

TEST_F(CommitmentsTest, CreateCommitmentIsOpenWithItsFirstCheckIn) {
  v1::CreateCommitmentRequest request =
      NewCommitment(a1_.name(), alice_.name(), "Call three clinics", Day(5));
  request.mutable_commitment()->set_team(team_a1_.name());
  v1::Commitment created;
  ASSERT_THAT(Create(convener_a1_, request, &created), IsOk());
  EXPECT_THAT(created.name(), StartsWith(a1_.name() + "/commitments/"));
  EXPECT_EQ(created.person(), alice_.name());
  EXPECT_EQ(created.team(), team_a1_.name());
  EXPECT_EQ(created.status(), v1::Commitment::OPEN);
  EXPECT_EQ(DateToString(created.due_date()), DateToString(Day(5)));
  ASSERT_THAT(created.check_ins(), SizeIs(1));
  EXPECT_EQ(created.check_ins(0).status(), v1::Commitment::OPEN);
  EXPECT_FALSE(created.check_ins(0).recorded_by().empty());
  EXPECT_EQ(created.reopen_count(), 0);
  EXPECT_FALSE(created.etag().empty());
  EXPECT_EQ(Reload(created).etag(), created.etag());
}

TEST_F(CommitmentsTest, CreateCommitmentIgnoresOutputFieldsOfTheRequest) {
  v1::CreateCommitmentRequest request =
      NewCommitment(a1_.name(), alice_.name(), "Call three clinics", Day(5));
  request.mutable_commitment()->set_status(v1::Commitment::DONE);
  request.mutable_commitment()->set_reopen_count(2);
  *request.mutable_commitment()->mutable_done_date() = Day(0);
  v1::Commitment created;
  ASSERT_THAT(Create(convener_a1_, request, &created), IsOk());
  EXPECT_EQ(created.status(), v1::Commitment::OPEN);
  EXPECT_EQ(created.reopen_count(), 0);
  EXPECT_FALSE(created.has_done_date());
}

TEST_F(CommitmentsTest, CreateCommitmentNamesEachBadField) {
  v1::Commitment created;
  auto request = NewCommitment(a1_.name(), alice_.name(), "", Day(1));
  EXPECT_THAT(Create(convener_a1_, request, &created), InvalidArgumentOn("commitment.what"));

  request = NewCommitment(a1_.name(), alice_.name(), "Call", Day(1));
  request.mutable_commitment()->clear_due_date();
  EXPECT_THAT(Create(convener_a1_, request, &created), InvalidArgumentOn("commitment.due_date"));
  request.mutable_commitment()->mutable_due_date()->set_year(2026);
  request.mutable_commitment()->mutable_due_date()->set_month(2);
  request.mutable_commitment()->mutable_due_date()->set_day(30);
  EXPECT_THAT(Create(convener_a1_, request, &created), InvalidArgumentOn("commitment.due_date"));

  request = NewCommitment(a1_.name(), "", "Call", Day(1));
  EXPECT_THAT(Create(convener_a1_, request, &created), InvalidArgumentOn("commitment.person"));
  request = NewCommitment(a1_.name(), dana_b_.name(), "Call", Day(1));
  EXPECT_THAT(Create(convener_a1_, request, &created), InvalidArgumentOn("commitment.person"));

  request = NewCommitment(a1_.name(), alice_.name(), "Call", Day(1));
  request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::KIND_UNSPECIFIED);
  EXPECT_THAT(Create(convener_a1_, request, &created), InvalidArgumentOn("commitment.source.kind"));
  request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::MANUAL);
  request.mutable_commitment()->mutable_source()->set_resource(a1_.name() + "/meetings/m1");
  EXPECT_THAT(Create(convener_a1_, request, &created),
              InvalidArgumentOn("commitment.source.resource"));

  request = NewCommitment(a1_.name(), alice_.name(), "Call", Day(1));
  request.mutable_commitment()->set_team(a2_.name() + "/teams/t1");
  EXPECT_THAT(Create(convener_a1_, request, &created), InvalidArgumentOn("commitment.team"));

  request = NewCommitment("coalitions/a1", alice_.name(), "Call", Day(1));
  EXPECT_THAT(Create(convener_a1_, request, &created), InvalidArgumentOn("parent"));

  request = NewCommitment(a1_.name(), alice_.name(), "Call", Day(1));
  request.set_request_id("not a request id!");
  EXPECT_THAT(Create(convener_a1_, request, &created), InvalidArgumentOn("request_id"));
}

TEST_F(CommitmentsTest, PersonMustBeAnActiveMemberOfTheCoalition) {
  v1::Commitment created;
  EXPECT_THAT(
      Create(convener_a1_, NewCommitment(a1_.name(), carol_.name(), "Call", Day(1)), &created),
      InvalidArgumentOn("commitment.person"));
  // Alice is a member of a1, not of a2.
  EXPECT_THAT(
      Create(convener_a2_, NewCommitment(a2_.name(), alice_.name(), "Call", Day(1)), &created),
      InvalidArgumentOn("commitment.person"));
  EXPECT_THAT(
      Create(convener_a1_,
             NewCommitment(a1_.name(), network_a_.name() + "/people/nobody", "Call", Day(1)),
             &created),
      InvalidArgumentOn("commitment.person"));
}

TEST_F(CommitmentsTest, TeamMustExist) {
  auto request = NewCommitment(a1_.name(), alice_.name(), "Call", Day(1));
  request.mutable_commitment()->set_team(a1_.name() + "/teams/doesnotexist");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("commitment.team"));
}

TEST_F(CommitmentsTest, MeetingOrOneToOneSourceMustExist) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "January meeting", clock().Now() + kDay);
  const v1::OneToOne one_to_one = CreateOneToOne(a1_.name(), alice_.name(), bob_.name());

  auto request = NewCommitment(a1_.name(), alice_.name(), "Call", Day(1));
  request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::MEETING);
  request.mutable_commitment()->mutable_source()->set_resource(a1_.name() + "/meetings/nope");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("commitment.source.resource"));
  request.mutable_commitment()->mutable_source()->set_resource(meeting.name());
  v1::Commitment from_meeting;
  ASSERT_THAT(Create(convener_a1_, request, &from_meeting), IsOk());
  EXPECT_EQ(from_meeting.source().resource(), meeting.name());

  request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::ONE_TO_ONE);
  request.mutable_commitment()->mutable_source()->set_resource(a1_.name() + "/oneToOnes/nope");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("commitment.source.resource"));
  request.mutable_commitment()->mutable_source()->set_resource(one_to_one.name());
  EXPECT_THAT(Create(convener_a1_, request), IsOk());

  // A meeting of another coalition is not a source here.
  const v1::Meeting elsewhere = CreateMeeting(a2_.name(), "a2 meeting", clock().Now() + kDay,
                                              v1::Meeting::COALITION, "", convener_a2_);
  request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::MEETING);
  request.mutable_commitment()->mutable_source()->set_resource(elsewhere.name());
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("commitment.source.resource"));
}

TEST_F(CommitmentsTest, RetriedCreateReturnsTheFirstCommitment) {
  auto request = NewCommitment(a1_.name(), alice_.name(), "Call three clinics", Day(3));
  request.set_request_id("6f1d8c1e-4a36-4d0e-9a55-0f6f3c2b8a11");
  v1::Commitment first;
  v1::Commitment second;
  ASSERT_THAT(Create(convener_a1_, request, &first), IsOk());
  ASSERT_THAT(Create(convener_a1_, request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());

  v1::ListCommitmentsRequest list;
  list.set_parent(a1_.name());
  EXPECT_THAT(ListWhats(list), ElementsAre("Call three clinics"));
  const auto events = MeetingsAuditEvents(network_a_.name(), first.name());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].method(), "coalition.meetings.v1.MeetingsService/CreateCommitment");
}

TEST_F(CommitmentsTest, MembershipUnableToAnswerMakesCreateUnavailableAndWritesNothing) {
  membership().FailEveryCall(absl::UnavailableError("membership cannot answer"));
  EXPECT_THAT(Create(convener_a1_, NewCommitment(a1_.name(), alice_.name(), "Call", Day(1))),
              HasCode(grpc::StatusCode::UNAVAILABLE));

  membership().FailEveryCall(absl::OkStatus());
  v1::ListCommitmentsRequest list;
  list.set_parent(a1_.name());
  EXPECT_THAT(ListWhats(list), IsEmpty());
}

TEST_F(CommitmentsTest, RequestIdOfAnotherCoalitionDoesNotReturnItsCommitment) {
  auto request = NewCommitment(a1_.name(), alice_.name(), "a1 only", Day(3));
  request.set_request_id("shared-request");
  v1::Commitment first;
  ASSERT_THAT(Create(convener_a1_, request, &first), IsOk());
  const mv1::Person eve = CreateMemberPerson(a2_.name(), "Eve Park");
  request = NewCommitment(a2_.name(), eve.name(), "a2", Day(3));
  request.set_request_id("shared-request");
  v1::Commitment second;
  EXPECT_THAT(Create(convener_a2_, request, &second), InvalidArgumentOn("request_id"));
  EXPECT_NE(second.name(), first.name());
  EXPECT_NE(second.what(), "a1 only");
}

TEST_F(CommitmentsTest, ServiceAccountOfTheNetworkMayCreateCommitments) {
  // How the decisions and assessment services record the commitments they produce.
  auto request = NewCommitment(a1_.name(), bob_.name(), "Carry out the decision", Day(14));
  request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::DECISION);
  request.mutable_commitment()->mutable_source()->set_resource(a1_.name() + "/decisions/d1");
  request.set_request_id("decision-d1-commitment-0");
  v1::Commitment created;
  ASSERT_THAT(Create(service_a_, request, &created), IsOk());
  EXPECT_EQ(created.source().kind(), v1::CommitmentSource::DECISION);

  EXPECT_THAT(Create(ServiceAccountKey(network_b_.name()), request),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(CommitmentsTest, CreateCommitmentChecksTheCaller) {
  const auto request = NewCommitment(a1_.name(), alice_.name(), "Call", Day(1));
  v1::Commitment created;
  EXPECT_THAT(meetings().CreateCommitment(AnonymousCtx().get(), request, &created),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Create(admin_b_, request), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Create(convener_a2_, request), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Create(OperatorKey(network_a_.name()), request),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Create(admin_a_, request), IsOk());
}

TEST_F(CommitmentsTest, MemberMayCreateOnlyTheirOwnCommitments) {
  v1::Commitment own;
  ASSERT_THAT(Create(alice_key_, NewCommitment(a1_.name(), alice_.name(), "Call", Day(1)), &own),
              IsOk());
  EXPECT_EQ(own.person(), alice_.name());
  EXPECT_THAT(Create(alice_key_, NewCommitment(a1_.name(), bob_.name(), "Call", Day(1))),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Create(alice_key_, NewCommitment(a2_.name(), alice_.name(), "Call", Day(1))),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(CommitmentsTest, CreateCommitmentIsAudited) {
  const v1::Commitment created =
      CreateCommitment(a1_.name(), alice_.name(), "Call three clinics", Day(3));
  const auto events = MeetingsAuditEvents(network_a_.name(), created.name());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].resource(), created.name());
  EXPECT_THAT(events[0].summary(), StartsWith("commitment due "));
  EXPECT_FALSE(events[0].actor().empty());
}

// ---- GetCommitment ----

TEST_F(CommitmentsTest, GetCommitmentReturnsItToReadersOfTheCoalition) {
  const v1::Commitment created = CreateCommitment(a1_.name(), bob_.name(), "Call", Day(3));
  for (const std::string& key : {admin_a_, convener_a1_, alice_key_, service_a_}) {
    v1::Commitment loaded;
    ASSERT_THAT(Get(key, created.name(), &loaded), IsOk());
    EXPECT_EQ(loaded.name(), created.name());
    EXPECT_EQ(loaded.what(), "Call");
    EXPECT_EQ(loaded.etag(), created.etag());
  }
}

TEST_F(CommitmentsTest, GetCommitmentErrors) {
  const v1::Commitment created = CreateCommitment(a1_.name(), bob_.name(), "Call", Day(3));
  EXPECT_THAT(Get(admin_a_, MissingCommitment()), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Get(admin_a_, a1_.name() + "/meetings/x"), InvalidArgumentOn("name"));
  v1::GetCommitmentRequest request;
  request.set_name(created.name());
  v1::Commitment loaded;
  EXPECT_THAT(meetings().GetCommitment(AnonymousCtx().get(), request, &loaded),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Get(admin_b_, created.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Get(convener_a2_, created.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

// ---- ListCommitments ----

TEST_F(CommitmentsTest, ListCommitmentsIsOrderedByDueDateAcrossPages) {
  CreateCommitment(a1_.name(), alice_.name(), "third", Day(9));
  CreateCommitment(a1_.name(), bob_.name(), "first", Day(1));
  CreateCommitment(a1_.name(), alice_.name(), "fifth", Day(30));
  CreateCommitment(a1_.name(), bob_.name(), "second", Day(4));
  CreateCommitment(a1_.name(), alice_.name(), "fourth", Day(12));
  CreateCommitment(a2_.name(), CreateMemberPerson(a2_.name(), "Eve Park").name(), "other", Day(2),
                   {}, convener_a2_);
  v1::ListCommitmentsRequest request;
  request.set_parent(a1_.name());
  EXPECT_THAT(ListWhats(request), ElementsAre("first", "second", "third", "fourth", "fifth"));
  EXPECT_THAT(ListWhats(request, alice_key_),
              ElementsAre("first", "second", "third", "fourth", "fifth"));
}

TEST_F(CommitmentsTest, ListCommitmentsFilters) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "January", clock().Now() + kDay);
  v1::CommitmentSource from_meeting;
  from_meeting.set_kind(v1::CommitmentSource::MEETING);
  from_meeting.set_resource(meeting.name());
  const v1::Commitment done = CreateCommitment(a1_.name(), alice_.name(), "done", Day(1));
  SetStatus(done, v1::Commitment::DONE);
  CreateCommitment(a1_.name(), alice_.name(), "alice's meeting", Day(2), from_meeting);
  CreateCommitment(a1_.name(), bob_.name(), "bob's meeting", Day(3), from_meeting);
  auto with_team = NewCommitment(a1_.name(), bob_.name(), "bob's team", Day(4));
  with_team.mutable_commitment()->set_team(team_a1_.name());
  ASSERT_THAT(Create(convener_a1_, with_team), IsOk());

  v1::ListCommitmentsRequest request;
  request.set_parent(a1_.name());
  request.set_status(v1::Commitment::DONE);
  EXPECT_THAT(ListWhats(request), ElementsAre("done"));
  request.set_status(v1::Commitment::OPEN);
  EXPECT_THAT(ListWhats(request), ElementsAre("alice's meeting", "bob's meeting", "bob's team"));

  request.Clear();
  request.set_parent(a1_.name());
  request.set_person(bob_.name());
  EXPECT_THAT(ListWhats(request), ElementsAre("bob's meeting", "bob's team"));

  request.Clear();
  request.set_parent(a1_.name());
  request.set_team(team_a1_.name());
  EXPECT_THAT(ListWhats(request), ElementsAre("bob's team"));

  request.Clear();
  request.set_parent(a1_.name());
  request.set_source_kind(v1::CommitmentSource::MEETING);
  EXPECT_THAT(ListWhats(request), ElementsAre("alice's meeting", "bob's meeting"));
  request.set_source_kind(v1::CommitmentSource::MANUAL);
  EXPECT_THAT(ListWhats(request), ElementsAre("done", "bob's team"));

  request.Clear();
  request.set_parent(a1_.name());
  request.set_source(meeting.name());
  request.set_person(alice_.name());
  EXPECT_THAT(ListWhats(request), ElementsAre("alice's meeting"));
}

TEST_F(CommitmentsTest, ListCommitmentsValidatesFiltersAndTokens) {
  v1::ListCommitmentsRequest request;
  request.set_parent(a1_.name());
  v1::ListCommitmentsResponse response;
  request.set_status(static_cast<v1::Commitment::Status>(42));
  EXPECT_THAT(meetings().ListCommitments(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("status"));
  request.Clear();
  request.set_parent(a1_.name());
  request.set_person("people/alice");
  EXPECT_THAT(meetings().ListCommitments(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("person"));
  request.Clear();
  request.set_parent(a1_.name());
  request.set_team(a2_.name() + "/teams/t");
  EXPECT_THAT(meetings().ListCommitments(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("team"));
  request.Clear();
  request.set_parent(a1_.name());
  request.set_page_size(-1);
  EXPECT_THAT(meetings().ListCommitments(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_size"));

  // A token is bound to its query.
  for (int i = 0; i < 3; ++i) CreateCommitment(a1_.name(), alice_.name(), "c", Day(i));
  request.Clear();
  request.set_parent(a1_.name());
  request.set_page_size(1);
  ASSERT_THAT(meetings().ListCommitments(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_person(alice_.name());
  EXPECT_THAT(meetings().ListCommitments(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(CommitmentsTest, ListCommitmentsChecksTheCaller) {
  v1::ListCommitmentsRequest request;
  request.set_parent(a1_.name());
  v1::ListCommitmentsResponse response;
  EXPECT_THAT(meetings().ListCommitments(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(meetings().ListCommitments(Ctx(admin_b_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().ListCommitments(Ctx(convener_a2_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

// ---- UpdateCommitment ----

TEST_F(CommitmentsTest, UpdateCommitmentChangesWhatDueDateAndTeam) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  CreateCommitment(a1_.name(), bob_.name(), "Visit", Day(5));
  v1::Commitment patch;
  patch.set_name(created.name());
  patch.set_etag(created.etag());
  patch.set_what("Call five clinics");
  *patch.mutable_due_date() = Day(10);
  patch.set_team(team_a1_.name());
  v1::Commitment updated;
  ASSERT_THAT(Update(convener_a1_, patch, {"what", "due_date", "team"}, &updated), IsOk());
  EXPECT_EQ(updated.what(), "Call five clinics");
  EXPECT_EQ(DateToString(updated.due_date()), DateToString(Day(10)));
  EXPECT_EQ(updated.team(), team_a1_.name());
  EXPECT_NE(updated.etag(), created.etag());
  EXPECT_EQ(Reload(created).etag(), updated.etag());
  EXPECT_EQ(Reload(created).what(), "Call five clinics");

  // The new due date moves it in the due-date order.
  v1::ListCommitmentsRequest list;
  list.set_parent(a1_.name());
  EXPECT_THAT(ListWhats(list), ElementsAre("Visit", "Call five clinics"));

  std::vector<std::string> methods;
  for (const auto& event : MeetingsAuditEvents(network_a_.name(), created.name())) {
    methods.push_back(event.method());
  }
  EXPECT_THAT(methods,
              UnorderedElementsAre("coalition.meetings.v1.MeetingsService/CreateCommitment",
                                   "coalition.meetings.v1.MeetingsService/UpdateCommitment"));
}

TEST_F(CommitmentsTest, UpdateCommitmentTakesOnlyTheMaskedFields) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  v1::Commitment patch;
  patch.set_name(created.name());
  patch.set_what("Call again");
  patch.set_person(bob_.name());
  v1::Commitment updated;
  ASSERT_THAT(Update(convener_a1_, patch, {"what"}, &updated), IsOk());
  EXPECT_EQ(updated.what(), "Call again");
  EXPECT_EQ(updated.person(), alice_.name());
  EXPECT_EQ(DateToString(updated.due_date()), DateToString(Day(3)));

  EXPECT_THAT(Update(convener_a1_, patch, {"person"}), InvalidArgumentOn("update_mask"));
  EXPECT_THAT(Update(convener_a1_, patch, {"status"}), InvalidArgumentOn("update_mask"));
}

TEST_F(CommitmentsTest, UpdateCommitmentValidates) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  v1::Commitment patch;
  patch.set_name(created.name());
  EXPECT_THAT(Update(convener_a1_, patch, {"what"}), InvalidArgumentOn("commitment.what"));
  patch.mutable_due_date()->set_year(2026);
  patch.mutable_due_date()->set_month(13);
  patch.mutable_due_date()->set_day(1);
  EXPECT_THAT(Update(convener_a1_, patch, {"due_date"}), InvalidArgumentOn("commitment.due_date"));
  patch.set_team(a2_.name() + "/teams/x");
  EXPECT_THAT(Update(convener_a1_, patch, {"team"}), InvalidArgumentOn("commitment.team"));
  patch.set_team(a1_.name() + "/teams/doesnotexist");
  EXPECT_THAT(Update(convener_a1_, patch, {"team"}), InvalidArgumentOn("commitment.team"));
  patch.set_name(a1_.name() + "/meetings/x");
  EXPECT_THAT(Update(convener_a1_, patch, {"what"}), InvalidArgumentOn("commitment.name"));
  patch.set_name(MissingCommitment());
  patch.set_what("x");
  EXPECT_THAT(Update(convener_a1_, patch, {"what"}), HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(CommitmentsTest, UpdateCommitmentWithAStaleEtagIsAborted) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  v1::Commitment patch;
  patch.set_name(created.name());
  patch.set_etag(created.etag());
  patch.set_what("first change");
  ASSERT_THAT(Update(convener_a1_, patch, {"what"}), IsOk());
  patch.set_what("second change from a stale read");
  EXPECT_THAT(Update(convener_a1_, patch, {"what"}), HasCode(grpc::StatusCode::ABORTED));
  EXPECT_EQ(Reload(created).what(), "first change");
}

TEST_F(CommitmentsTest, OnlyAnOpenCommitmentCanBeUpdated) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  SetStatus(created, v1::Commitment::DONE);
  v1::Commitment patch;
  patch.set_name(created.name());
  patch.set_what("changed after the fact");
  EXPECT_THAT(Update(convener_a1_, patch, {"what"}),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(CommitmentsTest, UpdateCommitmentChecksTheCaller) {
  const v1::Commitment alices = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  const v1::Commitment bobs = CreateCommitment(a1_.name(), bob_.name(), "Visit", Day(3));
  v1::Commitment patch;
  patch.set_name(alices.name());
  patch.set_what("changed");
  v1::UpdateCommitmentRequest request;
  *request.mutable_commitment() = patch;
  request.mutable_update_mask()->add_paths("what");
  v1::Commitment updated;
  EXPECT_THAT(meetings().UpdateCommitment(AnonymousCtx().get(), request, &updated),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Update(admin_b_, patch, {"what"}), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Update(convener_a2_, patch, {"what"}), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Update(alice_key_, patch, {"what"}), IsOk());
  patch.set_name(bobs.name());
  EXPECT_THAT(Update(alice_key_, patch, {"what"}), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(Reload(bobs).what(), "Visit");
}

// ---- CheckInCommitment ----

TEST_F(CommitmentsTest, CheckInDoneKeepsTheHistory) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "January", clock().Now() + kDay);
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  v1::Commitment noted;
  ASSERT_THAT(CheckIn(convener_a1_, created.name(), v1::Commitment::STATUS_UNSPECIFIED,
                      "two of three called", created.etag(), &noted),
              IsOk());
  EXPECT_EQ(noted.status(), v1::Commitment::OPEN);
  clock().Advance(kDay);
  v1::CheckInCommitmentRequest request;
  request.set_name(created.name());
  request.set_etag(noted.etag());
  request.set_status(v1::Commitment::DONE);
  request.set_meeting(meeting.name());
  v1::Commitment done;
  ASSERT_THAT(meetings().CheckInCommitment(Ctx(convener_a1_).get(), request, &done), IsOk());
  EXPECT_EQ(done.status(), v1::Commitment::DONE);
  EXPECT_EQ(DateToString(done.done_date()), DateToString(Day(0)));
  ASSERT_THAT(done.check_ins(), SizeIs(3));
  EXPECT_EQ(done.check_ins(1).note(), "two of three called");
  EXPECT_EQ(done.check_ins(1).status(), v1::Commitment::OPEN);
  EXPECT_EQ(done.check_ins(2).status(), v1::Commitment::DONE);
  EXPECT_EQ(done.check_ins(2).meeting(), meeting.name());
  EXPECT_EQ(Reload(created).check_ins_size(), 3);
  EXPECT_EQ(MeetingsAuditEvents(network_a_.name(), created.name()).size(), 3u);
}

TEST_F(CommitmentsTest, MissedAndReleasedNeedANote) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  EXPECT_THAT(CheckIn(convener_a1_, created.name(), v1::Commitment::MISSED, ""),
              InvalidArgumentOn("note"));
  EXPECT_THAT(CheckIn(convener_a1_, created.name(), v1::Commitment::RELEASED, "  "),
              InvalidArgumentOn("note"));
  EXPECT_THAT(CheckIn(convener_a1_, created.name(), v1::Commitment::STATUS_UNSPECIFIED, ""),
              InvalidArgumentOn("note"));
  v1::Commitment missed;
  ASSERT_THAT(CheckIn(convener_a1_, created.name(), v1::Commitment::MISSED, "the clinic closed", "",
                      &missed),
              IsOk());
  EXPECT_EQ(missed.status(), v1::Commitment::MISSED);
  EXPECT_EQ(missed.status_note(), "the clinic closed");
}

TEST_F(CommitmentsTest, CheckInFollowsTheStatusTransitions) {
  const v1::Commitment a = CreateCommitment(a1_.name(), alice_.name(), "a", Day(3));
  // OPEN is not a check-in status.
  EXPECT_THAT(CheckIn(convener_a1_, a.name(), v1::Commitment::OPEN, "again"),
              InvalidArgumentOn("status"));
  EXPECT_THAT(CheckIn(convener_a1_, a.name(), static_cast<v1::Commitment::Status>(9), "x"),
              InvalidArgumentOn("status"));
  // MISSED -> DONE (late) is allowed; DONE is settled.
  ASSERT_THAT(CheckIn(convener_a1_, a.name(), v1::Commitment::MISSED, "late"), IsOk());
  ASSERT_THAT(CheckIn(convener_a1_, a.name(), v1::Commitment::STATUS_UNSPECIFIED, "still on it"),
              IsOk());
  ASSERT_THAT(CheckIn(convener_a1_, a.name(), v1::Commitment::DONE, ""), IsOk());
  EXPECT_THAT(CheckIn(convener_a1_, a.name(), v1::Commitment::MISSED, "oops"),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_THAT(CheckIn(convener_a1_, a.name(), v1::Commitment::RELEASED, "oops"),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_THAT(CheckIn(convener_a1_, a.name(), v1::Commitment::STATUS_UNSPECIFIED, "a note"),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));

  // RELEASED is settled too.
  const v1::Commitment b = CreateCommitment(a1_.name(), alice_.name(), "b", Day(3));
  ASSERT_THAT(CheckIn(convener_a1_, b.name(), v1::Commitment::RELEASED, "handed back"), IsOk());
  EXPECT_THAT(CheckIn(convener_a1_, b.name(), v1::Commitment::DONE, ""),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(Reload(b).status(), v1::Commitment::RELEASED);
}

TEST_F(CommitmentsTest, CheckInErrors) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  EXPECT_THAT(CheckIn(convener_a1_, MissingCommitment(), v1::Commitment::DONE, ""),
              HasCode(grpc::StatusCode::NOT_FOUND));
  ASSERT_THAT(CheckIn(convener_a1_, created.name(), v1::Commitment::STATUS_UNSPECIFIED, "note"),
              IsOk());
  EXPECT_THAT(CheckIn(convener_a1_, created.name(), v1::Commitment::DONE, "", created.etag()),
              HasCode(grpc::StatusCode::ABORTED));
  v1::CheckInCommitmentRequest request;
  request.set_name(created.name());
  request.set_status(v1::Commitment::DONE);
  request.set_meeting(a2_.name() + "/meetings/m");
  v1::Commitment changed;
  EXPECT_THAT(meetings().CheckInCommitment(Ctx(convener_a1_).get(), request, &changed),
              InvalidArgumentOn("meeting"));
  EXPECT_EQ(Reload(created).status(), v1::Commitment::OPEN);
}

TEST_F(CommitmentsTest, CheckInAtAMeetingThatDoesNotExistIsRefused) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  v1::CheckInCommitmentRequest request;
  request.set_name(created.name());
  request.set_note("checked");
  request.set_meeting(a1_.name() + "/meetings/doesnotexist");
  v1::Commitment changed;
  EXPECT_THAT(meetings().CheckInCommitment(Ctx(convener_a1_).get(), request, &changed),
              InvalidArgumentOn("meeting"));
  EXPECT_EQ(Reload(created).check_ins_size(), 1);
}

TEST_F(CommitmentsTest, CheckInChecksTheCaller) {
  const v1::Commitment alices = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  const v1::Commitment bobs = CreateCommitment(a1_.name(), bob_.name(), "Visit", Day(3));
  v1::CheckInCommitmentRequest request;
  request.set_name(alices.name());
  request.set_status(v1::Commitment::DONE);
  v1::Commitment changed;
  EXPECT_THAT(meetings().CheckInCommitment(AnonymousCtx().get(), request, &changed),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(CheckIn(admin_b_, alices.name(), v1::Commitment::DONE, ""),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(CheckIn(convener_a2_, alices.name(), v1::Commitment::DONE, ""),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(CheckIn(alice_key_, bobs.name(), v1::Commitment::DONE, ""),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(CheckIn(alice_key_, alices.name(), v1::Commitment::DONE, ""), IsOk());
  EXPECT_EQ(Reload(bobs).status(), v1::Commitment::OPEN);
}

// ---- ReopenCommitment ----

TEST_F(CommitmentsTest, ReopenMakesItOpenAgainWithoutTheDoneDate) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  const v1::Commitment done = SetStatus(created, v1::Commitment::DONE);
  ASSERT_TRUE(done.has_done_date());
  v1::Commitment reopened;
  ASSERT_THAT(Reopen(convener_a1_, created.name(), "one clinic never answered", std::nullopt,
                     done.etag(), &reopened),
              IsOk());
  EXPECT_EQ(reopened.status(), v1::Commitment::OPEN);
  EXPECT_FALSE(reopened.has_done_date());
  EXPECT_EQ(reopened.reopen_count(), 1);
  EXPECT_EQ(reopened.status_note(), "one clinic never answered");
  ASSERT_THAT(reopened.check_ins(), SizeIs(3));
  EXPECT_EQ(reopened.check_ins(2).status(), v1::Commitment::OPEN);
  EXPECT_EQ(DateToString(reopened.due_date()), DateToString(Day(3)));
}

TEST_F(CommitmentsTest, ReopenNeedsANoteAndANewDueDateOnceTheOldOnePassed) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(1));
  SetStatus(created, v1::Commitment::MISSED, "no time");
  EXPECT_THAT(Reopen(convener_a1_, created.name(), ""), InvalidArgumentOn("note"));
  clock().Advance(3 * kDay);
  EXPECT_THAT(Reopen(convener_a1_, created.name(), "trying again"), InvalidArgumentOn("due_date"));
  EXPECT_THAT(Reopen(convener_a1_, created.name(), "trying again", Day(-1)),
              InvalidArgumentOn("due_date"));
  Date bad;
  bad.set_year(2026);
  bad.set_month(4);
  bad.set_day(31);
  EXPECT_THAT(Reopen(convener_a1_, created.name(), "trying again", bad),
              InvalidArgumentOn("due_date"));
  v1::Commitment reopened;
  ASSERT_THAT(Reopen(convener_a1_, created.name(), "trying again", Day(0), "", &reopened), IsOk());
  EXPECT_EQ(DateToString(reopened.due_date()), DateToString(Day(0)));
}

TEST_F(CommitmentsTest, ReopenAtMostThreeTimes) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  EXPECT_THAT(Reopen(convener_a1_, created.name(), "it is open"),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  for (int i = 1; i <= 3; ++i) {
    SetStatus(created, v1::Commitment::DONE);
    v1::Commitment reopened;
    ASSERT_THAT(Reopen(convener_a1_, created.name(), absl::StrCat("again ", i), std::nullopt, "",
                       &reopened),
                IsOk());
    EXPECT_EQ(reopened.reopen_count(), i);
  }
  SetStatus(created, v1::Commitment::DONE);
  EXPECT_THAT(Reopen(convener_a1_, created.name(), "a fourth time"),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(Reload(created).status(), v1::Commitment::DONE);
}

TEST_F(CommitmentsTest, ReopenErrorsAndCallers) {
  const v1::Commitment alices = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(3));
  const v1::Commitment bobs = CreateCommitment(a1_.name(), bob_.name(), "Visit", Day(3));
  const v1::Commitment done = SetStatus(alices, v1::Commitment::DONE);
  SetStatus(bobs, v1::Commitment::DONE);
  EXPECT_THAT(Reopen(convener_a1_, MissingCommitment(), "why"),
              HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Reopen(convener_a1_, alices.name(), "why", std::nullopt, alices.etag()),
              HasCode(grpc::StatusCode::ABORTED));
  v1::ReopenCommitmentRequest request;
  request.set_name(alices.name());
  request.set_note("why");
  v1::Commitment reopened;
  EXPECT_THAT(meetings().ReopenCommitment(AnonymousCtx().get(), request, &reopened),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Reopen(admin_b_, alices.name(), "why"), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Reopen(convener_a2_, alices.name(), "why"),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Reopen(alice_key_, bobs.name(), "why"), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Reopen(alice_key_, alices.name(), "not finished", std::nullopt, done.etag()), IsOk());
}

// ---- Due soon and overdue ----

TEST_F(CommitmentsTest, DueSoonListsOpenCommitmentsDueWithinSevenDaysByDefault) {
  CreateCommitment(a1_.name(), alice_.name(), "yesterday", Day(-1));
  CreateCommitment(a1_.name(), alice_.name(), "in a week", Day(7));
  CreateCommitment(a1_.name(), alice_.name(), "today", Day(0));
  CreateCommitment(a1_.name(), bob_.name(), "in eight days", Day(8));
  CreateCommitment(a1_.name(), bob_.name(), "in three days", Day(3));
  CreateCommitment(a1_.name(), bob_.name(), "in thirty days", Day(30));
  SetStatus(CreateCommitment(a1_.name(), bob_.name(), "done", Day(2)), v1::Commitment::DONE);
  CreateCommitment(a2_.name(), CreateMemberPerson(a2_.name(), "Eve Park").name(), "a2", Day(1), {},
                   convener_a2_);

  v1::ListDueSoonCommitmentsRequest request;
  request.set_parent(a1_.name());
  EXPECT_THAT(WalkWhats(&v1::MeetingsService::Stub::ListDueSoonCommitments, request, convener_a1_),
              ElementsAre("today", "in three days", "in a week"));
  *request.mutable_within() = Days(30);
  EXPECT_THAT(
      WalkWhats(&v1::MeetingsService::Stub::ListDueSoonCommitments, request, alice_key_),
      ElementsAre("today", "in three days", "in a week", "in eight days", "in thirty days"));
  *request.mutable_within() = Days(1);
  EXPECT_THAT(
      WalkWhats(&v1::MeetingsService::Stub::ListDueSoonCommitments, request, convener_a1_, 1),
      ElementsAre("today"));
  *request.mutable_within() = Days(90);
  EXPECT_THAT(WalkWhats(&v1::MeetingsService::Stub::ListDueSoonCommitments, request, admin_a_),
              SizeIs(5));

  // The horizon moves with the clock.
  clock().Advance(2 * kDay);
  request.clear_within();
  EXPECT_THAT(WalkWhats(&v1::MeetingsService::Stub::ListDueSoonCommitments, request, admin_a_),
              ElementsAre("in three days", "in a week", "in eight days"));
}

TEST_F(CommitmentsTest, DueSoonWithinMustBeWholeDaysUpToNinety) {
  v1::ListDueSoonCommitmentsRequest request;
  request.set_parent(a1_.name());
  v1::ListCommitmentsResponse response;
  for (const int64_t seconds :
       {int64_t{0}, int64_t{-86400}, int64_t{36 * 3600}, int64_t{91 * 86400}}) {
    request.mutable_within()->set_seconds(seconds);
    EXPECT_THAT(meetings().ListDueSoonCommitments(Ctx(admin_a_).get(), request, &response),
                InvalidArgumentOn("within"))
        << seconds;
  }
  request.mutable_within()->set_seconds(86400);
  request.mutable_within()->set_nanos(1);
  EXPECT_THAT(meetings().ListDueSoonCommitments(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("within"));
}

TEST_F(CommitmentsTest, DueSoonChecksTheCaller) {
  v1::ListDueSoonCommitmentsRequest request;
  request.set_parent(a1_.name());
  v1::ListCommitmentsResponse response;
  EXPECT_THAT(meetings().ListDueSoonCommitments(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(meetings().ListDueSoonCommitments(Ctx(admin_b_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().ListDueSoonCommitments(Ctx(convener_a2_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  request.set_parent("networks/x");
  EXPECT_THAT(meetings().ListDueSoonCommitments(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("parent"));
}

TEST_F(CommitmentsTest, OverdueListsOpenCommitmentsWhoseDueDatePassed) {
  CreateCommitment(a1_.name(), alice_.name(), "due in two days", Day(2));
  CreateCommitment(a1_.name(), bob_.name(), "due tomorrow", Day(1));
  CreateCommitment(a1_.name(), bob_.name(), "due in four days", Day(4));
  CreateCommitment(a1_.name(), alice_.name(), "due in five days", Day(5));
  SetStatus(CreateCommitment(a1_.name(), bob_.name(), "done", Day(1)), v1::Commitment::DONE);
  SetStatus(CreateCommitment(a1_.name(), bob_.name(), "missed", Day(1)), v1::Commitment::MISSED,
            "too busy");

  v1::ListOverdueCommitmentsRequest request;
  request.set_parent(a1_.name());
  EXPECT_THAT(WalkWhats(&v1::MeetingsService::Stub::ListOverdueCommitments, request, admin_a_),
              IsEmpty());
  clock().Advance(4 * kDay);
  // Due today is not overdue yet.
  EXPECT_THAT(
      WalkWhats(&v1::MeetingsService::Stub::ListOverdueCommitments, request, convener_a1_, 1),
      ElementsAre("due tomorrow", "due in two days"));
  EXPECT_THAT(WalkWhats(&v1::MeetingsService::Stub::ListOverdueCommitments, request, alice_key_),
              SizeIs(2));

  v1::ListCommitmentsResponse response;
  EXPECT_THAT(meetings().ListOverdueCommitments(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(meetings().ListOverdueCommitments(Ctx(admin_b_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().ListOverdueCommitments(Ctx(convener_a2_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

// ---- ListPersonCommitments ----

class PersonCommitmentsTest : public CommitmentsTest {
 protected:
  void SetUp() override {
    CommitmentsTest::SetUp();
    if (HasFatalFailure()) return;
    CreateMembership(a2_.name(), alice_.name());
    CreateCommitment(a1_.name(), alice_.name(), "a1 later", Day(9));
    CreateCommitment(a2_.name(), alice_.name(), "a2 soon", Day(2), {}, convener_a2_);
    SetStatus(CreateCommitment(a1_.name(), alice_.name(), "a1 done", Day(4)), v1::Commitment::DONE);
    CreateCommitment(a2_.name(), alice_.name(), "a2 later", Day(12), {}, convener_a2_);
    CreateCommitment(a1_.name(), bob_.name(), "bob's", Day(1));
    ASSERT_FALSE(HasFailure());
  }
};

TEST_F(PersonCommitmentsTest, AdminSeesEveryCoalitionByDueDate) {
  EXPECT_THAT(PersonWhats(alice_.name(), admin_a_),
              ElementsAre("a2 soon", "a1 done", "a1 later", "a2 later"));
  EXPECT_THAT(PersonWhats(alice_.name(), admin_a_, v1::Commitment::OPEN),
              ElementsAre("a2 soon", "a1 later", "a2 later"));
  EXPECT_THAT(PersonWhats(alice_.name(), service_a_, v1::Commitment::DONE), ElementsAre("a1 done"));
  EXPECT_THAT(PersonWhats(carol_.name(), admin_a_), IsEmpty());
}

TEST_F(PersonCommitmentsTest, ConvenerSeesOnlyTheirCoalitions) {
  EXPECT_THAT(PersonWhats(alice_.name(), convener_a1_), ElementsAre("a1 done", "a1 later"));
  EXPECT_THAT(PersonWhats(alice_.name(), convener_a2_), ElementsAre("a2 soon", "a2 later"));
}

TEST_F(PersonCommitmentsTest, MemberSeesOnlyThemself) {
  EXPECT_THAT(PersonWhats(alice_.name(), alice_key_), ElementsAre("a1 done", "a1 later"));
  v1::ListPersonCommitmentsRequest request;
  request.set_person(bob_.name());
  v1::ListCommitmentsResponse response;
  EXPECT_THAT(meetings().ListPersonCommitments(Ctx(alice_key_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(PersonCommitmentsTest, ListPersonCommitmentsErrors) {
  v1::ListPersonCommitmentsRequest request;
  request.set_person(alice_.name());
  v1::ListCommitmentsResponse response;
  EXPECT_THAT(meetings().ListPersonCommitments(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(meetings().ListPersonCommitments(Ctx(admin_b_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  request.set_status(static_cast<v1::Commitment::Status>(17));
  EXPECT_THAT(meetings().ListPersonCommitments(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("status"));
  request.Clear();
  request.set_person(a1_.name());
  EXPECT_THAT(meetings().ListPersonCommitments(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("person"));
}

// ---- GetFollowThroughReport ----

const v1::FollowThroughRate* RateOf(
    const google::protobuf::RepeatedPtrField<v1::FollowThroughRate>& rates,
    const std::string& subject) {
  for (const v1::FollowThroughRate& rate : rates) {
    if (rate.subject() == subject) return &rate;
  }
  return nullptr;
}

TEST_F(CommitmentsTest, FollowThroughReportCountsPerCoalitionTeamAndPerson) {
  const Date start = Day(0);
  const Date end = Day(30);
  auto with_team = [&](const std::string& person, const std::string& what, const Date& due) {
    auto request = NewCommitment(a1_.name(), person, what, due);
    request.mutable_commitment()->set_team(team_a1_.name());
    v1::Commitment created;
    EXPECT_THAT(Create(convener_a1_, request, &created), IsOk());
    return created;
  };
  SetStatus(with_team(alice_.name(), "on time", Day(1)), v1::Commitment::DONE);
  with_team(alice_.name(), "left open", Day(2));
  CreateCommitment(a1_.name(), alice_.name(), "pending", Day(20));
  SetStatus(CreateCommitment(a1_.name(), bob_.name(), "missed", Day(2)), v1::Commitment::MISSED,
            "no time");
  SetStatus(CreateCommitment(a1_.name(), bob_.name(), "released", Day(1)), v1::Commitment::RELEASED,
            "handed to Alice");
  const v1::Commitment late = CreateCommitment(a1_.name(), bob_.name(), "late", Day(2));
  CreateCommitment(a1_.name(), bob_.name(), "after the window", Day(40));
  clock().Advance(5 * kDay);
  SetStatus(late, v1::Commitment::DONE);

  v1::GetFollowThroughReportRequest request;
  request.set_parent(a1_.name());
  *request.mutable_window()->mutable_start_date() = start;
  *request.mutable_window()->mutable_end_date() = end;
  v1::FollowThroughReport report;
  ASSERT_THAT(meetings().GetFollowThroughReport(Ctx(convener_a1_).get(), request, &report), IsOk());
  const v1::FollowThroughRate& coalition = report.coalition();
  EXPECT_EQ(coalition.subject(), a1_.name());
  EXPECT_EQ(coalition.due(), 4);
  EXPECT_EQ(coalition.done_on_time(), 1);
  EXPECT_EQ(coalition.done_late(), 1);
  EXPECT_EQ(coalition.missed(), 2);
  EXPECT_EQ(coalition.released(), 1);
  EXPECT_EQ(coalition.pending(), 1);
  EXPECT_DOUBLE_EQ(coalition.rate(), 0.25);

  ASSERT_THAT(report.teams(), SizeIs(1));
  EXPECT_EQ(report.teams(0).subject(), team_a1_.name());
  EXPECT_EQ(report.teams(0).due(), 2);
  EXPECT_DOUBLE_EQ(report.teams(0).rate(), 0.5);

  const v1::FollowThroughRate* alice = RateOf(report.people(), alice_.name());
  const v1::FollowThroughRate* bob = RateOf(report.people(), bob_.name());
  ASSERT_NE(alice, nullptr);
  ASSERT_NE(bob, nullptr);
  EXPECT_EQ(alice->due(), 2);
  EXPECT_EQ(alice->pending(), 1);
  EXPECT_DOUBLE_EQ(alice->rate(), 0.5);
  EXPECT_EQ(bob->due(), 2);
  EXPECT_EQ(bob->done_late(), 1);
  EXPECT_EQ(bob->missed(), 1);
  EXPECT_EQ(bob->released(), 1);
  EXPECT_DOUBLE_EQ(bob->rate(), 0.0);

  // A window with only the pending one: nothing was due.
  *request.mutable_window()->mutable_start_date() = Day(10);
  *request.mutable_window()->mutable_end_date() = Day(20);
  ASSERT_THAT(meetings().GetFollowThroughReport(Ctx(alice_key_).get(), request, &report), IsOk());
  EXPECT_EQ(report.coalition().due(), 0);
  EXPECT_EQ(report.coalition().pending(), 1);
  EXPECT_DOUBLE_EQ(report.coalition().rate(), 0.0);
}

TEST_F(CommitmentsTest, FollowThroughReportListsOnlyWhoHadSomethingInTheWindow) {
  // Bob's commitment is overdue since before the window: it is not the window's to count.
  auto with_team = NewCommitment(a1_.name(), bob_.name(), "long overdue", Day(1));
  with_team.mutable_commitment()->set_team(team_a1_.name());
  ASSERT_THAT(Create(convener_a1_, with_team), IsOk());
  CreateCommitment(a1_.name(), alice_.name(), "in the window", Day(12));
  clock().Advance(10 * kDay);
  v1::GetFollowThroughReportRequest request;
  request.set_parent(a1_.name());
  *request.mutable_window()->mutable_start_date() = Day(0);
  *request.mutable_window()->mutable_end_date() = Day(7);
  v1::FollowThroughReport report;
  ASSERT_THAT(meetings().GetFollowThroughReport(Ctx(convener_a1_).get(), request, &report), IsOk());
  EXPECT_EQ(report.coalition().due(), 0);
  EXPECT_EQ(report.coalition().pending(), 1);
  EXPECT_THAT(report.teams(), IsEmpty());
  ASSERT_THAT(report.people(), SizeIs(1));
  EXPECT_EQ(report.people(0).subject(), alice_.name());
}

TEST_F(CommitmentsTest, FollowThroughReportValidatesTheWindow) {
  v1::GetFollowThroughReportRequest request;
  request.set_parent(a1_.name());
  v1::FollowThroughReport report;
  *request.mutable_window()->mutable_end_date() = Day(3);
  EXPECT_THAT(meetings().GetFollowThroughReport(Ctx(admin_a_).get(), request, &report),
              InvalidArgumentOn("window.start_date"));
  *request.mutable_window()->mutable_start_date() = Day(4);
  EXPECT_THAT(meetings().GetFollowThroughReport(Ctx(admin_a_).get(), request, &report),
              InvalidArgumentOn("window.end_date"));
  *request.mutable_window()->mutable_start_date() = Day(0);
  *request.mutable_window()->mutable_end_date() = Day(5 * 366);
  EXPECT_THAT(meetings().GetFollowThroughReport(Ctx(admin_a_).get(), request, &report),
              InvalidArgumentOn("window.end_date"));

  *request.mutable_window()->mutable_end_date() = Day(30);
  EXPECT_THAT(meetings().GetFollowThroughReport(AnonymousCtx().get(), request, &report),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(meetings().GetFollowThroughReport(Ctx(admin_b_).get(), request, &report),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().GetFollowThroughReport(Ctx(convener_a2_).get(), request, &report),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

// ---- ListOverloadedPeople ----

TEST_F(CommitmentsTest, OverloadCountsOpenCommitmentsAcrossCoalitions) {
  CreateMembership(a2_.name(), alice_.name());
  for (int i = 0; i < 3; ++i) CreateCommitment(a1_.name(), alice_.name(), "a1", Day(i + 1));
  CreateCommitment(a2_.name(), alice_.name(), "a2", Day(3), {}, convener_a2_);
  for (int i = 0; i < 3; ++i) CreateCommitment(a1_.name(), bob_.name(), "bob", Day(i + 1));
  SetStatus(CreateCommitment(a1_.name(), bob_.name(), "done", Day(1)), v1::Commitment::DONE);
  CreateCommitment(b1_.name(), dana_b_.name(), "b", Day(1), {}, admin_b_);

  // The fixture's default threshold is 3: more than 3 open is overload.
  v1::ListOverloadedPeopleResponse response;
  ASSERT_THAT(Overloaded(admin_a_, 0, &response), IsOk());
  EXPECT_EQ(response.threshold(), 3);
  ASSERT_THAT(response.people(), SizeIs(1));
  EXPECT_EQ(response.people(0).person(), alice_.name());
  EXPECT_EQ(response.people(0).open_commitments(), 4);
  EXPECT_THAT(response.people(0).coalitions(), UnorderedElementsAre(a1_.name(), a2_.name()));

  ASSERT_THAT(Overloaded(admin_a_, 2, &response), IsOk());
  EXPECT_EQ(response.threshold(), 2);
  ASSERT_THAT(response.people(), SizeIs(2));
  EXPECT_EQ(response.people(0).person(), alice_.name());
  EXPECT_EQ(response.people(1).person(), bob_.name());
  EXPECT_EQ(response.people(1).open_commitments(), 3);

  ASSERT_THAT(Overloaded(platform_key(), 4, &response), IsOk());
  EXPECT_THAT(response.people(), IsEmpty());
}

TEST_F(CommitmentsTest, OverloadIsForNetworkAdminsOnly) {
  v1::ListOverloadedPeopleResponse response;
  EXPECT_THAT(Overloaded(admin_a_, -1, &response), InvalidArgumentOn("threshold"));
  EXPECT_THAT(Overloaded(admin_a_, 1001, &response), InvalidArgumentOn("threshold"));
  v1::ListOverloadedPeopleRequest request;
  request.set_parent(network_a_.name());
  EXPECT_THAT(meetings().ListOverloadedPeople(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a1_, alice_key_, service_a_}) {
    EXPECT_THAT(Overloaded(key, 0, &response), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  request.set_parent(a1_.name());
  EXPECT_THAT(meetings().ListOverloadedPeople(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("parent"));
}

}  // namespace
}  // namespace coalition::meetings::testing
