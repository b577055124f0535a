// Campaign timelines with progress rolled up from commitments, accomplishments, and the
// service's audit log.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "tests/unit/meetings/meetings_test_fixture.h"

namespace coalition::meetings::testing {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

constexpr absl::Duration kDay = absl::Hours(24);
constexpr double kTolerance = 1e-9;

v1::PeakGoal* AddGoal(v1::Campaign& campaign, const std::string& id, const Date& target,
                      double weight = 0) {
  v1::PeakGoal* goal = campaign.add_peak_goals();
  goal->set_id(id);
  goal->set_title(absl::StrCat("Peak goal ", id));
  *goal->mutable_target_date() = target;
  goal->set_weight(weight);
  return goal;
}

v1::Tactic* AddTactic(v1::PeakGoal* goal, const std::string& id,
                      const std::vector<std::pair<std::string, double>>& commitments = {}) {
  v1::Tactic* tactic = goal->add_tactics();
  tactic->set_id(id);
  tactic->set_title(absl::StrCat("Tactic ", id));
  for (const auto& [commitment, weight] : commitments) {
    v1::TacticCommitment* link = tactic->add_commitments();
    link->set_commitment(commitment);
    link->set_weight(weight);
  }
  return tactic;
}

class CampaignsTest : public MeetingsServiceTest {
 protected:
  v1::Campaign NewCampaign(const std::string& display_name) {
    v1::Campaign campaign;
    campaign.set_display_name(display_name);
    campaign.set_mountain_top_goal("Cut 30-day readmissions in southwest VA by 20%");
    campaign.set_strong_foundation("Hospital and home-health partners signed on");
    return campaign;
  }

  grpc::Status Create(const std::string& key, const v1::Campaign& campaign,
                      v1::Campaign* created = nullptr, const std::string& parent = "",
                      const std::string& request_id = "") {
    v1::CreateCampaignRequest request;
    request.set_parent(parent.empty() ? a1_.name() : parent);
    *request.mutable_campaign() = campaign;
    request.set_request_id(request_id);
    v1::Campaign ignored;
    return meetings().CreateCampaign(Ctx(key).get(), request,
                                     created != nullptr ? created : &ignored);
  }

  v1::Campaign MustCreate(const v1::Campaign& campaign) {
    v1::Campaign created;
    EXPECT_THAT(Create(convener_a1_, campaign, &created), IsOk());
    return created;
  }

  grpc::Status Get(const std::string& key, const std::string& name,
                   v1::Campaign* campaign = nullptr) {
    v1::GetCampaignRequest request;
    request.set_name(name);
    v1::Campaign ignored;
    return meetings().GetCampaign(Ctx(key).get(), request,
                                  campaign != nullptr ? campaign : &ignored);
  }

  grpc::Status Update(const std::string& key, const v1::Campaign& patch,
                      const std::vector<std::string>& paths, v1::Campaign* updated = nullptr) {
    v1::UpdateCampaignRequest request;
    *request.mutable_campaign() = patch;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::Campaign ignored;
    return meetings().UpdateCampaign(Ctx(key).get(), request,
                                     updated != nullptr ? updated : &ignored);
  }

  grpc::Status Delete(const std::string& key, const std::string& name,
                      const std::string& etag = "") {
    v1::DeleteCampaignRequest request;
    request.set_name(name);
    request.set_etag(etag);
    google::protobuf::Empty empty;
    return meetings().DeleteCampaign(Ctx(key).get(), request, &empty);
  }

