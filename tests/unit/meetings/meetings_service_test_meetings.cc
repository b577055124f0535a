// Meetings: create, read, list, update, lifecycle, attendance, check-in and attendance report.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/validation.h"
#include "tests/unit/meetings/meetings_test_fixture.h"

namespace coalition::meetings::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

constexpr absl::Duration kDay = absl::Hours(24);
constexpr char kMethodPrefix[] = "coalition.meetings.v1.MeetingsService/";

class MeetingsTest : public MeetingsServiceTest {
 protected:
  // 18:00 on the day `days` after today.
  absl::Time Evening(int days) { return clock().Now() + days * kDay + absl::Hours(18); }

  v1::CreateMeetingRequest NewMeeting(const std::string& coalition, const std::string& display_name,
                                      absl::Time start,
                                      v1::Meeting::Kind kind = v1::Meeting::COALITION,
                                      const std::string& team = "") {
    v1::CreateMeetingRequest request;
    request.set_parent(coalition);
    v1::Meeting* meeting = request.mutable_meeting();
    meeting->set_kind(kind);
    meeting->set_display_name(display_name);
    meeting->set_team(team);
    *meeting->mutable_start_time() = ToProtoTimestamp(start);
    *meeting->mutable_end_time() = ToProtoTimestamp(start + absl::Hours(1));
    meeting->set_place("Community room, Abingdon library");
    return request;
  }

  grpc::Status Create(const std::string& key, const v1::CreateMeetingRequest& request,
                      v1::Meeting* created = nullptr) {
    v1::Meeting ignored;
    return meetings().CreateMeeting(Ctx(key).get(), request,
                                    created != nullptr ? created : &ignored);
  }

  grpc::Status Get(const std::string& key, const std::string& name,
                   v1::Meeting* meeting = nullptr) {
    v1::GetMeetingRequest request;
    request.set_name(name);
    v1::Meeting ignored;
    return meetings().GetMeeting(Ctx(key).get(), request, meeting != nullptr ? meeting : &ignored);
  }

  v1::Meeting Reload(const v1::Meeting& meeting) {
    v1::Meeting loaded;
    EXPECT_THAT(Get(admin_a_, meeting.name(), &loaded), IsOk());
    return loaded;
  }

  grpc::Status Update(const std::string& key, const v1::Meeting& patch,
                      const std::vector<std::string>& paths, v1::Meeting* updated = nullptr) {
    v1::UpdateMeetingRequest request;
    *request.mutable_meeting() = patch;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::Meeting ignored;
    return meetings().UpdateMeeting(Ctx(key).get(), request,
                                    updated != nullptr ? updated : &ignored);
  }

  grpc::Status Start(const std::string& key, const std::string& name, const std::string& etag = "",
                     v1::Meeting* started = nullptr) {
    v1::StartMeetingRequest request;
    request.set_name(name);
    request.set_etag(etag);
    v1::Meeting ignored;
    return meetings().StartMeeting(Ctx(key).get(), request,
                                   started != nullptr ? started : &ignored);
  }

  grpc::Status Close(const std::string& key, const std::string& name, const std::string& reason,
                     const std::string& etag = "", v1::Meeting* closed = nullptr,
                     const std::string& minutes = "") {
    v1::CloseMeetingRequest request;
    request.set_name(name);
    request.set_etag(etag);
    request.set_no_commitment_reason(reason);
    request.set_minutes(minutes);
    v1::Meeting ignored;
    return meetings().CloseMeeting(Ctx(key).get(), request, closed != nullptr ? closed : &ignored);
  }

  grpc::Status Cancel(const std::string& key, const std::string& name, const std::string& reason,
                      const std::string& etag = "", v1::Meeting* cancelled = nullptr) {
    v1::CancelMeetingRequest request;
    request.set_name(name);
    request.set_etag(etag);
    request.set_reason(reason);
    v1::Meeting ignored;
    return meetings().CancelMeeting(Ctx(key).get(), request,
                                    cancelled != nullptr ? cancelled : &ignored);
  }

  static v1::Attendance Entry(const std::string& person, v1::Attendance::Status status) {
    v1::Attendance entry;
    entry.set_person(person);
    entry.set_status(status);
    return entry;
  }

  grpc::Status Attend(const std::string& key, const std::string& name,
                      const std::vector<v1::Attendance>& entries, const std::string& etag = "",
                      v1::Meeting* recorded = nullptr) {
    v1::RecordAttendanceRequest request;
    request.set_name(name);
    request.set_etag(etag);
    for (const v1::Attendance& entry : entries) *request.add_attendance() = entry;
    v1::Meeting ignored;
    return meetings().RecordAttendance(Ctx(key).get(), request,
                                       recorded != nullptr ? recorded : &ignored);
  }

  grpc::Status Preview(const std::string& key, const std::string& name,
                       v1::AgendaItem* item = nullptr) {
    v1::PreviewCheckInRequest request;
    request.set_name(name);
    v1::AgendaItem ignored;
    return meetings().PreviewCheckIn(Ctx(key).get(), request, item != nullptr ? item : &ignored);
  }

  grpc::Status Report(const std::string& key, const Date& start, const Date& end,
                      const std::string& team = "", v1::AttendanceReport* report = nullptr) {
    v1::GetAttendanceReportRequest request;
    request.set_parent(a1_.name());
    *request.mutable_window()->mutable_start_date() = start;
    *request.mutable_window()->mutable_end_date() = end;
    request.set_team(team);
    v1::AttendanceReport ignored;
    return meetings().GetAttendanceReport(Ctx(key).get(), request,
                                          report != nullptr ? report : &ignored);
  }

  // Every page of ListMeetings at page size 2: the display names in order.
  std::vector<std::string> ListNames(v1::ListMeetingsRequest request, const std::string& key = "",
                                     int* pages = nullptr) {
    std::vector<std::string> names;
    std::string token;
    int walked = 0;
    do {
      request.set_page_size(2);
      request.set_page_token(token);
      v1::ListMeetingsResponse response;
      const grpc::Status status =
          meetings().ListMeetings(Ctx(key.empty() ? convener_a1_ : key).get(), request, &response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(response.meetings_size(), 2);
      for (const v1::Meeting& m : response.meetings()) names.push_back(m.display_name());
      token = response.next_page_token();
    } while (!token.empty() && ++walked < 20);
    if (pages != nullptr) *pages = walked + 1;
    return names;
  }

  v1::ListMeetingsRequest ListOf(const std::string& coalition) {
    v1::ListMeetingsRequest request;
    request.set_parent(coalition);
    return request;
  }

  // A commitment of a1 carried for `team`.
  v1::Commitment TeamCommitment(const std::string& person, const std::string& what, const Date& due,
                                const std::string& team) {
    v1::CreateCommitmentRequest request;
    request.set_parent(a1_.name());
    request.mutable_commitment()->set_person(person);
    request.mutable_commitment()->set_what(what);
    *request.mutable_commitment()->mutable_due_date() = due;
    request.mutable_commitment()->set_team(team);
    request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::MANUAL);
    v1::Commitment created;
    EXPECT_THAT(meetings().CreateCommitment(Ctx(convener_a1_).get(), request, &created), IsOk());
    return created;
  }

  // A commitment made in `meeting`.
  v1::Commitment MadeIn(const v1::Meeting& meeting, const std::string& person,
                        const std::string& what) {
    v1::CommitmentSource source;
    source.set_kind(v1::CommitmentSource::MEETING);
    source.set_resource(meeting.name());
    return CreateCommitment(a1_.name(), person, what, Day(30), source);
  }

  void SetDefaultNorms(const std::vector<std::string>& norms) {
    membership().SetDefaultNorms(a1_.name(), norms);
  }

  // A person of network A who works for `organization` (a new organization).
  mv1::Person PersonOf(const std::string& display_name, const std::string& organization) {
    const mv1::Organization org = CreateOrganization(network_a_.name(), organization);
    return CreatePerson(network_a_.name(), display_name, org.name());
  }

