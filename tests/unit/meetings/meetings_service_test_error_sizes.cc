#include <string>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "tests/unit/meetings/meetings_test_fixture.h"
#include "tests/unit/server/error_size_sweep.h"

namespace coalition::meetings::testing {
namespace {

using ::testing::IsEmpty;

// Every method, sent lists of thousands of bad elements, text far over its limits and numbers
// out of range, with names of real resources and without, answers with the error it chose, and
// that error fits in the metadata a default client accepts.
TEST_F(MeetingsServiceTest, EveryMethodsWorstErrorReachesADefaultClient) {
  int made = 0;
  coalition::testing::ErrorSweep sweep;
  sweep.channel = grpc::CreateChannel(meetings_address(), grpc::InsecureChannelCredentials());
  sweep.service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      v1::MeetingsService::service_full_name());
  ASSERT_NE(sweep.service, nullptr);
  sweep.key = admin_a_;
  sweep.real_names = [&] {
    const std::string n = absl::StrCat(++made);
    v1::CreateCampaignRequest campaign;
    campaign.set_parent(a1_.name());
    campaign.mutable_campaign()->set_display_name(absl::StrCat("Safe discharge campaign ", n));
    campaign.mutable_campaign()->set_mountain_top_goal("Cut 30-day readmissions by 20%");
    v1::Campaign created;
    EXPECT_THAT(meetings().CreateCampaign(Ctx(admin_a_).get(), campaign, &created), IsOk());
    return std::vector<std::string>{
        network_a_.name(),
        a1_.name(),
        alice_.name(),
        team_a1_.name(),
        CreateMeeting(a1_.name(), absl::StrCat("Monthly meeting ", n),
                      clock().Now() + absl::Hours(24))
            .name(),
        CreateCommitment(a1_.name(), alice_.name(), absl::StrCat("Call the clinic ", n), Day(7))
            .name(),
        CreateOneToOne(a1_.name(), alice_.name(), bob_.name()).name(),
        created.name(),
    };
  };

  const std::vector<coalition::testing::SweptCall> calls = coalition::testing::SweepErrors(sweep);

  EXPECT_GT(calls.size(), static_cast<size_t>(sweep.service->method_count()));
  EXPECT_THAT(coalition::testing::MethodsWithProblems(calls), IsEmpty());
}

}  // namespace
}  // namespace coalition::meetings::testing