  std::string Commitment(const std::string& what) {
    return CreateCommitment(a1_.name(), alice_.name(), what, Day(30)).name();
  }
};

// ---- CreateCampaign ----

TEST_F(CampaignsTest, CreateCampaignKeepsItsTimeline) {
  const mv1::MeasurableAim aim = CreateAim(a1_.name(), "30-day readmissions", 18.0, 14.4, 17.5);
  const v1::Meeting kick_off =
      CreateMeeting(a1_.name(), "Kick-off", clock().Now() + 7 * kDay, v1::Meeting::KICK_OFF);
  const v1::Meeting celebration = CreateMeeting(
      a1_.name(), "Mountain top", clock().Now() + 200 * kDay, v1::Meeting::CELEBRATION);
  const std::string call = Commitment("Call three clinics");
  v1::Campaign campaign = NewCampaign("Readmissions campaign");
  campaign.set_aim(aim.name());
  campaign.set_kick_off_meeting(kick_off.name());
  campaign.set_celebration_meeting(celebration.name());
  *campaign.mutable_celebration_date() = Day(200);
  AddTactic(AddGoal(campaign, "discharge-calls", Day(60)), "clinic-calls", {{call, 0}});
  AddGoal(campaign, "pharmacy", Day(120));

  v1::Campaign created;
  ASSERT_THAT(Create(convener_a1_, campaign, &created), IsOk());
  EXPECT_THAT(created.name(), StartsWith(a1_.name() + "/campaigns/"));
  EXPECT_EQ(created.aim(), aim.name());
  EXPECT_EQ(created.kick_off_meeting(), kick_off.name());
  EXPECT_EQ(created.celebration_meeting(), celebration.name());
  ASSERT_THAT(created.peak_goals(), SizeIs(2));
  EXPECT_EQ(created.peak_goals(0).tactics(0).commitments(0).commitment(), call);
  EXPECT_EQ(created.progress(), 0.0);
  EXPECT_FALSE(created.etag().empty());
  EXPECT_TRUE(created.has_create_time());

  v1::Campaign loaded;
  ASSERT_THAT(Get(alice_key_, created.name(), &loaded), IsOk());
  EXPECT_EQ(loaded.display_name(), "Readmissions campaign");
  EXPECT_EQ(loaded.etag(), created.etag());

  const auto events = MeetingsAuditEvents(network_a_.name(), created.name());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].method(), "coalition.meetings.v1.MeetingsService/CreateCampaign");
}

TEST_F(CampaignsTest, CreateCampaignNamesEachBadField) {
  v1::Campaign campaign = NewCampaign("");
  EXPECT_THAT(Create(convener_a1_, campaign), InvalidArgumentOn("campaign.display_name"));
  campaign = NewCampaign("Campaign");
  campaign.clear_mountain_top_goal();
  EXPECT_THAT(Create(convener_a1_, campaign), InvalidArgumentOn("campaign.mountain_top_goal"));

  campaign = NewCampaign("Campaign");
  AddGoal(campaign, "late", Day(60));
  AddGoal(campaign, "early", Day(30));
  EXPECT_THAT(Create(convener_a1_, campaign),
              InvalidArgumentOn("campaign.peak_goals[1].target_date"));

  campaign = NewCampaign("Campaign");
  v1::PeakGoal* goal = AddGoal(campaign, "g", Day(60));
  AddTactic(goal, "t");
  AddTactic(goal, "t");
  EXPECT_THAT(Create(convener_a1_, campaign),
              InvalidArgumentOn("campaign.peak_goals[0].tactics[1].id"));

  campaign = NewCampaign("Campaign");
  AddGoal(campaign, "g", Day(60), -1);
  EXPECT_THAT(Create(convener_a1_, campaign), InvalidArgumentOn("campaign.peak_goals[0].weight"));

  campaign = NewCampaign("Campaign");
  AddTactic(AddGoal(campaign, "g", Day(60)), "t", {{a2_.name() + "/commitments/c", 1}});
  EXPECT_THAT(Create(convener_a1_, campaign),
              InvalidArgumentOn("campaign.peak_goals[0].tactics[0].commitments[0].commitment"));

  campaign = NewCampaign("Campaign");
  campaign.set_aim(a2_.name() + "/aims/x");
  EXPECT_THAT(Create(convener_a1_, campaign), InvalidArgumentOn("campaign.aim"));

  EXPECT_THAT(Create(convener_a1_, NewCampaign("Campaign"), nullptr, "networks/x"),
              InvalidArgumentOn("parent"));
}

TEST_F(CampaignsTest, ReferencesMustExist) {
  v1::Campaign campaign = NewCampaign("Campaign");
  campaign.set_aim(a1_.name() + "/aims/doesnotexist");
  EXPECT_THAT(Create(convener_a1_, campaign), InvalidArgumentOn("campaign.aim"));

  campaign = NewCampaign("Campaign");
  campaign.set_kick_off_meeting(a1_.name() + "/meetings/doesnotexist");
  EXPECT_THAT(Create(convener_a1_, campaign), InvalidArgumentOn("campaign.kick_off_meeting"));

  campaign = NewCampaign("Campaign");
  campaign.set_celebration_meeting(a1_.name() + "/meetings/doesnotexist");
  EXPECT_THAT(Create(convener_a1_, campaign), InvalidArgumentOn("campaign.celebration_meeting"));

  campaign = NewCampaign("Campaign");
  const std::string real = Commitment("real");
  v1::PeakGoal* goal = AddGoal(campaign, "g", Day(60));
  AddTactic(goal, "t1", {{real, 1}});
  AddTactic(goal, "t2", {{real, 1}, {a1_.name() + "/commitments/doesnotexist", 1}});
  EXPECT_THAT(Create(convener_a1_, campaign),
              InvalidArgumentOn("campaign.peak_goals[0].tactics[1].commitments[1].commitment"));
}