  // A meeting that was held: created with everyone in `statuses` invited, started, the
  // statuses other than INVITED recorded, and closed without a commitment.
  v1::Meeting Held(const std::string& display_name, absl::Time start,
                   const std::map<std::string, v1::Attendance::Status>& statuses,
                   const std::string& team = "") {
    v1::CreateMeetingRequest request =
        NewMeeting(a1_.name(), display_name, start,
                   team.empty() ? v1::Meeting::COALITION : v1::Meeting::TEAM, team);
    std::vector<v1::Attendance> recorded;
    for (const auto& [person, status] : statuses) {
      *request.mutable_meeting()->add_attendance() = Entry(person, v1::Attendance::INVITED);
      if (status != v1::Attendance::INVITED) recorded.push_back(Entry(person, status));
    }
    v1::Meeting meeting;
    EXPECT_THAT(Create(convener_a1_, request, &meeting), IsOk());
    EXPECT_THAT(Start(convener_a1_, meeting.name()), IsOk());
    if (!recorded.empty()) {
      EXPECT_THAT(Attend(convener_a1_, meeting.name(), recorded), IsOk());
    }
    v1::Meeting closed;
    EXPECT_THAT(Close(convener_a1_, meeting.name(), "A planning meeting", "", &closed), IsOk());
    return closed;
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

  std::vector<std::string> EntryCommitments(const v1::AgendaItem& item) {
    std::vector<std::string> names;
    for (const auto& entry : item.check_in_entries()) names.push_back(entry.commitment());
    return names;
  }

  std::string MissingMeeting() const { return a1_.name() + "/meetings/doesnotexist"; }
};

// ---- CreateMeeting ----

TEST_F(MeetingsTest, CreateMeetingSchedulesItWithTheCheckInFirst) {
  const v1::Commitment due =
      CreateCommitment(a1_.name(), alice_.name(), "Call three clinics", Day(3));
  const v1::Meeting meeting =
      CreateMeeting(a1_.name(), "January coalition meeting", clock().Now() + absl::Hours(24 * 5));
  EXPECT_THAT(meeting.name(), StartsWith(a1_.name() + "/meetings/"));
  EXPECT_EQ(meeting.state(), v1::Meeting::SCHEDULED);
  ASSERT_GE(meeting.agenda_size(), 1);
  EXPECT_TRUE(meeting.agenda(0).check_in());
  ASSERT_EQ(meeting.agenda(0).check_in_entries_size(), 1);
  EXPECT_EQ(meeting.agenda(0).check_in_entries(0).commitment(), due.name());
  EXPECT_EQ(meeting.agenda(0).check_in_entries(0).status(), v1::Commitment::OPEN);
  EXPECT_FALSE(meeting.etag().empty());
  EXPECT_EQ(FromProtoTimestamp(meeting.create_time()), clock().Now());
}

TEST_F(MeetingsTest, CreateMeetingCopiesTheCoalitionsDefaultNorms) {
  SetDefaultNorms({"Start on time", "Every voice counts"});
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "February meeting", Evening(3));
  EXPECT_THAT(meeting.norms(), ElementsAre("Start on time", "Every voice counts"));
}

TEST_F(MeetingsTest, CreateMeetingKeepsItsOwnNorms) {
  SetDefaultNorms({"Start on time"});
  v1::CreateMeetingRequest request = NewMeeting(a1_.name(), "Kick-off", Evening(3));
  request.mutable_meeting()->add_norms("Phones away");
  v1::Meeting created;
  ASSERT_THAT(Create(convener_a1_, request, &created), IsOk());
  EXPECT_THAT(created.norms(), ElementsAre("Phones away"));
}

TEST_F(MeetingsTest, CreateMeetingInvitesAttendeesWithTheirOrganization) {
  const mv1::Person rosa = PersonOf("Rosa Diaz", "Abingdon Pharmacy");
  v1::CreateMeetingRequest request = NewMeeting(a1_.name(), "March meeting", Evening(3));
  *request.mutable_meeting()->add_attendance() =
      Entry(alice_.name(), v1::Attendance::STATUS_UNSPECIFIED);
  v1::Attendance rosa_entry = Entry(rosa.name(), v1::Attendance::INVITED);
  rosa_entry.set_organization(network_a_.name() + "/organizations/forged");
  *request.mutable_meeting()->add_attendance() = rosa_entry;
  v1::Meeting created;
  ASSERT_THAT(Create(convener_a1_, request, &created), IsOk());
  ASSERT_THAT(created.attendance(), SizeIs(2));
  EXPECT_EQ(created.attendance(0).person(), alice_.name());
  EXPECT_EQ(created.attendance(0).status(), v1::Attendance::INVITED);
  EXPECT_EQ(created.attendance(0).organization(), "");
  EXPECT_EQ(created.attendance(1).person(), rosa.name());
  EXPECT_EQ(created.attendance(1).organization(), rosa.organization());
  EXPECT_FALSE(rosa.organization().empty());
}

TEST_F(MeetingsTest, CreateMeetingWithAnUnknownAttendeeIsInvalid) {
  v1::CreateMeetingRequest request = NewMeeting(a1_.name(), "March meeting", Evening(3));
  *request.mutable_meeting()->add_attendance() = Entry(alice_.name(), v1::Attendance::INVITED);
  *request.mutable_meeting()->add_attendance() =
      Entry(network_a_.name() + "/people/nobody", v1::Attendance::INVITED);
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.attendance"));
  EXPECT_THAT(ListNames(ListOf(a1_.name())), IsEmpty());
}

TEST_F(MeetingsTest, CreateMeetingDropsClientCheckInItemsAndOutputFields) {
  const v1::Commitment due = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(2));
  v1::CreateMeetingRequest request = NewMeeting(a1_.name(), "April meeting", Evening(3));
  v1::AgendaItem* forged = request.mutable_meeting()->add_agenda();
  forged->set_title("Everything is done");
  forged->set_check_in(true);
  forged->add_check_in_entries()->set_commitment(a1_.name() + "/commitments/forged");
  request.mutable_meeting()->add_agenda()->set_title("Welcome");
  request.mutable_meeting()->set_state(v1::Meeting::CLOSED);
  request.mutable_meeting()->set_commitment_count(7);
  request.mutable_meeting()->set_previous_meeting(a1_.name() + "/meetings/forged");
  request.mutable_meeting()->set_no_commitment_reason("forged");
  v1::Meeting created;
  ASSERT_THAT(Create(convener_a1_, request, &created), IsOk());
  ASSERT_THAT(created.agenda(), SizeIs(2));
  EXPECT_TRUE(created.agenda(0).check_in());
  EXPECT_EQ(created.agenda(0).title(), "Check-in on commitments");
  EXPECT_THAT(EntryCommitments(created.agenda(0)), ElementsAre(due.name()));
  EXPECT_EQ(created.agenda(1).title(), "Welcome");
  EXPECT_FALSE(created.agenda(1).check_in());
  EXPECT_EQ(created.state(), v1::Meeting::SCHEDULED);
  EXPECT_EQ(created.commitment_count(), 0);
  EXPECT_EQ(created.previous_meeting(), "");
  EXPECT_EQ(created.no_commitment_reason(), "");
}

TEST_F(MeetingsTest, CreateMeetingDropsCheckInEntriesOnOtherItems) {
  v1::CreateMeetingRequest request = NewMeeting(a1_.name(), "April meeting", Evening(3));
  v1::AgendaItem* item = request.mutable_meeting()->add_agenda();
  item->set_title("Welcome");
  item->add_check_in_entries()->set_commitment(a1_.name() + "/commitments/forged");
  v1::Meeting created;
  ASSERT_THAT(Create(convener_a1_, request, &created), IsOk());
  ASSERT_THAT(created.agenda(), SizeIs(2));
  EXPECT_THAT(created.agenda(1).check_in_entries(), IsEmpty());
}

