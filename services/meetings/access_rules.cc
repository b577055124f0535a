#include "services/meetings/access_rules.h"

#include "coalition/meetings/v1/meetings_service.grpc.pb.h"

namespace coalition::meetings {

using auth::Access;
using server::AccessRule;
using server::Also;
using server::Target;

const google::protobuf::ServiceDescriptor& MeetingsServiceDescriptor() {
  return *v1::CreateMeetingRequest::descriptor()->file()->FindServiceByName("MeetingsService");
}

std::vector<AccessRule> MeetingsRuleTable() {
  const auto meeting = [](const char* field) { return Target::InCoalition(field, "meetings"); };
  const auto one_to_one = [](const char* field) { return Target::InCoalition(field, "oneToOnes"); };
  const auto commitment = [](const char* field) {
    return Target::InCoalition(field, "commitments");
  };
  const auto campaign = [](const char* field) { return Target::InCoalition(field, "campaigns"); };
  const Target coalition = Target::Coalition("parent");
  return {
      // Meetings: conveners run them; members of the coalition read them.
      {"CreateMeeting", Access::kWriteCoalition, coalition},
      {"GetMeeting", Access::kReadCoalition, meeting("name")},
      {"ListMeetings", Access::kReadCoalition, coalition},
      {"UpdateMeeting", Access::kWriteCoalition, meeting("meeting.name")},
      {"StartMeeting", Access::kWriteCoalition, meeting("name")},
      {"CloseMeeting", Access::kWriteCoalition, meeting("name")},
      {"CancelMeeting", Access::kWriteCoalition, meeting("name")},
      {"RecordAttendance", Access::kWriteCoalition, meeting("name")},
      {"PreviewCheckIn", Access::kReadCoalition, meeting("name")},
      {"GetAttendanceReport", Access::kReadCoalition, coalition},
      // One-to-ones belong to their organizer.
      {"CreateOneToOne", Access::kReadCoalition, coalition, Also::kOwnOrWrite},
      {"GetOneToOne", Access::kReadCoalition, one_to_one("name")},
      {"ListOneToOnes", Access::kReadCoalition, coalition},
      {"RecordOneToOneStage", Access::kReadCoalition, one_to_one("name"), Also::kOwnOrWrite},
      // Commitments belong to the person who made them; the other services create them for
      // people with their service keys.
      {"CreateCommitment", Access::kReadCoalition, coalition, Also::kServiceOrOwnOrWrite},
      {"GetCommitment", Access::kReadCoalition, commitment("name")},
      {"ListCommitments", Access::kReadCoalition, coalition},
      {"UpdateCommitment", Access::kReadCoalition, commitment("commitment.name"),
       Also::kOwnOrWrite},
      {"CheckInCommitment", Access::kReadCoalition, commitment("name"), Also::kOwnOrWrite},
      {"ReopenCommitment", Access::kReadCoalition, commitment("name"), Also::kOwnOrWrite},
      {"ListDueSoonCommitments", Access::kReadCoalition, coalition},
      {"ListOverdueCommitments", Access::kReadCoalition, coalition},
      {"ListPersonCommitments", Access::kReadNetwork, Target::InNetwork("person", "people"),
       Also::kAboutPerson},
      {"GetFollowThroughReport", Access::kReadCoalition, coalition},
      // Overload is counted across every coalition of the network: its admins see it.
      {"ListOverloadedPeople", Access::kAdminNetwork, Target::Network("parent")},
      {"WatchCommitmentEvents", Access::kReadCoalition, coalition},
      // Campaign timelines: conveners keep them; members read them.
      {"CreateCampaign", Access::kWriteCoalition, coalition},
      {"GetCampaign", Access::kReadCoalition, campaign("name")},
      {"ListCampaigns", Access::kReadCoalition, coalition},
      {"UpdateCampaign", Access::kWriteCoalition, campaign("campaign.name")},
      {"DeleteCampaign", Access::kWriteCoalition, campaign("name")},
      {"CreateAccomplishment", Access::kWriteCoalition, coalition},
      {"ListAccomplishments", Access::kReadCoalition, coalition},
      {"ListAuditEvents", Access::kAdminNetwork, Target::Network("parent")},
  };
}

const server::AccessRules& MeetingsAccessRules() {
  static const server::AccessRules* rules = new server::AccessRules(
      server::AccessRules::MakeOrDie(MeetingsServiceDescriptor(), MeetingsRuleTable()));
  return *rules;
}

}  // namespace coalition::meetings