TEST_F(CampaignsTest, RetriedCreateReturnsTheFirstCampaign) {
  v1::Campaign first;
  v1::Campaign second;
  ASSERT_THAT(Create(convener_a1_, NewCampaign("Campaign"), &first, "", "campaign-request-1"),
              IsOk());
  ASSERT_THAT(Create(convener_a1_, NewCampaign("Campaign"), &second, "", "campaign-request-1"),
              IsOk());
  EXPECT_EQ(second.name(), first.name());
  v1::ListCampaignsRequest request;
  request.set_parent(a1_.name());
  v1::ListCampaignsResponse response;
  ASSERT_THAT(meetings().ListCampaigns(Ctx(convener_a1_).get(), request, &response), IsOk());
  EXPECT_THAT(response.campaigns(), SizeIs(1));
  EXPECT_THAT(MeetingsAuditEvents(network_a_.name(), first.name()), SizeIs(1));
}

TEST_F(CampaignsTest, RequestIdOfAnotherCoalitionDoesNotReturnItsCampaign) {
  v1::Campaign a1_campaign;
  ASSERT_THAT(Create(convener_a1_, NewCampaign("a1 only"), &a1_campaign, "", "shared-request"),
              IsOk());
  v1::Campaign a2_campaign;
  const grpc::Status status =
      Create(convener_a2_, NewCampaign("a2"), &a2_campaign, a2_.name(), "shared-request");
  EXPECT_THAT(status, InvalidArgumentOn("request_id"));
  EXPECT_NE(a2_campaign.name(), a1_campaign.name());
  EXPECT_NE(a2_campaign.display_name(), "a1 only");
}

