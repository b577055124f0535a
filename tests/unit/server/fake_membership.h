#ifndef COALITION_TESTS_UNIT_SERVER_FAKE_MEMBERSHIP_H_
#define COALITION_TESTS_UNIT_SERVER_FAKE_MEMBERSHIP_H_

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "libs/core/status.h"
#include "libs/server/call_context.h"
#include "libs/server/executor.h"
#include "libs/server/unary.h"
#include "libs/telemetry/log.h"

namespace coalition::testing {

inline constexpr char kMembershipService[] = "coalition.membership.v1.MembershipService";

// A stand-in for the membership service, written the way the real handlers are:
//   GetNetwork: "" -> INVALID_ARGUMENT on field "name"; "networks/boom" -> INTERNAL with a
//     message that must stay in the logs; "networks/where" -> display_name "executor" when the
//     body ran on the handler executor; else OK, echoing the name, with display_name set to
//     the call's request id.
//   CreateNetwork: takes network.display_name as a duration to work for ("1s"), and logs
//     "network work started" first.
//   Every other method is unimplemented.
class FakeMembership final : public membership::v1::MembershipService::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetNetwork(grpc::CallbackServerContext* ctx,
                                       const membership::v1::GetNetworkRequest* request,
                                       membership::v1::Network* response) override {
    return server::FinishUnary(ctx, [=]() -> absl::Status {
      FieldViolations violations;
      violations.Check(!request->name().empty(), "name", "required");
      RETURN_IF_ERROR(violations.ToStatus());
      if (request->name() == "networks/boom") {
        return absl::InternalError("sqlite: disk I/O error reading table networks");
      }
      telemetry::LogInfo("looking up network");
      response->set_name(request->name());
      response->set_display_name(server::RequestIdOf(ctx));
      if (request->name() == "networks/where") {
        response->set_display_name(server::BlockingExecutor::OnExecutorThread() ? "executor"
                                                                                : "grpc thread");
      }
      return absl::OkStatus();
    });
  }

  grpc::ServerUnaryReactor* CreateNetwork(grpc::CallbackServerContext* ctx,
                                          const membership::v1::CreateNetworkRequest* request,
                                          membership::v1::Network* response) override {
    return server::FinishUnary(ctx, [=]() -> absl::Status {
      telemetry::LogInfo("network work started");
      if (!create_entered_.HasBeenNotified()) create_entered_.Notify();
      absl::Duration work;
      if (absl::ParseDuration(request->network().display_name(), &work)) absl::SleepFor(work);
      *response = request->network();
      return absl::OkStatus();
    });
  }

  // Notified when the first CreateNetwork starts its work.
  absl::Notification& create_entered() { return create_entered_; }

 private:
  absl::Notification create_entered_;
};

}  // namespace coalition::testing

#endif  // COALITION_TESTS_UNIT_SERVER_FAKE_MEMBERSHIP_H_