TEST_F(MeetingsTest, CreateMeetingNamesEachBadField) {
  auto request = NewMeeting(a1_.name(), "", Evening(1));
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.display_name"));

  request = NewMeeting(a1_.name(), "M", Evening(1), v1::Meeting::KIND_UNSPECIFIED);
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.kind"));

  request = NewMeeting(a1_.name(), "M", Evening(1));
  request.mutable_meeting()->clear_start_time();
  request.mutable_meeting()->clear_end_time();
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.start_time"));

  request = NewMeeting(a1_.name(), "M", Evening(1));
  *request.mutable_meeting()->mutable_end_time() = ToProtoTimestamp(Evening(1) - absl::Hours(1));
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.end_time"));

  request = NewMeeting(a1_.name(), "M", Evening(1));
  request.mutable_meeting()->clear_place();
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.place"));
  request.mutable_meeting()->set_link("zoom.example.org/j/1");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.link"));

  request = NewMeeting(a1_.name(), "M", Evening(1));
  request.mutable_meeting()->add_agenda()->set_title("");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.agenda[0].title"));

  request = NewMeeting(a1_.name(), "M", Evening(1));
  *request.mutable_meeting()->add_attendance() = Entry(dana_b_.name(), v1::Attendance::INVITED);
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.attendance[0].person"));

  request = NewMeeting("coalitions/a1", "M", Evening(1));
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("parent"));

  request = NewMeeting(a1_.name(), "M", Evening(1));
  request.set_request_id("not a request id!");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("request_id"));
}

TEST_F(MeetingsTest, TeamMeetingNeedsAnExistingTeamOfTheCoalition) {
  auto request = NewMeeting(a1_.name(), "Team huddle", Evening(1), v1::Meeting::TEAM);
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.team"));
  request.mutable_meeting()->set_team(a2_.name() + "/teams/t1");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.team"));
  request.mutable_meeting()->set_team(a1_.name() + "/teams/doesnotexist");
  EXPECT_THAT(Create(convener_a1_, request), InvalidArgumentOn("meeting.team"));

  request.mutable_meeting()->set_team(team_a1_.name());
  v1::Meeting created;
  ASSERT_THAT(Create(convener_a1_, request, &created), IsOk());
  EXPECT_EQ(created.kind(), v1::Meeting::TEAM);
  EXPECT_EQ(created.team(), team_a1_.name());
}

