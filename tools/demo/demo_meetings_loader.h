#ifndef COALITION_TOOLS_DEMO_DEMO_MEETINGS_LOADER_H_
#define COALITION_TOOLS_DEMO_DEMO_MEETINGS_LOADER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "tools/demo/demo_loader.h"
#include "tools/demo/demo_meetings.h"
#include "tools/demo/meetings_client.h"
#include "tools/demo/membership_client.h"

namespace coalition::demo {

// What the meetings service shows once the demo is loaded.
struct MeetingsReport {
  int overdue = 0;   // open commitments past their due date, over every coalition
  int due_soon = 0;  // open commitments due within the next 7 days
  // Completed one-to-ones with an actor of the map, and how many of those actors show what the
  // one-to-one heard (the meetings service delivers it to membership through its outbox).
  int one_to_ones_with_actors = 0;
  int actors_updated = 0;
};

// Sends DemoMeetings to the meetings service after DemoLoader has loaded the network,
// idempotently: every create carries a request id ("demo-7-coalition-3-meeting-2"), one-to-one
// stages already recorded are skipped (and each stage carries a request id too), a meeting is
// started, given its attendance and closed only as far as its state shows it was not, and a
// commitment is settled only while it is still open.
class MeetingsLoader {
 public:
  MeetingsLoader(MeetingsClient& meetings, MembershipClient& membership, const DemoNetwork& network,
                 const NetworkNames& names, const DemoMeetings& demo, uint32_t seed);

  absl::Status Load();
  // Asks the service for overdue and due-soon commitments, and membership for the actors the
  // completed one-to-ones should have updated, waiting up to `wait` for the outbox.
  absl::StatusOr<MeetingsReport> Report(absl::Duration wait);

  const LoadSummary& summary() const { return summary_; }

 private:
  absl::Status LoadCoalition(const DemoCoalitionMeetings& demo);
  absl::StatusOr<meetings_v1::Meeting> CreateMeeting(const DemoCoalitionMeetings& demo, int m);
  // Starts a held meeting, records its attendance, makes its commitments and closes it: each
  // step only when the meeting's state shows it is still to do.
  absl::Status HoldMeeting(const DemoCoalitionMeetings& demo, int m, meetings_v1::Meeting meeting);
  absl::Status CreateCommitment(const DemoCoalitionMeetings& demo, int k);
  absl::Status SettleCommitments(const DemoCoalitionMeetings& demo);
  absl::Status LoadOneToOne(const DemoCoalitionMeetings& demo, int o);
  absl::Status LoadCampaign(const DemoCoalitionMeetings& demo);
  absl::Status LoadAccomplishments(const DemoCoalitionMeetings& demo);

  std::string Person(int person) const { return names_.people[person]; }
  std::string RequestId(const DemoCoalitionMeetings& demo, absl::string_view item,
                        int number) const {
    return CoalitionRequestId(seed_, demo.coalition, item, number);
  }
  bool IsNew(const google::protobuf::Timestamp& create_time) const {
    return CreatedSince(create_time, run_start_);
  }

  MeetingsClient& meetings_;
  MembershipClient& membership_;
  const DemoNetwork& network_;
  const NetworkNames& names_;
  const DemoMeetings& demo_;
  const uint32_t seed_;
  const absl::Time run_start_;
  LoadSummary summary_;

  // The current coalition's resource names, by index in its DemoCoalitionMeetings.
  std::vector<std::string> meeting_names_;
  std::vector<meetings_v1::Commitment> commitments_;
  std::string campaign_name_;
};

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_DEMO_MEETINGS_LOADER_H_
