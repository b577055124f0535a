#include <string>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "tests/unit/membership/membership_test_fixture.h"
#include "tests/unit/server/error_size_sweep.h"

namespace coalition::membership::testing {
namespace {

using ::testing::IsEmpty;

// Every method, sent lists of thousands of bad elements, text far over its limits and numbers
// out of range, with names of real resources and without, answers with the error it chose, and
// that error fits in the metadata a default client accepts.
TEST_F(MembershipServiceTest, EveryMethodsWorstErrorReachesADefaultClient) {
  const v1::Team leadership = CreateTeam(a1_.name(), "Leadership team");
  int made = 0;
  coalition::testing::ErrorSweep sweep;
  sweep.channel = grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
  sweep.service = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      v1::MembershipService::service_full_name());
  ASSERT_NE(sweep.service, nullptr);
  sweep.key = platform_key();
  sweep.real_names = [&] {
    const std::string n = absl::StrCat(++made);
    const v1::Person person = CreatePerson(network_a_.name(), absl::StrCat("Ana Lopez ", n));
    return std::vector<std::string>{
        network_a_.name(),
        a1_.name(),
        person.name(),
        CreateOrganization(network_a_.name(), absl::StrCat("Riverside Hospital ", n)).name(),
        CreateMembership(a1_.name(), person.name()).name(),
        CreateAim(a1_.name(), absl::StrCat("30-day readmissions ", n), 18, 12, 16).name(),
        CreateActor(a1_.name(), absl::StrCat("County health department ", n), v1::SUPPORTER).name(),
        CreateTeam(a1_.name(), absl::StrCat("Discharge team ", n), leadership.name()).name(),
        CreateKey(network_a_.name(), common::v1::ROLE_OPERATOR).api_key().name(),
    };
  };

  const std::vector<coalition::testing::SweptCall> calls = coalition::testing::SweepErrors(sweep);

  EXPECT_GT(calls.size(), static_cast<size_t>(sweep.service->method_count()));
  EXPECT_THAT(coalition::testing::MethodsWithProblems(calls), IsEmpty());
}

}  // namespace
}  // namespace coalition::membership::testing