TEST_F(MeetingsTest, CreateMeetingInAnUnknownCoalitionIsNotFound) {
  EXPECT_THAT(
      Create(admin_a_, NewMeeting(network_a_.name() + "/coalitions/doesnotexist", "M", Evening(1))),
      HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(MeetingsTest, CreateMeetingChecksTheCaller) {
  const auto request = NewMeeting(a1_.name(), "M", Evening(1));
  v1::Meeting created;
  EXPECT_THAT(meetings().CreateMeeting(AnonymousCtx().get(), request, &created),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Create(admin_b_, request), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Create(convener_a2_, request), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Create(alice_key_, request), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Create(service_a_, request), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(ListNames(ListOf(a1_.name())), IsEmpty());
  EXPECT_THAT(Create(admin_a_, request), IsOk());
}

TEST_F(MeetingsTest, RetriedCreateReturnsTheFirstMeeting) {
  auto request = NewMeeting(a1_.name(), "May meeting", Evening(4));
  request.set_request_id("0b7c2a5e-58f0-4f4e-8f0e-5d7f3f1a2b10");
  v1::Meeting first;
  v1::Meeting second;
  ASSERT_THAT(Create(convener_a1_, request, &first), IsOk());
  clock().Advance(absl::Minutes(1));
  ASSERT_THAT(Create(convener_a1_, request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_THAT(ListNames(ListOf(a1_.name())), ElementsAre("May meeting"));
  EXPECT_THAT(AuditedMethods(first.name()), ElementsAre("CreateMeeting"));
}

TEST_F(MeetingsTest, RequestIdOfAnotherCoalitionDoesNotReturnItsMeeting) {
  auto request = NewMeeting(a1_.name(), "a1 only", Evening(4));
  request.set_request_id("shared-request");
  v1::Meeting first;
  ASSERT_THAT(Create(convener_a1_, request, &first), IsOk());
  request = NewMeeting(a2_.name(), "a2 meeting", Evening(4));
  request.set_request_id("shared-request");
  v1::Meeting second;
  EXPECT_THAT(Create(convener_a2_, request, &second), InvalidArgumentOn("request_id"));
  EXPECT_NE(second.name(), first.name());
  EXPECT_NE(second.display_name(), "a1 only");
}

// ---- GetMeeting ----

TEST_F(MeetingsTest, GetMeetingReturnsItToReadersOfTheCoalition) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "June meeting", Evening(2));
  v1::Meeting loaded;
  ASSERT_THAT(Get(convener_a1_, meeting.name(), &loaded), IsOk());
  EXPECT_EQ(loaded.display_name(), "June meeting");
  EXPECT_EQ(loaded.etag(), meeting.etag());
  EXPECT_THAT(Get(alice_key_, meeting.name()), IsOk());
  EXPECT_THAT(Get(admin_a_, meeting.name()), IsOk());
}

TEST_F(MeetingsTest, GetMeetingCountsTheCommitmentsMadeInIt) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "June meeting", Evening(2));
  MadeIn(meeting, alice_.name(), "Draft the flyer");
  MadeIn(meeting, bob_.name(), "Book the room");
  EXPECT_EQ(Reload(meeting).commitment_count(), 2);
}

TEST_F(MeetingsTest, GetMeetingErrors) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "June meeting", Evening(2));
  v1::GetMeetingRequest request;
  request.set_name(meeting.name());
  v1::Meeting loaded;
  EXPECT_THAT(meetings().GetMeeting(AnonymousCtx().get(), request, &loaded),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Get(admin_b_, meeting.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Get(convener_a2_, meeting.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Get(convener_a1_, MissingMeeting()), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Get(convener_a1_, a1_.name() + "/commitments/x"), InvalidArgumentOn("name"));
  // A meeting of a2 is not found under a1.
  const v1::Meeting elsewhere =
      CreateMeeting(a2_.name(), "a2 meeting", Evening(2), v1::Meeting::COALITION, "", convener_a2_);
  const std::string id = elsewhere.name().substr(elsewhere.name().rfind('/') + 1);
  EXPECT_THAT(Get(admin_a_, a1_.name() + "/meetings/" + id), HasCode(grpc::StatusCode::NOT_FOUND));
}

// ---- ListMeetings ----

TEST_F(MeetingsTest, ListMeetingsIsOrderedByStartTimeAcrossPages) {
  CreateMeeting(a1_.name(), "third", Evening(3));
  CreateMeeting(a1_.name(), "first", Evening(1));
  CreateMeeting(a1_.name(), "fifth", Evening(5));
  CreateMeeting(a1_.name(), "second", Evening(2));
  CreateMeeting(a1_.name(), "fourth", Evening(4));
  CreateMeeting(a2_.name(), "a2 meeting", Evening(1), v1::Meeting::COALITION, "", convener_a2_);
  int pages = 0;
  EXPECT_THAT(ListNames(ListOf(a1_.name()), convener_a1_, &pages),
              ElementsAre("first", "second", "third", "fourth", "fifth"));
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(ListNames(ListOf(a1_.name()), alice_key_), SizeIs(5));
}

TEST_F(MeetingsTest, ListMeetingsFiltersByKindStateAndTeam) {
  const v1::Meeting coalition_meeting = CreateMeeting(a1_.name(), "coalition", Evening(1));
  CreateMeeting(a1_.name(), "team", Evening(2), v1::Meeting::TEAM, team_a1_.name());
  CreateMeeting(a1_.name(), "kick-off", Evening(3), v1::Meeting::KICK_OFF);
  StartMeeting(coalition_meeting);

  auto request = ListOf(a1_.name());
  request.set_kind(v1::Meeting::TEAM);
  EXPECT_THAT(ListNames(request), ElementsAre("team"));
  request = ListOf(a1_.name());
  request.set_state(v1::Meeting::IN_PROGRESS);
  EXPECT_THAT(ListNames(request), ElementsAre("coalition"));
  request = ListOf(a1_.name());
  request.set_state(v1::Meeting::SCHEDULED);
  EXPECT_THAT(ListNames(request), ElementsAre("team", "kick-off"));
  request = ListOf(a1_.name());
  request.set_team(team_a1_.name());
  EXPECT_THAT(ListNames(request), ElementsAre("team"));
  request = ListOf(a1_.name());
  request.set_kind(v1::Meeting::COALITION);
  request.set_state(v1::Meeting::SCHEDULED);
  EXPECT_THAT(ListNames(request), IsEmpty());
}

TEST_F(MeetingsTest, ListMeetingsValidatesFiltersAndTokens) {
  for (int i = 0; i < 3; ++i) CreateMeeting(a1_.name(), absl::StrCat("m", i), Evening(i + 1));
  v1::ListMeetingsResponse response;
  auto request = ListOf(a1_.name());
  request.set_kind(static_cast<v1::Meeting::Kind>(42));
  EXPECT_THAT(meetings().ListMeetings(Ctx(convener_a1_).get(), request, &response),
              InvalidArgumentOn("kind"));
  request = ListOf(a1_.name());
  request.set_state(static_cast<v1::Meeting::State>(42));
  EXPECT_THAT(meetings().ListMeetings(Ctx(convener_a1_).get(), request, &response),
              InvalidArgumentOn("state"));
  request = ListOf(a1_.name());
  request.set_team(a2_.name() + "/teams/t1");
  EXPECT_THAT(meetings().ListMeetings(Ctx(convener_a1_).get(), request, &response),
              InvalidArgumentOn("team"));

  request = ListOf(a1_.name());
  request.set_page_size(2);
  ASSERT_THAT(meetings().ListMeetings(Ctx(convener_a1_).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  // A token from the unfiltered list is refused by a filtered one and by another coalition.
  request.set_page_token(response.next_page_token());
  request.set_kind(v1::Meeting::COALITION);
  EXPECT_THAT(meetings().ListMeetings(Ctx(convener_a1_).get(), request, &response),
              InvalidArgumentOn("page_token"));
  request.set_kind(v1::Meeting::KIND_UNSPECIFIED);
  request.set_parent(a2_.name());
  EXPECT_THAT(meetings().ListMeetings(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_token"));
  request = ListOf(a1_.name());
  request.set_page_token("garbage");
  EXPECT_THAT(meetings().ListMeetings(Ctx(convener_a1_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(MeetingsTest, ListMeetingsChecksTheCaller) {
  const auto request = ListOf(a1_.name());
  v1::ListMeetingsResponse response;
  EXPECT_THAT(meetings().ListMeetings(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(meetings().ListMeetings(Ctx(admin_b_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().ListMeetings(Ctx(convener_a2_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().ListMeetings(Ctx(alice_key_).get(), request, &response), IsOk());
}

// ---- UpdateMeeting ----

TEST_F(MeetingsTest, UpdateMeetingChangesOnlyTheMaskedFields) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "July meeting", Evening(2));
  v1::Meeting patch;
  patch.set_name(meeting.name());
  patch.set_etag(meeting.etag());
  patch.set_display_name("July coalition meeting");
  patch.set_place("");
  patch.set_link("https://meet.example.org/july");
  patch.set_minutes("not in the mask");
  clock().Advance(absl::Minutes(3));
  v1::Meeting updated;
  ASSERT_THAT(Update(convener_a1_, patch, {"display_name", "link"}, &updated), IsOk());
  EXPECT_EQ(updated.display_name(), "July coalition meeting");
  EXPECT_EQ(updated.link(), "https://meet.example.org/july");
  EXPECT_EQ(updated.place(), meeting.place());
  EXPECT_EQ(updated.minutes(), "");
  EXPECT_NE(updated.etag(), meeting.etag());
  EXPECT_EQ(FromProtoTimestamp(updated.update_time()), clock().Now());
  EXPECT_EQ(Reload(meeting).etag(), updated.etag());
  EXPECT_EQ(Reload(meeting).display_name(), "July coalition meeting");
}

TEST_F(MeetingsTest, UpdateMeetingValidates) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "July meeting", Evening(2));
  v1::Meeting patch;
  patch.set_name(meeting.name());
  EXPECT_THAT(Update(convener_a1_, patch, {"display_name"}),
              InvalidArgumentOn("meeting.display_name"));
  EXPECT_THAT(Update(convener_a1_, patch, {"state"}), InvalidArgumentOn("update_mask"));
  EXPECT_THAT(Update(convener_a1_, patch, {"kind"}), InvalidArgumentOn("update_mask"));
  *patch.mutable_end_time() = ToProtoTimestamp(Evening(1));
  EXPECT_THAT(Update(convener_a1_, patch, {"end_time"}), InvalidArgumentOn("meeting.end_time"));
  patch.set_team(a1_.name() + "/teams/doesnotexist");
  EXPECT_THAT(Update(convener_a1_, patch, {"team"}), InvalidArgumentOn("meeting.team"));
  patch.set_name(a1_.name() + "/commitments/x");
  EXPECT_THAT(Update(convener_a1_, patch, {"display_name"}), InvalidArgumentOn("meeting.name"));
  patch.set_name(MissingMeeting());
  patch.set_display_name("x");
  EXPECT_THAT(Update(convener_a1_, patch, {"display_name"}), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(Reload(meeting).etag(), meeting.etag());
}

TEST_F(MeetingsTest, TeamMeetingKeepsItsTeam) {
  const v1::Meeting meeting =
      CreateMeeting(a1_.name(), "Huddle", Evening(2), v1::Meeting::TEAM, team_a1_.name());
  v1::Meeting patch;
  patch.set_name(meeting.name());
  EXPECT_THAT(Update(convener_a1_, patch, {"team"}), InvalidArgumentOn("meeting.team"));
  EXPECT_EQ(Reload(meeting).team(), team_a1_.name());
}

TEST_F(MeetingsTest, UpdateMeetingDoesNotTellWhetherAnotherCoalitionsTeamExists) {
  // a2's convener names a team of a1 that exists, then one that does not: the answers must be
  // the same, so the meeting cannot be used to probe other coalitions.
  const v1::Meeting meeting =
      CreateMeeting(a2_.name(), "Huddle", Evening(2), v1::Meeting::COALITION, "", convener_a2_);
  v1::Meeting patch;
  patch.set_name(meeting.name());
  patch.set_team(team_a1_.name());
  const grpc::Status existing = Update(convener_a2_, patch, {"team"});
  patch.set_team(a1_.name() + "/teams/doesnotexist");
  const grpc::Status missing = Update(convener_a2_, patch, {"team"});
  EXPECT_THAT(existing, InvalidArgumentOn("meeting.team"));
  EXPECT_EQ(existing.error_code(), missing.error_code());
  EXPECT_EQ(existing.error_message(), missing.error_message());
  EXPECT_EQ(existing.error_details(), missing.error_details());
  EXPECT_EQ(Reload(meeting).team(), "");
}

TEST_F(MeetingsTest, UpdateMeetingWithAStaleEtagIsAborted) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "July meeting", Evening(2));
  v1::Meeting patch;
  patch.set_name(meeting.name());
  patch.set_etag(meeting.etag());
  patch.set_display_name("first");
  ASSERT_THAT(Update(convener_a1_, patch, {"display_name"}), IsOk());
  patch.set_display_name("second");
  EXPECT_THAT(Update(convener_a1_, patch, {"display_name"}), HasCode(grpc::StatusCode::ABORTED));
  EXPECT_EQ(Reload(meeting).display_name(), "first");
}

TEST_F(MeetingsTest, ClosedMeetingTakesOnlyMinutes) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "July meeting", Evening(2));
  StartMeeting(meeting);
  ASSERT_THAT(Close(convener_a1_, meeting.name(), "Planning only"), IsOk());
  v1::Meeting patch;
  patch.set_name(meeting.name());
  patch.set_display_name("renamed");
  patch.set_minutes("We planned the summer campaign.");
  EXPECT_THAT(Update(convener_a1_, patch, {"display_name", "minutes"}),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  v1::Meeting updated;
  ASSERT_THAT(Update(convener_a1_, patch, {"minutes"}, &updated), IsOk());
  EXPECT_EQ(updated.minutes(), "We planned the summer campaign.");
  EXPECT_EQ(updated.display_name(), "July meeting");
  EXPECT_EQ(updated.state(), v1::Meeting::CLOSED);
}

TEST_F(MeetingsTest, CheckInItemStaysFirstAndCannotBeForged) {
  const v1::Commitment due = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(1));
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "July meeting", Evening(2));
  v1::Meeting patch;
  patch.set_name(meeting.name());
  patch.add_agenda()->set_title("Welcome");
  v1::AgendaItem* forged = patch.add_agenda();
  forged->set_title("Forged check-in");
  forged->set_check_in(true);
  forged->add_check_in_entries()->set_commitment(a1_.name() + "/commitments/forged");
  v1::AgendaItem* with_entries = patch.add_agenda();
  with_entries->set_title("Next steps");
  with_entries->add_check_in_entries()->set_commitment(a1_.name() + "/commitments/forged");
  v1::Meeting updated;
  ASSERT_THAT(Update(convener_a1_, patch, {"agenda"}, &updated), IsOk());
  ASSERT_THAT(updated.agenda(), SizeIs(3));
  EXPECT_TRUE(updated.agenda(0).check_in());
  EXPECT_EQ(updated.agenda(0).title(), "Check-in on commitments");
  EXPECT_THAT(EntryCommitments(updated.agenda(0)), ElementsAre(due.name()));
  EXPECT_EQ(updated.agenda(1).title(), "Welcome");
  EXPECT_EQ(updated.agenda(2).title(), "Next steps");
  EXPECT_FALSE(updated.agenda(2).check_in());
  EXPECT_THAT(updated.agenda(2).check_in_entries(), IsEmpty());
}

TEST_F(MeetingsTest, MovingAMeetingRegeneratesItsCheckIn) {
  const v1::Commitment later = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(6));
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "July meeting", Evening(2));
  EXPECT_THAT(meeting.agenda(0).check_in_entries(), IsEmpty());
  v1::Meeting patch;
  patch.set_name(meeting.name());
  *patch.mutable_start_time() = ToProtoTimestamp(Evening(8));
  *patch.mutable_end_time() = ToProtoTimestamp(Evening(8) + absl::Hours(2));
  v1::Meeting updated;
  ASSERT_THAT(Update(convener_a1_, patch, {"start_time", "end_time"}, &updated), IsOk());
  EXPECT_THAT(EntryCommitments(updated.agenda(0)), ElementsAre(later.name()));
}

TEST_F(MeetingsTest, UpdateMeetingChecksTheCaller) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "July meeting", Evening(2));
  v1::UpdateMeetingRequest request;
  request.mutable_meeting()->set_name(meeting.name());
  request.mutable_meeting()->set_display_name("renamed");
  request.mutable_update_mask()->add_paths("display_name");
  v1::Meeting updated;
  EXPECT_THAT(meetings().UpdateMeeting(AnonymousCtx().get(), request, &updated),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a2_, alice_key_}) {
    EXPECT_THAT(Update(key, request.meeting(), {"display_name"}),
                HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_EQ(Reload(meeting).display_name(), "July meeting");
  EXPECT_THAT(Update(admin_a_, request.meeting(), {"display_name"}), IsOk());
}

// ---- StartMeeting ----

TEST_F(MeetingsTest, StartMeetingRegeneratesTheCheckInAsOfNow) {
  const v1::Commitment first = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(2));
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "August meeting", Evening(5));
  SetStatus(first, v1::Commitment::DONE);
  const v1::Commitment added = CreateCommitment(a1_.name(), bob_.name(), "Book room", Day(4));
  // The scheduled check-in is as of scheduling.
  const v1::Meeting scheduled = Reload(meeting);
  EXPECT_THAT(EntryCommitments(scheduled.agenda(0)), ElementsAre(first.name()));
  EXPECT_EQ(scheduled.agenda(0).check_in_entries(0).status(), v1::Commitment::OPEN);

  v1::Meeting started;
  ASSERT_THAT(Start(convener_a1_, meeting.name(), meeting.etag(), &started), IsOk());
  EXPECT_EQ(started.state(), v1::Meeting::IN_PROGRESS);
  EXPECT_THAT(EntryCommitments(started.agenda(0)), ElementsAre(first.name(), added.name()));
  EXPECT_EQ(started.agenda(0).check_in_entries(0).status(), v1::Commitment::DONE);
  EXPECT_EQ(started.agenda(0).check_in_entries(1).status(), v1::Commitment::OPEN);
  EXPECT_EQ(Reload(meeting).etag(), started.etag());
}

TEST_F(MeetingsTest, StartMeetingErrors) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "August meeting", Evening(5));
  v1::StartMeetingRequest request;
  request.set_name(meeting.name());
  v1::Meeting started;
  EXPECT_THAT(meetings().StartMeeting(AnonymousCtx().get(), request, &started),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a2_, alice_key_}) {
    EXPECT_THAT(Start(key, meeting.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_THAT(Start(convener_a1_, MissingMeeting()), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Start(convener_a1_, "meetings/x"), InvalidArgumentOn("name"));
  ASSERT_THAT(Start(convener_a1_, meeting.name(), meeting.etag()), IsOk());
  EXPECT_THAT(Start(convener_a1_, meeting.name(), meeting.etag()),
              HasCode(grpc::StatusCode::ABORTED));
  EXPECT_THAT(Start(convener_a1_, meeting.name()), HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

// ---- CloseMeeting ----

TEST_F(MeetingsTest, ClosingMeetingWithoutCommitmentsNeedsReason) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "September meeting", Evening(1));
  StartMeeting(meeting);
  EXPECT_THAT(Close(convener_a1_, meeting.name(), ""), InvalidArgumentOn("no_commitment_reason"));
  EXPECT_THAT(Close(convener_a1_, meeting.name(), "  \n"),
              InvalidArgumentOn("no_commitment_reason"));
  EXPECT_EQ(Reload(meeting).state(), v1::Meeting::IN_PROGRESS);

  clock().Advance(absl::Hours(2));
  v1::Meeting closed;
  ASSERT_THAT(Close(convener_a1_, meeting.name(), "A listening session", "", &closed, "Minutes"),
              IsOk());
  EXPECT_EQ(closed.state(), v1::Meeting::CLOSED);
  EXPECT_EQ(closed.no_commitment_reason(), "A listening session");
  EXPECT_EQ(closed.minutes(), "Minutes");
  EXPECT_EQ(FromProtoTimestamp(closed.close_time()), clock().Now());
  EXPECT_EQ(Reload(meeting).state(), v1::Meeting::CLOSED);
}

TEST_F(MeetingsTest, ClosingWithACommitmentMadeInTheMeetingNeedsNoReason) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "September meeting", Evening(1));
  const v1::Meeting other = CreateMeeting(a1_.name(), "Other meeting", Evening(2));
  StartMeeting(meeting);
  // A commitment made in another meeting does not leave this one in action.
  MadeIn(other, alice_.name(), "Draft the flyer");
  EXPECT_THAT(Close(convener_a1_, meeting.name(), ""), InvalidArgumentOn("no_commitment_reason"));

  MadeIn(meeting, bob_.name(), "Call the county");
  v1::Meeting closed;
  ASSERT_THAT(Close(convener_a1_, meeting.name(), "", "", &closed), IsOk());
  EXPECT_EQ(closed.state(), v1::Meeting::CLOSED);
  EXPECT_EQ(closed.commitment_count(), 1);
  EXPECT_EQ(closed.no_commitment_reason(), "");
}

