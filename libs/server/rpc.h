#ifndef COALITION_LIBS_SERVER_RPC_H_
#define COALITION_LIBS_SERVER_RPC_H_

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/auth/caller.h"
#include "libs/cache/cache.h"
#include "libs/core/status.h"
#include "libs/server/access_rules.h"
#include "libs/server/call_context.h"
#include "libs/server/executor.h"
#include "libs/server/unary.h"
#include "libs/storage/database.h"

// The one handler path of every service: a call's body runs only after its caller is
// authenticated and its declared access rule (libs/server/access_rules.h) holds, and its status
// is converted to a grpc::Status in one place (docs/architecture.md, "The handler path").
namespace coalition::server {

// A call that passed its access rule: what its body knows about it.
class Call {
 public:
  friend class RpcEdge;
  Call(const grpc::CallbackServerContext& context, const AccessRule& rule, auth::Caller caller,
       Scope scope)
      : context_(&context), rule_(&rule), caller_(std::move(caller)), scope_(std::move(scope)) {}

  const auth::Caller& caller() const { return caller_; }
  // Where the call acts, read from its target.
  const Scope& scope() const { return scope_; }
  const AccessRule& rule() const { return *rule_; }
  const grpc::CallbackServerContext& context() const { return *context_; }

  // For Also::kOwnOrWrite and kServiceOrOwnOrWrite: whether the caller may act for `person`
  // (PERMISSION_DENIED otherwise). The body calls it with whoever the resource belongs to.
  absl::Status RequireOwnOrWrite(absl::string_view person) const;
  bool owner_checked() const { return owner_checked_; }

  // For Also::kAboutPerson: the coalitions of the target person the caller sees, or nullptr
  // for all of them.
  const std::vector<std::string>* visible_coalitions() const {
    return sees_every_coalition_ ? nullptr : &caller_.coalition_ids;
  }

  // Appends this call's audit event about `resource` in the open transaction: the caller's key
  // and person, the method, the request id, `now`. Summaries never carry anonymous content.
  // An anonymous method may not: INTERNAL.
  absl::Status Audit(storage::Session& s, absl::string_view resource, absl::string_view summary,
                     absl::Time now) const;
  // The audit form of an anonymous action: that someone took part in `resource` (a decision,
  // an assessment event), with no key, no person, no request id and only the UTC day of `now`,
  // so nothing links it to the content or to the caller's other calls.
  absl::Status AuditParticipation(storage::Session& s, absl::string_view resource,
                                  absl::Time now) const;

 private:
  const grpc::CallbackServerContext* context_;
  const AccessRule* rule_;
  auth::Caller caller_;
  Scope scope_;
  bool sees_every_coalition_ = true;
  mutable bool owner_checked_ = false;
};

// A service's rules and its authenticator: what every handler of the service runs through.
//
//   grpc::ServerUnaryReactor* GetMeeting(grpc::CallbackServerContext* ctx,
//                                        const GetMeetingRequest* req, Meeting* resp) override {
//     return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status { ... });
//   }
class RpcEdge {
 public:
  RpcEdge(const AccessRules& rules, auth::Authenticator& authenticator)
      : rules_(rules), authenticator_(authenticator) {}

  // Runs `body` (absl::Status(const Call&)) on the handler executor, after Admit, and finishes
  // the call with its status through FinishUnary (the executor, the request id, the access log,
  // the masking of internal errors). The body must capture by value (`[=]`).
  template <class Fn>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx,
                                  const google::protobuf::Message* request, Fn&& body) {
    return FinishUnary(ctx, [this, ctx, request, body = std::forward<Fn>(body)]() -> absl::Status {
      // An anonymous action touches no cache key at all, from authentication on.
      cache::AnonymousScope no_cache(IsAnonymousMethod(MethodOf(ctx)));
      ASSIGN_OR_RETURN(Call call, Admit(*ctx, *request));
      absl::Status status = body(call);
      return CheckApplied(call, std::move(status));
    });
  }

  // The call's access rule applied: UNAUTHENTICATED without a live key, INTERNAL for a method
  // without a rule, then the target read (INVALID_ARGUMENT naming its field) and the access
  // checked in its scope (PERMISSION_DENIED). Streams call it with their first message.
  absl::StatusOr<Call> Admit(const grpc::CallbackServerContext& ctx,
                             const google::protobuf::Message& request);
  // The same for a secret already taken from the call: a stream checking its caller again.
  absl::StatusOr<Call> Admit(const grpc::CallbackServerContext& ctx, absl::string_view secret,
                             const google::protobuf::Message& request);

  // `status`, unless it is OK from a body whose rule needed RequireOwnOrWrite and never called
  // it: then INTERNAL, so a forgotten check fails closed.
  static absl::Status CheckApplied(const Call& call, absl::Status status);

 private:
  absl::StatusOr<Call> AdmitCaller(const grpc::CallbackServerContext& ctx, const AccessRule& rule,
                                   auth::Caller caller, const google::protobuf::Message& request);
  absl::StatusOr<const AccessRule*> RuleOf(const grpc::CallbackServerContext& ctx) const;

  const AccessRules& rules_;
  auth::Authenticator& authenticator_;
};

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_RPC_H_
