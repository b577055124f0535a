#ifndef COALITION_TOOLS_DEMO_MEMBERSHIP_CLIENT_H_
#define COALITION_TOOLS_DEMO_MEMBERSHIP_CLIENT_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "tools/demo/service_client.h"

namespace coalition::demo {

namespace v1 = ::coalition::membership::v1;

// A MembershipService client (see ServiceClient) with the roster import's client stream.
class MembershipClient : public ServiceClient<v1::MembershipService> {
 public:
  MembershipClient(std::shared_ptr<grpc::Channel> channel, absl::string_view api_key,
                   CallPolicy policy = {})
      : ServiceClient(std::move(channel), api_key, "membership", policy) {}

  // Streams the rows to ImportRoster, `rows_per_message` at a time; the first message carries
  // the parent and request id. A retry sends every row again: rows are matched by email.
  absl::StatusOr<v1::ImportRosterResponse> ImportRoster(const std::string& parent,
                                                        const std::string& request_id,
                                                        const std::vector<v1::RosterRow>& rows,
                                                        int rows_per_message = 100);
};

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_MEMBERSHIP_CLIENT_H_