TEST_F(MeetingsTest, ClosingTurnsInvitedIntoAbsent) {
  auto request = NewMeeting(a1_.name(), "September meeting", Evening(1));
  *request.mutable_meeting()->add_attendance() = Entry(alice_.name(), v1::Attendance::INVITED);
  *request.mutable_meeting()->add_attendance() = Entry(bob_.name(), v1::Attendance::INVITED);
  *request.mutable_meeting()->add_attendance() = Entry(carol_.name(), v1::Attendance::EXCUSED);
  v1::Meeting meeting;
  ASSERT_THAT(Create(convener_a1_, request, &meeting), IsOk());
  StartMeeting(meeting);
  ASSERT_THAT(
      Attend(convener_a1_, meeting.name(), {Entry(alice_.name(), v1::Attendance::ATTENDED)}),
      IsOk());
  v1::Meeting closed;
  ASSERT_THAT(Close(convener_a1_, meeting.name(), "Planning only", "", &closed), IsOk());
  ASSERT_THAT(closed.attendance(), SizeIs(3));
  EXPECT_EQ(closed.attendance(0).status(), v1::Attendance::ATTENDED);
  EXPECT_EQ(closed.attendance(1).status(), v1::Attendance::ABSENT);
  EXPECT_EQ(closed.attendance(2).status(), v1::Attendance::EXCUSED);
}

