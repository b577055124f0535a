#ifndef COALITION_TOOLS_DEMO_MEETINGS_CLIENT_H_
#define COALITION_TOOLS_DEMO_MEETINGS_CLIENT_H_

#include <memory>
#include <utility>

#include "absl/strings/string_view.h"
#include "coalition/meetings/v1/meetings_service.grpc.pb.h"
#include "tools/demo/service_client.h"

namespace coalition::demo {

// A MeetingsService client (see ServiceClient): the same key, deadlines and retries as for
// membership.
class MeetingsClient : public ServiceClient<::coalition::meetings::v1::MeetingsService> {
 public:
  MeetingsClient(std::shared_ptr<grpc::Channel> channel, absl::string_view api_key,
                 CallPolicy policy = {})
      : ServiceClient(std::move(channel), api_key, "meetings", policy) {}
};

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_MEETINGS_CLIENT_H_