TEST_F(CampaignsTest, CreateCampaignChecksTheCaller) {
  v1::CreateCampaignRequest request;
  request.set_parent(a1_.name());
  *request.mutable_campaign() = NewCampaign("Campaign");
  v1::Campaign created;
  EXPECT_THAT(meetings().CreateCampaign(AnonymousCtx().get(), request, &created),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a2_, alice_key_, service_a_}) {
    EXPECT_THAT(Create(key, NewCampaign("Campaign")), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_THAT(Create(admin_a_, NewCampaign("Campaign")), IsOk());
}

// ---- Progress ----

TEST_F(CampaignsTest, ProgressRollsUpWeightedFromCommitments) {
  const v1::Commitment c1 = CreateCommitment(a1_.name(), alice_.name(), "c1", Day(10));
  const v1::Commitment c2 = CreateCommitment(a1_.name(), alice_.name(), "c2", Day(10));
  const v1::Commitment c3 = CreateCommitment(a1_.name(), bob_.name(), "c3", Day(10));
  const v1::Commitment c4 = CreateCommitment(a1_.name(), bob_.name(), "c4", Day(10));
  v1::Campaign campaign = NewCampaign("Campaign");
  v1::PeakGoal* first = AddGoal(campaign, "first", Day(30));
  AddTactic(first, "t1", {{c1.name(), 1}, {c2.name(), 3}});
  AddTactic(first, "t2", {{c3.name(), 0}});
  AddTactic(AddGoal(campaign, "second", Day(60), 2), "t3", {{c4.name(), 0}});
  const v1::Campaign created = MustCreate(campaign);
  EXPECT_EQ(created.progress(), 0.0);

  auto progress = [&](const std::string& key) {
    v1::Campaign loaded;
    EXPECT_THAT(Get(key, created.name(), &loaded), IsOk());
    return loaded;
  };
  SetStatus(c2, v1::Commitment::DONE);
  v1::Campaign loaded = progress(convener_a1_);
  EXPECT_THAT(loaded.peak_goals(0).tactics(0).progress(), DoubleNear(0.75, kTolerance));
  EXPECT_THAT(loaded.peak_goals(0).tactics(1).progress(), DoubleNear(0.0, kTolerance));
  EXPECT_THAT(loaded.peak_goals(0).progress(), DoubleNear(0.375, kTolerance));
  EXPECT_THAT(loaded.peak_goals(1).progress(), DoubleNear(0.0, kTolerance));
  EXPECT_THAT(loaded.progress(), DoubleNear(0.125, kTolerance));

  SetStatus(c4, v1::Commitment::DONE);
  EXPECT_THAT(progress(alice_key_).progress(), DoubleNear((0.375 + 2 * 1.0) / 3, kTolerance));

  // A released commitment leaves its tactic; a tactic with nothing left counts 0.
  SetStatus(c1, v1::Commitment::RELEASED, "handed back");
  SetStatus(c3, v1::Commitment::RELEASED, "handed back");
  loaded = progress(admin_a_);
  EXPECT_THAT(loaded.peak_goals(0).tactics(0).progress(), DoubleNear(1.0, kTolerance));
  EXPECT_THAT(loaded.peak_goals(0).tactics(1).progress(), DoubleNear(0.0, kTolerance));
  EXPECT_THAT(loaded.peak_goals(0).progress(), DoubleNear(0.5, kTolerance));
  EXPECT_THAT(loaded.progress(), DoubleNear((0.5 + 2 * 1.0) / 3, kTolerance));

  // The list rolls up the same way.
  v1::ListCampaignsRequest request;
  request.set_parent(a1_.name());
  v1::ListCampaignsResponse response;
  ASSERT_THAT(meetings().ListCampaigns(Ctx(convener_a1_).get(), request, &response), IsOk());
  ASSERT_THAT(response.campaigns(), SizeIs(1));
  EXPECT_THAT(response.campaigns(0).progress(), DoubleNear((0.5 + 2 * 1.0) / 3, kTolerance));
  EXPECT_THAT(response.campaigns(0).peak_goals(0).tactics(0).progress(),
              DoubleNear(1.0, kTolerance));
}

TEST_F(CampaignsTest, ReopenedCommitmentTakesItsProgressBack) {
  const v1::Commitment c1 = CreateCommitment(a1_.name(), alice_.name(), "c1", Day(10));
  v1::Campaign campaign = NewCampaign("Campaign");
  AddTactic(AddGoal(campaign, "g", Day(30)), "t", {{c1.name(), 0}});
  const v1::Campaign created = MustCreate(campaign);
  SetStatus(c1, v1::Commitment::DONE);
  v1::Campaign loaded;
  ASSERT_THAT(Get(convener_a1_, created.name(), &loaded), IsOk());
  EXPECT_THAT(loaded.progress(), DoubleNear(1.0, kTolerance));
  v1::ReopenCommitmentRequest reopen;
  reopen.set_name(c1.name());
  reopen.set_note("not finished after all");
  v1::Commitment reopened;
  ASSERT_THAT(meetings().ReopenCommitment(Ctx(convener_a1_).get(), reopen, &reopened), IsOk());
  ASSERT_THAT(Get(convener_a1_, created.name(), &loaded), IsOk());
  EXPECT_THAT(loaded.progress(), DoubleNear(0.0, kTolerance));
}

// ---- GetCampaign and ListCampaigns ----

TEST_F(CampaignsTest, GetCampaignErrors) {
  const v1::Campaign created = MustCreate(NewCampaign("Campaign"));
  EXPECT_THAT(Get(admin_a_, a1_.name() + "/campaigns/doesnotexist"),
              HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Get(admin_a_, a1_.name() + "/meetings/x"), InvalidArgumentOn("name"));
  v1::GetCampaignRequest request;
  request.set_name(created.name());
  v1::Campaign loaded;
  EXPECT_THAT(meetings().GetCampaign(AnonymousCtx().get(), request, &loaded),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(Get(admin_b_, created.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(Get(convener_a2_, created.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(CampaignsTest, ListCampaignsPagesThroughTheCoalitionsCampaigns) {
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) names.push_back(MustCreate(NewCampaign(absl::StrCat("c", i))).name());
  v1::Campaign elsewhere;
  ASSERT_THAT(Create(convener_a2_, NewCampaign("a2"), &elsewhere, a2_.name()), IsOk());

  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    v1::ListCampaignsRequest request;
    request.set_parent(a1_.name());
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListCampaignsResponse response;
    ASSERT_THAT(meetings().ListCampaigns(Ctx(alice_key_).get(), request, &response), IsOk());
    EXPECT_LE(response.campaigns_size(), 2);
    for (const v1::Campaign& c : response.campaigns()) seen.push_back(c.name());
    token = response.next_page_token();
  } while (!token.empty() && ++pages < 10);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(seen, names);

  v1::ListCampaignsRequest request;
  request.set_parent(a1_.name());
  v1::ListCampaignsResponse response;
  EXPECT_THAT(meetings().ListCampaigns(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(meetings().ListCampaigns(Ctx(admin_b_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().ListCampaigns(Ctx(convener_a2_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

// ---- UpdateCampaign ----

TEST_F(CampaignsTest, UpdateCampaignChangesOnlyTheMaskedFields) {
  const v1::Campaign created = MustCreate(NewCampaign("Campaign"));
  const std::string call = Commitment("call");
  clock().Advance(absl::Hours(1));
  v1::Campaign patch = NewCampaign("Renamed campaign");
  patch.set_name(created.name());
  patch.set_etag(created.etag());
  patch.set_mountain_top_goal("not in the mask");
  AddTactic(AddGoal(patch, "g", Day(30)), "t", {{call, 0}});
  v1::Campaign updated;
  ASSERT_THAT(Update(convener_a1_, patch, {"display_name", "peak_goals"}, &updated), IsOk());
  EXPECT_EQ(updated.display_name(), "Renamed campaign");
  EXPECT_EQ(updated.mountain_top_goal(), created.mountain_top_goal());
  ASSERT_THAT(updated.peak_goals(), SizeIs(1));
  EXPECT_EQ(updated.peak_goals(0).tactics(0).commitments(0).commitment(), call);
  EXPECT_NE(updated.etag(), created.etag());
  EXPECT_EQ(FromProtoTimestamp(updated.update_time()), clock().Now());
  v1::Campaign loaded;
  ASSERT_THAT(Get(convener_a1_, created.name(), &loaded), IsOk());
  EXPECT_EQ(loaded.etag(), updated.etag());
  EXPECT_EQ(loaded.display_name(), "Renamed campaign");

  EXPECT_THAT(Update(convener_a1_, patch, {"display_name"}), HasCode(grpc::StatusCode::ABORTED));
  patch.clear_etag();
  EXPECT_THAT(Update(convener_a1_, patch, {"progress"}), InvalidArgumentOn("update_mask"));
  EXPECT_THAT(Update(convener_a1_, patch, {"create_time"}), InvalidArgumentOn("update_mask"));
}

TEST_F(CampaignsTest, UpdateCampaignValidatesAndChecksReferences) {
  const v1::Campaign created = MustCreate(NewCampaign("Campaign"));
  v1::Campaign patch;
  patch.set_name(created.name());
  EXPECT_THAT(Update(convener_a1_, patch, {"display_name"}),
              InvalidArgumentOn("campaign.display_name"));
  patch.set_aim(a1_.name() + "/aims/doesnotexist");
  EXPECT_THAT(Update(convener_a1_, patch, {"aim"}), InvalidArgumentOn("campaign.aim"));
  patch.set_kick_off_meeting(a1_.name() + "/meetings/doesnotexist");
  EXPECT_THAT(Update(convener_a1_, patch, {"kick_off_meeting"}),
              InvalidArgumentOn("campaign.kick_off_meeting"));
  AddTactic(AddGoal(patch, "g", Day(30)), "t", {{a1_.name() + "/commitments/doesnotexist", 0}});
  EXPECT_THAT(Update(convener_a1_, patch, {"peak_goals"}),
              InvalidArgumentOn("campaign.peak_goals[0].tactics[0].commitments[0].commitment"));

  const mv1::MeasurableAim aim = CreateAim(a1_.name(), "30-day readmissions", 18.0, 14.4, 17.5);
  patch.set_aim(aim.name());
  v1::Campaign updated;
  ASSERT_THAT(Update(convener_a1_, patch, {"aim"}, &updated), IsOk());
  EXPECT_EQ(updated.aim(), aim.name());

  patch.set_name(a1_.name() + "/campaigns/doesnotexist");
  EXPECT_THAT(Update(convener_a1_, patch, {"aim"}), HasCode(grpc::StatusCode::NOT_FOUND));
  patch.set_name(a1_.name() + "/meetings/x");
  EXPECT_THAT(Update(convener_a1_, patch, {"aim"}), InvalidArgumentOn("campaign.name"));
}

TEST_F(CampaignsTest, UpdateCampaignChecksTheCaller) {
  const v1::Campaign created = MustCreate(NewCampaign("Campaign"));
  v1::Campaign patch;
  patch.set_name(created.name());
  patch.set_display_name("Renamed");
  v1::UpdateCampaignRequest request;
  *request.mutable_campaign() = patch;
  v1::Campaign updated;
  EXPECT_THAT(meetings().UpdateCampaign(AnonymousCtx().get(), request, &updated),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a2_, alice_key_}) {
    EXPECT_THAT(Update(key, patch, {"display_name"}), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_THAT(Update(admin_a_, patch, {"display_name"}), IsOk());
}

// ---- DeleteCampaign ----

TEST_F(CampaignsTest, DeleteCampaignTakesTheEtag) {
  const v1::Campaign created = MustCreate(NewCampaign("Campaign"));
  v1::Campaign patch;
  patch.set_name(created.name());
  patch.set_display_name("Renamed");
  v1::Campaign updated;
  ASSERT_THAT(Update(convener_a1_, patch, {"display_name"}, &updated), IsOk());
  EXPECT_THAT(Delete(convener_a1_, created.name(), created.etag()),
              HasCode(grpc::StatusCode::ABORTED));
  ASSERT_THAT(Delete(convener_a1_, created.name(), updated.etag()), IsOk());
  EXPECT_THAT(Get(convener_a1_, created.name()), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(Delete(convener_a1_, created.name()), HasCode(grpc::StatusCode::NOT_FOUND));
  bool audited = false;
  for (const auto& event : MeetingsAuditEvents(network_a_.name(), created.name())) {
    audited |= event.method() == "coalition.meetings.v1.MeetingsService/DeleteCampaign";
  }
  EXPECT_TRUE(audited);
}

TEST_F(CampaignsTest, DeleteCampaignChecksTheCaller) {
  const v1::Campaign created = MustCreate(NewCampaign("Campaign"));
  v1::DeleteCampaignRequest request;
  request.set_name(created.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(meetings().DeleteCampaign(AnonymousCtx().get(), request, &empty),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a2_, alice_key_}) {
    EXPECT_THAT(Delete(key, created.name()), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_THAT(Delete(admin_a_, a1_.name() + "/meetings/x"), InvalidArgumentOn("name"));
  EXPECT_THAT(Get(convener_a1_, created.name()), IsOk());
}

// ---- Accomplishments ----

class AccomplishmentsTest : public CampaignsTest {
 protected:
  v1::Accomplishment NewAccomplishment(const std::string& title, const Date& date,
                                       const std::string& source = "") {
    v1::Accomplishment accomplishment;
    accomplishment.set_title(title);
    accomplishment.set_description("Celebrated at the coalition meeting");
    *accomplishment.mutable_date() = date;
    accomplishment.set_source(source);
    return accomplishment;
  }

  grpc::Status CreateAccomplishment(const std::string& key,
                                    const v1::Accomplishment& accomplishment,
                                    v1::Accomplishment* created = nullptr,
                                    const std::string& parent = "",
                                    const std::string& request_id = "") {
    v1::CreateAccomplishmentRequest request;
    request.set_parent(parent.empty() ? a1_.name() : parent);
    *request.mutable_accomplishment() = accomplishment;
    request.set_request_id(request_id);
    v1::Accomplishment ignored;
    return meetings().CreateAccomplishment(Ctx(key).get(), request,
                                           created != nullptr ? created : &ignored);
  }

  std::vector<std::string> ListTitles(const std::string& key, int page_size = 2) {
    std::vector<std::string> titles;
    std::string token;
    int pages = 0;
    do {
      v1::ListAccomplishmentsRequest request;
      request.set_parent(a1_.name());
      request.set_page_size(page_size);
      request.set_page_token(token);
      v1::ListAccomplishmentsResponse response;
      const grpc::Status status =
          meetings().ListAccomplishments(Ctx(key).get(), request, &response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(response.accomplishments_size(), page_size);
      for (const v1::Accomplishment& a : response.accomplishments()) titles.push_back(a.title());
      token = response.next_page_token();
    } while (!token.empty() && ++pages < 20);
    return titles;
  }
};

TEST_F(AccomplishmentsTest, CreateAccomplishmentFromEachKindOfSource) {
  const v1::Commitment commitment = CreateCommitment(a1_.name(), alice_.name(), "call", Day(1));
  const v1::Meeting meeting = CreateMeeting(a1_.name(), "January", clock().Now() + kDay);
  const v1::Campaign campaign = MustCreate(NewCampaign("Campaign"));
  for (const std::string& source :
       {commitment.name(), meeting.name(), campaign.name(), std::string()}) {
    v1::Accomplishment created;
    ASSERT_THAT(
        CreateAccomplishment(convener_a1_,
                             NewAccomplishment("Readmissions down 5%", Day(0), source), &created),
        IsOk())
        << source;
    EXPECT_THAT(created.name(), StartsWith(a1_.name() + "/accomplishments/"));
    EXPECT_EQ(created.source(), source);
    EXPECT_EQ(created.title(), "Readmissions down 5%");
    EXPECT_TRUE(created.has_create_time());
  }
}

TEST_F(AccomplishmentsTest, CreateAccomplishmentValidates) {
  EXPECT_THAT(CreateAccomplishment(convener_a1_, NewAccomplishment("", Day(0))),
              InvalidArgumentOn("accomplishment.title"));
  v1::Accomplishment undated = NewAccomplishment("Done", Day(0));
  undated.clear_date();
  EXPECT_THAT(CreateAccomplishment(convener_a1_, undated),
              InvalidArgumentOn("accomplishment.date"));
  EXPECT_THAT(CreateAccomplishment(
                  convener_a1_,
                  NewAccomplishment("Done", Day(0), a1_.name() + "/commitments/doesnotexist")),
              InvalidArgumentOn("accomplishment.source"));
  EXPECT_THAT(CreateAccomplishment(convener_a1_,
                                   NewAccomplishment("Done", Day(0), a1_.name() + "/teams/t")),
              InvalidArgumentOn("accomplishment.source"));
  const v1::Commitment other =
      CreateCommitment(a2_.name(), CreateMemberPerson(a2_.name(), "Eve Park").name(), "a2", Day(1),
                       {}, convener_a2_);
  EXPECT_THAT(CreateAccomplishment(convener_a1_, NewAccomplishment("Done", Day(0), other.name())),
              InvalidArgumentOn("accomplishment.source"));
}

TEST_F(AccomplishmentsTest, RetriedCreateReturnsTheFirstAccomplishment) {
  v1::Accomplishment first;
  v1::Accomplishment second;
  ASSERT_THAT(CreateAccomplishment(convener_a1_, NewAccomplishment("Done", Day(0)), &first, "",
                                   "accomplishment-1"),
              IsOk());
  ASSERT_THAT(CreateAccomplishment(convener_a1_, NewAccomplishment("Done", Day(0)), &second, "",
                                   "accomplishment-1"),
              IsOk());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_THAT(ListTitles(convener_a1_), ElementsAre("Done"));
  EXPECT_THAT(MeetingsAuditEvents(network_a_.name(), first.name()), SizeIs(1));

  v1::Accomplishment elsewhere;
  EXPECT_THAT(CreateAccomplishment(convener_a2_, NewAccomplishment("a2", Day(0)), &elsewhere,
                                   a2_.name(), "accomplishment-1"),
              InvalidArgumentOn("request_id"));
  EXPECT_NE(elsewhere.name(), first.name());
}

TEST_F(AccomplishmentsTest, CreateAccomplishmentChecksTheCaller) {
  v1::CreateAccomplishmentRequest request;
  request.set_parent(a1_.name());
  *request.mutable_accomplishment() = NewAccomplishment("Done", Day(0));
  v1::Accomplishment created;
  EXPECT_THAT(meetings().CreateAccomplishment(AnonymousCtx().get(), request, &created),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a2_, alice_key_}) {
    EXPECT_THAT(CreateAccomplishment(key, NewAccomplishment("Done", Day(0))),
                HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_THAT(CreateAccomplishment(admin_a_, NewAccomplishment("Done", Day(0))), IsOk());
}

TEST_F(AccomplishmentsTest, ListAccomplishmentsNewestFirstAcrossPages) {
  for (const auto& [title, day] : std::vector<std::pair<std::string, int>>{{"ten days ago", -10},
                                                                           {"yesterday", -1},
                                                                           {"five days ago", -5},
                                                                           {"three days ago", -3},
                                                                           {"a week ago", -7}}) {
    ASSERT_THAT(CreateAccomplishment(convener_a1_, NewAccomplishment(title, Day(day))), IsOk());
  }
  ASSERT_THAT(
      CreateAccomplishment(convener_a2_, NewAccomplishment("a2", Day(0)), nullptr, a2_.name()),
      IsOk());
  EXPECT_THAT(ListTitles(alice_key_), ElementsAre("yesterday", "three days ago", "five days ago",
                                                  "a week ago", "ten days ago"));
  EXPECT_THAT(ListTitles(convener_a1_, 3), SizeIs(5));

  v1::ListAccomplishmentsRequest request;
  request.set_parent(a1_.name());
  v1::ListAccomplishmentsResponse response;
  EXPECT_THAT(meetings().ListAccomplishments(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_THAT(meetings().ListAccomplishments(Ctx(admin_b_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(meetings().ListAccomplishments(Ctx(convener_a2_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(AccomplishmentsTest, ListAccomplishmentsOfAnEmptyCoalition) {
  EXPECT_THAT(ListTitles(convener_a1_), IsEmpty());
}

// ---- ListAuditEvents ----

class AuditTest : public CampaignsTest {
 protected:
  grpc::Status List(const std::string& key, const std::string& parent, const std::string& prefix,
                    v1::ListAuditEventsResponse* response, int page_size = 0,
                    const std::string& token = "") {
    v1::ListAuditEventsRequest request;
    request.set_parent(parent);
    request.set_resource_prefix(prefix);
    request.set_page_size(page_size);
    request.set_page_token(token);
    return meetings().ListAuditEvents(Ctx(key).get(), request, response);
  }
};

TEST_F(AuditTest, NetworkAdminsSeeTheLogNewestFirst) {
  const v1::Commitment commitment = CreateCommitment(a1_.name(), alice_.name(), "call", Day(3));
  clock().Advance(absl::Minutes(1));
  const v1::Campaign campaign = MustCreate(NewCampaign("Campaign"));
  clock().Advance(absl::Minutes(1));
  const v1::Commitment elsewhere =
      CreateCommitment(a2_.name(), CreateMemberPerson(a2_.name(), "Eve Park").name(), "a2", Day(3),
                       {}, convener_a2_);
  clock().Advance(absl::Minutes(1));
  CreateCommitment(b1_.name(), dana_b_.name(), "b1", Day(3), {}, admin_b_);

  v1::ListAuditEventsResponse response;
  ASSERT_THAT(List(admin_a_, network_a_.name(), "", &response), IsOk());
  std::vector<std::string> resources;
  for (const auto& event : response.audit_events()) resources.push_back(event.resource());
  EXPECT_THAT(resources, ElementsAre(elsewhere.name(), campaign.name(), commitment.name()));
  EXPECT_THAT(response.audit_events(0).name(), StartsWith(network_a_.name() + "/auditEvents/"));

  ASSERT_THAT(List(admin_a_, network_a_.name(), a1_.name(), &response), IsOk());
  resources.clear();
  for (const auto& event : response.audit_events()) resources.push_back(event.resource());
  EXPECT_THAT(resources, ElementsAre(campaign.name(), commitment.name()));

  ASSERT_THAT(List(admin_a_, network_a_.name(), commitment.name(), &response), IsOk());
  ASSERT_THAT(response.audit_events(), SizeIs(1));
  EXPECT_EQ(response.audit_events(0).method(),
            "coalition.meetings.v1.MeetingsService/CreateCommitment");

  // Pages of one, newest first.
  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    ASSERT_THAT(List(admin_a_, network_a_.name(), "", &response, 1, token), IsOk());
    EXPECT_LE(response.audit_events_size(), 1);
    for (const auto& event : response.audit_events()) paged.push_back(event.resource());
    token = response.next_page_token();
  } while (!token.empty() && ++pages < 10);
  EXPECT_THAT(paged, ElementsAre(elsewhere.name(), campaign.name(), commitment.name()));
}

TEST_F(AuditTest, EventNamesTheMemberActingForThemself) {
  v1::CreateCommitmentRequest request;
  request.set_parent(a1_.name());
  request.mutable_commitment()->set_person(alice_.name());
  request.mutable_commitment()->set_what("Call");
  *request.mutable_commitment()->mutable_due_date() = Day(2);
  request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::MANUAL);
  v1::Commitment created;
  ASSERT_THAT(meetings().CreateCommitment(Ctx(alice_key_).get(), request, &created), IsOk());
  const auto events = MeetingsAuditEvents(network_a_.name(), created.name());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].actor_person(), alice_.name());
  EXPECT_FALSE(events[0].actor().empty());
}

TEST_F(AuditTest, OnlyNetworkAdminsMayReadTheLog) {
  v1::ListAuditEventsResponse response;
  v1::ListAuditEventsRequest request;
  request.set_parent(network_a_.name());
  EXPECT_THAT(meetings().ListAuditEvents(AnonymousCtx().get(), request, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
  for (const std::string& key : {admin_b_, convener_a1_, alice_key_, service_a_}) {
    EXPECT_THAT(List(key, network_a_.name(), "", &response),
                HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_THAT(List(platform_key(), network_a_.name(), "", &response), IsOk());
  EXPECT_THAT(List(admin_a_, a1_.name(), "", &response), InvalidArgumentOn("parent"));
  EXPECT_THAT(List(admin_a_, network_a_.name(), std::string(501, 'x'), &response),
              InvalidArgumentOn("resource_prefix"));
}

}  // namespace
}  // namespace coalition::meetings::testing