TEST_F(MeetingsTest, CloseMeetingErrors) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "September meeting", Evening(1));
  EXPECT_THAT(Close(convener_a1_, meeting.name(), "Too early"),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  const v1::Meeting started = StartMeeting(meeting);
  v1::CloseMeetingRequest request;
  request.set_name(meeting.name());
  request.set_no_commitment_reason("r");
  v1::Meeting closed;
  EXPECT_THAT(meetings().CloseMeeting(AnonymousCtx().get(), request, &closed),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a2_, alice_key_}) {
    EXPECT_THAT(Close(key, meeting.name(), "r"), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_THAT(Close(convener_a1_, MissingMeeting(), "r"), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Close(convener_a1_, meeting.name(), "r", meeting.etag()),
              HasCode(grpc::StatusCode::ABORTED));
  EXPECT_THAT(Close(convener_a1_, meeting.name(), std::string(kMaxTextLength + 1, 'x')),
              InvalidArgumentOn("no_commitment_reason"));
  ASSERT_THAT(Close(convener_a1_, meeting.name(), "r", started.etag()), IsOk());
  EXPECT_THAT(Close(convener_a1_, meeting.name(), "r"),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

// ---- CancelMeeting ----

TEST_F(MeetingsTest, CancelMeetingNeedsAReason) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "October meeting", Evening(1));
  EXPECT_THAT(Cancel(convener_a1_, meeting.name(), ""), InvalidArgumentOn("reason"));
  EXPECT_THAT(Cancel(convener_a1_, meeting.name(), " "), InvalidArgumentOn("reason"));
  v1::Meeting cancelled;
  ASSERT_THAT(Cancel(convener_a1_, meeting.name(), "Snow storm", meeting.etag(), &cancelled),
              IsOk());
  EXPECT_EQ(cancelled.state(), v1::Meeting::CANCELLED);
  EXPECT_EQ(cancelled.cancel_reason(), "Snow storm");
  EXPECT_EQ(Reload(meeting).state(), v1::Meeting::CANCELLED);
  EXPECT_THAT(Cancel(convener_a1_, meeting.name(), "Again"),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(MeetingsTest, MeetingInProgressCanBeCancelledButNotAClosedOne) {
  const v1::Meeting running = CreateMeeting(a1_.name(), "Running", Evening(1));
  StartMeeting(running);
  EXPECT_THAT(Cancel(convener_a1_, running.name(), "Fire alarm"), IsOk());

  const v1::Meeting held = CreateMeeting(a1_.name(), "Held", Evening(2));
  StartMeeting(held);
  ASSERT_THAT(Close(convener_a1_, held.name(), "Planning only"), IsOk());
  EXPECT_THAT(Cancel(convener_a1_, held.name(), "Too late"),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_EQ(Reload(held).state(), v1::Meeting::CLOSED);
}

TEST_F(MeetingsTest, CancelMeetingErrors) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "October meeting", Evening(1));
  v1::CancelMeetingRequest request;
  request.set_name(meeting.name());
  request.set_reason("r");
  v1::Meeting cancelled;
  EXPECT_THAT(meetings().CancelMeeting(AnonymousCtx().get(), request, &cancelled),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a2_, alice_key_}) {
    EXPECT_THAT(Cancel(key, meeting.name(), "r"), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_THAT(Cancel(convener_a1_, MissingMeeting(), "r"), HasCode(grpc::StatusCode::NOT_FOUND));
  StartMeeting(meeting);
  EXPECT_THAT(Cancel(convener_a1_, meeting.name(), "r", meeting.etag()),
              HasCode(grpc::StatusCode::ABORTED));
  EXPECT_EQ(Reload(meeting).state(), v1::Meeting::IN_PROGRESS);
}

// ---- RecordAttendance ----

TEST_F(MeetingsTest, RecordAttendanceReplacesEachPersonsEntry) {
  const mv1::Person rosa = PersonOf("Rosa Diaz", "Abingdon Pharmacy");
  auto request = NewMeeting(a1_.name(), "November meeting", Evening(1));
  *request.mutable_meeting()->add_attendance() = Entry(alice_.name(), v1::Attendance::INVITED);
  v1::Meeting meeting;
  ASSERT_THAT(Create(convener_a1_, request, &meeting), IsOk());
  const v1::Meeting started = StartMeeting(meeting);
  v1::Attendance rosa_entry = Entry(rosa.name(), v1::Attendance::ATTENDED);
  rosa_entry.set_note("walked in");
  v1::Meeting recorded;
  ASSERT_THAT(Attend(convener_a1_, meeting.name(),
                     {Entry(alice_.name(), v1::Attendance::EXCUSED), rosa_entry}, started.etag(),
                     &recorded),
              IsOk());
  ASSERT_THAT(recorded.attendance(), SizeIs(2));
  EXPECT_EQ(recorded.attendance(0).person(), alice_.name());
  EXPECT_EQ(recorded.attendance(0).status(), v1::Attendance::EXCUSED);
  EXPECT_EQ(recorded.attendance(1).person(), rosa.name());
  EXPECT_EQ(recorded.attendance(1).status(), v1::Attendance::ATTENDED);
  EXPECT_EQ(recorded.attendance(1).organization(), rosa.organization());
  EXPECT_EQ(recorded.attendance(1).note(), "walked in");
  EXPECT_EQ(Reload(meeting).etag(), recorded.etag());
}

TEST_F(MeetingsTest, AttendedAndAbsentAreRecordedOnceTheMeetingStarted) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "November meeting", Evening(1));
  EXPECT_THAT(
      Attend(convener_a1_, meeting.name(), {Entry(alice_.name(), v1::Attendance::ATTENDED)}),
      HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  v1::Meeting recorded;
  ASSERT_THAT(Attend(convener_a1_, meeting.name(), {Entry(bob_.name(), v1::Attendance::INVITED)},
                     "", &recorded),
              IsOk());
  EXPECT_THAT(recorded.attendance(), SizeIs(1));
  ASSERT_THAT(Cancel(convener_a1_, meeting.name(), "Snow storm"), IsOk());
  EXPECT_THAT(Attend(convener_a1_, meeting.name(), {Entry(bob_.name(), v1::Attendance::INVITED)}),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(MeetingsTest, ClosedMeetingTakesCorrectionsButNoInvitations) {
  const v1::Meeting meeting = Held("Held", Evening(1), {{alice_.name(), v1::Attendance::INVITED}});
  ASSERT_EQ(meeting.attendance(0).status(), v1::Attendance::ABSENT);
  EXPECT_THAT(Attend(convener_a1_, meeting.name(), {Entry(bob_.name(), v1::Attendance::INVITED)}),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  v1::Meeting corrected;
  ASSERT_THAT(Attend(convener_a1_, meeting.name(), {Entry(alice_.name(), v1::Attendance::ATTENDED)},
                     "", &corrected),
              IsOk());
  EXPECT_EQ(corrected.attendance(0).status(), v1::Attendance::ATTENDED);
  EXPECT_EQ(corrected.state(), v1::Meeting::CLOSED);
}

TEST_F(MeetingsTest, RecordAttendanceNamesEachBadField) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "November meeting", Evening(1));
  StartMeeting(meeting);
  EXPECT_THAT(Attend(convener_a1_, meeting.name(), {}), InvalidArgumentOn("attendance"));
  EXPECT_THAT(Attend(convener_a1_, meeting.name(),
                     {Entry(network_a_.name() + "/people/nobody", v1::Attendance::ATTENDED)}),
              InvalidArgumentOn("attendance"));
  EXPECT_THAT(Attend(convener_a1_, meeting.name(),
                     {Entry(alice_.name(), v1::Attendance::STATUS_UNSPECIFIED)}),
              InvalidArgumentOn("attendance[0].status"));
  EXPECT_THAT(Attend(convener_a1_, meeting.name(),
                     {Entry(alice_.name(), v1::Attendance::ATTENDED),
                      Entry(alice_.name(), v1::Attendance::ABSENT)}),
              InvalidArgumentOn("attendance[1].person"));
  EXPECT_THAT(Attend(convener_a1_, meeting.name(), {Entry(dana_b_.name(), v1::Attendance::ABSENT)}),
              InvalidArgumentOn("attendance[0].person"));
  EXPECT_THAT(Reload(meeting).attendance(), IsEmpty());
}

TEST_F(MeetingsTest, RecordAttendanceErrors) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "November meeting", Evening(1));
  const std::vector<v1::Attendance> entries = {Entry(alice_.name(), v1::Attendance::INVITED)};
  v1::RecordAttendanceRequest request;
  request.set_name(meeting.name());
  *request.add_attendance() = entries[0];
  v1::Meeting recorded;
  EXPECT_THAT(meetings().RecordAttendance(AnonymousCtx().get(), request, &recorded),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a2_, alice_key_}) {
    EXPECT_THAT(Attend(key, meeting.name(), entries), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_THAT(Attend(convener_a1_, MissingMeeting(), entries),
              HasCode(grpc::StatusCode::NOT_FOUND));
  ASSERT_THAT(Attend(convener_a1_, meeting.name(), entries, meeting.etag()), IsOk());
  EXPECT_THAT(Attend(convener_a1_, meeting.name(), entries, meeting.etag()),
              HasCode(grpc::StatusCode::ABORTED));
}

// ---- PreviewCheckIn ----

TEST_F(MeetingsTest, CheckInListsWhatCameDueSinceThePreviousMeetingAndWhatIsStillOpen) {
  const v1::Meeting previous = CreateMeeting(a1_.name(), "First", Evening(7));
  const v1::Commitment old_open = CreateCommitment(a1_.name(), alice_.name(), "old open", Day(3));
  const v1::Commitment old_done = CreateCommitment(a1_.name(), bob_.name(), "old done", Day(5));
  const v1::Commitment since_done = CreateCommitment(a1_.name(), bob_.name(), "since done", Day(9));
  const v1::Commitment since_open =
      CreateCommitment(a1_.name(), alice_.name(), "since open", Day(12));
  CreateCommitment(a1_.name(), alice_.name(), "after", Day(20));
  SetStatus(old_done, v1::Commitment::DONE);
  SetStatus(since_done, v1::Commitment::DONE);
  const v1::Meeting next = CreateMeeting(a1_.name(), "Second", Evening(14));
  EXPECT_EQ(next.previous_meeting(), previous.name());

  v1::AgendaItem item;
  ASSERT_THAT(Preview(convener_a1_, next.name(), &item), IsOk());
  EXPECT_TRUE(item.check_in());
  EXPECT_THAT(EntryCommitments(item),
              ElementsAre(old_open.name(), since_done.name(), since_open.name()));
  ASSERT_EQ(item.check_in_entries_size(), 3);
  EXPECT_TRUE(item.check_in_entries(0).carried_over());
  EXPECT_EQ(item.check_in_entries(0).status(), v1::Commitment::OPEN);
  EXPECT_EQ(item.check_in_entries(0).person(), alice_.name());
  EXPECT_EQ(item.check_in_entries(0).what(), "old open");
  EXPECT_FALSE(item.check_in_entries(1).carried_over());
  EXPECT_EQ(item.check_in_entries(1).status(), v1::Commitment::DONE);
  EXPECT_FALSE(item.check_in_entries(2).carried_over());
  EXPECT_EQ(item.check_in_entries(2).status(), v1::Commitment::OPEN);
}

TEST_F(MeetingsTest, PreviewCheckInShowsTheCheckInAsOfNowWithoutChangingTheMeeting) {
  const v1::Commitment due = CreateCommitment(a1_.name(), alice_.name(), "Call", Day(2));
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "Meeting", Evening(5));
  SetStatus(due, v1::Commitment::DONE);
  v1::AgendaItem item;
  ASSERT_THAT(Preview(alice_key_, meeting.name(), &item), IsOk());
  ASSERT_EQ(item.check_in_entries_size(), 1);
  EXPECT_EQ(item.check_in_entries(0).status(), v1::Commitment::DONE);
  const v1::Meeting stored = Reload(meeting);
  EXPECT_EQ(stored.etag(), meeting.etag());
  EXPECT_EQ(stored.agenda(0).check_in_entries(0).status(), v1::Commitment::OPEN);
}

TEST_F(MeetingsTest, CancelledMeetingIsNotThePreviousOne) {
  const v1::Meeting held = CreateMeeting(a1_.name(), "Held", Evening(2));
  const v1::Meeting cancelled = CreateMeeting(a1_.name(), "Cancelled", Evening(6));
  ASSERT_THAT(Cancel(convener_a1_, cancelled.name(), "Snow storm"), IsOk());
  const v1::Commitment between = CreateCommitment(a1_.name(), bob_.name(), "between", Day(4));
  SetStatus(between, v1::Commitment::DONE);
  const v1::Meeting next = CreateMeeting(a1_.name(), "Next", Evening(9));
  EXPECT_EQ(next.previous_meeting(), held.name());
  EXPECT_THAT(EntryCommitments(next.agenda(0)), ElementsAre(between.name()));
}

TEST_F(MeetingsTest, TeamMeetingChecksInOnlyItsTeamsCommitments) {
  const mv1::Team other_team =
      CreateTeam(a1_.name(), "Outreach team", team_a1_.name(), {bob_.name()});
  const v1::Commitment team_one = TeamCommitment(alice_.name(), "team", Day(2), team_a1_.name());
  const v1::Commitment other_one = TeamCommitment(bob_.name(), "other", Day(2), other_team.name());
  const v1::Commitment coalition_one =
      CreateCommitment(a1_.name(), bob_.name(), "coalition", Day(2));
  // A coalition meeting before it is not the team's previous meeting.
  CreateMeeting(a1_.name(), "Coalition", Evening(1));
  const v1::Meeting team_meeting =
      CreateMeeting(a1_.name(), "Huddle", Evening(4), v1::Meeting::TEAM, team_a1_.name());
  EXPECT_EQ(team_meeting.previous_meeting(), "");
  v1::AgendaItem item;
  ASSERT_THAT(Preview(convener_a1_, team_meeting.name(), &item), IsOk());
  EXPECT_THAT(EntryCommitments(item), ElementsAre(team_one.name()));

  const v1::Meeting coalition_meeting = CreateMeeting(a1_.name(), "Coalition 2", Evening(5));
  ASSERT_THAT(Preview(convener_a1_, coalition_meeting.name(), &item), IsOk());
  EXPECT_THAT(EntryCommitments(item),
              UnorderedElementsAre(team_one.name(), other_one.name(), coalition_one.name()));
}

TEST_F(MeetingsTest, PreviewCheckInErrors) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "Meeting", Evening(5));
  v1::PreviewCheckInRequest request;
  request.set_name(meeting.name());
  v1::AgendaItem item;
  EXPECT_THAT(meetings().PreviewCheckIn(AnonymousCtx().get(), request, &item),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Preview(admin_b_, meeting.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Preview(convener_a2_, meeting.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Preview(convener_a1_, MissingMeeting()), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Preview(convener_a1_, "nonsense"), InvalidArgumentOn("name"));
}

// ---- GetAttendanceReport ----

TEST_F(MeetingsTest, AttendanceReportPutsTheLowestRateFirst) {
  const mv1::Person rosa = PersonOf("Rosa Diaz", "Abingdon Pharmacy");
  Held("January", Evening(1),
       {{alice_.name(), v1::Attendance::ATTENDED},
        {bob_.name(), v1::Attendance::INVITED},
        {rosa.name(), v1::Attendance::ATTENDED}});
  Held("February", Evening(3),
       {{alice_.name(), v1::Attendance::ATTENDED},
        {bob_.name(), v1::Attendance::ATTENDED},
        {rosa.name(), v1::Attendance::EXCUSED}});
  Held("March", Evening(5),
       {{alice_.name(), v1::Attendance::ATTENDED},
        {bob_.name(), v1::Attendance::ABSENT},
        {rosa.name(), v1::Attendance::ABSENT}});
  v1::AttendanceReport report;
  ASSERT_THAT(Report(convener_a1_, Day(0), Day(10), "", &report), IsOk());
  ASSERT_THAT(report.people(), SizeIs(3));
  // bob 1 of 3, rosa 1 of 2 (excused does not count), alice 3 of 3.
  EXPECT_EQ(report.people(0).subject(), bob_.name());
  EXPECT_EQ(report.people(0).meetings(), 3);
  EXPECT_EQ(report.people(0).attended(), 1);
  EXPECT_EQ(report.people(0).absent(), 2);
  EXPECT_DOUBLE_EQ(report.people(0).rate(), 1.0 / 3);
  EXPECT_EQ(report.people(1).subject(), rosa.name());
  EXPECT_EQ(report.people(1).excused(), 1);
  EXPECT_DOUBLE_EQ(report.people(1).rate(), 0.5);
  EXPECT_EQ(report.people(2).subject(), alice_.name());
  EXPECT_DOUBLE_EQ(report.people(2).rate(), 1.0);
  EXPECT_EQ(FromProtoTimestamp(report.people(2).last_attended_time()), Evening(5));
  ASSERT_THAT(report.organizations(), SizeIs(1));
  EXPECT_EQ(report.organizations(0).subject(), rosa.organization());
  EXPECT_EQ(report.organizations(0).meetings(), 3);
  EXPECT_DOUBLE_EQ(report.organizations(0).rate(), 0.5);
}

TEST_F(MeetingsTest, AttendanceReportCountsClosedMeetingsInTheWindowOnly) {
  Held("In the window", Evening(2), {{alice_.name(), v1::Attendance::ATTENDED}});
  Held("After the window", Evening(9), {{alice_.name(), v1::Attendance::ABSENT}});
  auto request = NewMeeting(a1_.name(), "Still running", Evening(3));
  *request.mutable_meeting()->add_attendance() = Entry(alice_.name(), v1::Attendance::INVITED);
  v1::Meeting running;
  ASSERT_THAT(Create(convener_a1_, request, &running), IsOk());
  StartMeeting(running);
  ASSERT_THAT(Attend(convener_a1_, running.name(), {Entry(alice_.name(), v1::Attendance::ABSENT)}),
              IsOk());
  v1::AttendanceReport report;
  ASSERT_THAT(Report(alice_key_, Day(2), Day(8), "", &report), IsOk());
  ASSERT_THAT(report.people(), SizeIs(1));
  EXPECT_EQ(report.people(0).meetings(), 1);
  EXPECT_DOUBLE_EQ(report.people(0).rate(), 1.0);
  ASSERT_THAT(Report(alice_key_, Day(9), Day(9), "", &report), IsOk());
  ASSERT_THAT(report.people(), SizeIs(1));
  EXPECT_DOUBLE_EQ(report.people(0).rate(), 0.0);
}

TEST_F(MeetingsTest, AttendanceReportOfATeamCountsItsMeetingsOnly) {
  Held("Coalition", Evening(1), {{alice_.name(), v1::Attendance::ATTENDED}});
  Held("Huddle", Evening(2),
       {{alice_.name(), v1::Attendance::ABSENT}, {bob_.name(), v1::Attendance::ATTENDED}},
       team_a1_.name());
  v1::AttendanceReport report;
  ASSERT_THAT(Report(convener_a1_, Day(0), Day(5), team_a1_.name(), &report), IsOk());
  ASSERT_THAT(report.people(), SizeIs(2));
  EXPECT_EQ(report.people(0).subject(), alice_.name());
  EXPECT_EQ(report.people(0).meetings(), 1);
  EXPECT_DOUBLE_EQ(report.people(0).rate(), 0.0);
  EXPECT_EQ(report.people(1).subject(), bob_.name());
  ASSERT_THAT(Report(convener_a1_, Day(0), Day(5), "", &report), IsOk());
  ASSERT_THAT(report.people(), SizeIs(2));
  EXPECT_EQ(report.people(0).subject(), alice_.name());
  EXPECT_EQ(report.people(0).meetings(), 2);
  EXPECT_DOUBLE_EQ(report.people(0).rate(), 0.5);
}

TEST_F(MeetingsTest, AttendanceReportValidatesTheWindow) {
  EXPECT_THAT(Report(convener_a1_, Day(5), Day(1)), InvalidArgumentOn("window.end_date"));
  EXPECT_THAT(Report(convener_a1_, Day(0), Day(3 * 366 + 1)), InvalidArgumentOn("window.end_date"));
  Date bad = Day(0);
  bad.set_month(2);
  bad.set_day(30);
  EXPECT_THAT(Report(convener_a1_, bad, Day(1)), InvalidArgumentOn("window.start_date"));
  v1::GetAttendanceReportRequest request;
  request.set_parent(a1_.name());
  *request.mutable_window()->mutable_end_date() = Day(1);
  v1::AttendanceReport report;
  EXPECT_THAT(meetings().GetAttendanceReport(Ctx(convener_a1_).get(), request, &report),
              InvalidArgumentOn("window.start_date"));
  EXPECT_THAT(Report(convener_a1_, Day(0), Day(1), a2_.name() + "/teams/t1"),
              InvalidArgumentOn("team"));
  request.set_parent("a1");
  *request.mutable_window()->mutable_start_date() = Day(0);
  EXPECT_THAT(meetings().GetAttendanceReport(Ctx(convener_a1_).get(), request, &report),
              InvalidArgumentOn("parent"));
}

TEST_F(MeetingsTest, AttendanceReportChecksTheCaller) {
  v1::GetAttendanceReportRequest request;
  request.set_parent(a1_.name());
  *request.mutable_window()->mutable_start_date() = Day(0);
  *request.mutable_window()->mutable_end_date() = Day(1);
  v1::AttendanceReport report;
  EXPECT_THAT(meetings().GetAttendanceReport(AnonymousCtx().get(), request, &report),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Report(admin_b_, Day(0), Day(1)), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Report(convener_a2_, Day(0), Day(1)), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Report(admin_a_, Day(0), Day(1)), IsOk());
}

// ---- Audit ----

TEST_F(MeetingsTest, EveryChangeOfAMeetingIsAuditedOnce) {
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "Audited", Evening(1));
  v1::Meeting patch;
  patch.set_name(meeting.name());
  patch.set_display_name("Audited meeting");
  ASSERT_THAT(Update(convener_a1_, patch, {"display_name"}), IsOk());
  ASSERT_THAT(Attend(convener_a1_, meeting.name(), {Entry(alice_.name(), v1::Attendance::INVITED)}),
              IsOk());
  StartMeeting(meeting);
  // A refused change writes nothing.
  EXPECT_THAT(Close(convener_a1_, meeting.name(), ""), InvalidArgumentOn("no_commitment_reason"));
  ASSERT_THAT(Close(convener_a1_, meeting.name(), "Planning only"), IsOk());
  ASSERT_THAT(Preview(convener_a1_, meeting.name()), IsOk());
  // Events of the same instant have no order among them.
  EXPECT_THAT(AuditedMethods(meeting.name()),
              UnorderedElementsAre("CloseMeeting", "StartMeeting", "RecordAttendance",
                                   "UpdateMeeting", "CreateMeeting"));

  const v1::Meeting other = CreateMeeting(a1_.name(), "Cancelled", Evening(2));
  ASSERT_THAT(Cancel(convener_a1_, other.name(), "Snow storm"), IsOk());
  EXPECT_THAT(AuditedMethods(other.name()), UnorderedElementsAre("CancelMeeting", "CreateMeeting"));
  const auto events = MeetingsAuditEvents(network_a_.name(), other.name());
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_FALSE(events[0].actor().empty());
}

}  // namespace
}  // namespace coalition::meetings::testing
