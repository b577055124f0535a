#include "libs/server/rpc.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/server/call_context.h"
#include "libs/storage/platform_tables.h"

namespace coalition::server {
namespace {

bool NeedsOwner(Also also) {
  return also == Also::kOwnOrWrite || also == Also::kServiceOrOwnOrWrite;
}

}  // namespace

absl::Status Call::RequireOwnOrWrite(absl::string_view person) const {
  owner_checked_ = true;
  if (rule_->also == Also::kServiceOrOwnOrWrite &&
      auth::Authorize(caller_, auth::Access::kServiceCall, scope_.network).ok()) {
    return absl::OkStatus();
  }
  return auth::AuthorizeOwnOrWrite(caller_, scope_.network, scope_.coalition, person);
}

absl::Status Call::Audit(storage::Session& s, absl::string_view resource, absl::string_view summary,
                         absl::Time now) const {
  if (rule_->anonymous) {
    return absl::InternalError(
        absl::StrCat(rule_->method, " is anonymous and may write only participations"));
  }
  common::v1::AuditEvent event;
  *event.mutable_time() = ToProtoTimestamp(now);
  event.set_actor(caller_.key);
  event.set_actor_person(caller_.person);
  event.set_method(std::string(absl::StripPrefix(MethodOf(context_), "/")));
  event.set_resource(std::string(resource));
  event.set_request_id(RequestIdOf(context_));
  event.set_summary(std::string(summary));
  return storage::AppendAuditEvent(s, scope_.network, event);
}

absl::Status Call::AuditParticipation(storage::Session& s, absl::string_view resource,
                                      absl::Time now) const {
  common::v1::AuditEvent event;
  const absl::CivilDay day = absl::ToCivilDay(now, absl::UTCTimeZone());
  *event.mutable_time() = ToProtoTimestamp(absl::FromCivil(day, absl::UTCTimeZone()));
  event.set_method(std::string(absl::StripPrefix(MethodOf(context_), "/")));
  event.set_resource(std::string(resource));
  event.set_summary("someone took part");
  return storage::AppendAuditEvent(s, scope_.network, event);
}

absl::StatusOr<const AccessRule*> RpcEdge::RuleOf(const grpc::CallbackServerContext& ctx) const {
  const std::string method = MethodOf(&ctx);
  const AccessRule* rule = rules_.Find(method);
  if (rule == nullptr) {
    return absl::InternalError(absl::StrCat("no access rule for method \"", method, "\""));
  }
  return rule;
}

absl::StatusOr<Call> RpcEdge::Admit(const grpc::CallbackServerContext& ctx,
                                    const google::protobuf::Message& request) {
  ASSIGN_OR_RETURN(const AccessRule* rule, RuleOf(ctx));
  ASSIGN_OR_RETURN(auth::Caller caller,
                   auth::AuthenticateCall(authenticator_, ctx, MethodOf(&ctx)));
  return AdmitCaller(ctx, *rule, std::move(caller), request);
}

absl::StatusOr<Call> RpcEdge::Admit(const grpc::CallbackServerContext& ctx,
                                    absl::string_view secret,
                                    const google::protobuf::Message& request) {
  ASSIGN_OR_RETURN(const AccessRule* rule, RuleOf(ctx));
  ASSIGN_OR_RETURN(auth::Caller caller,
                   auth::AuthenticateSecret(authenticator_, secret, MethodOf(&ctx)));
  return AdmitCaller(ctx, *rule, std::move(caller), request);
}

absl::StatusOr<Call> RpcEdge::AdmitCaller(const grpc::CallbackServerContext& ctx,
                                          const AccessRule& rule, auth::Caller caller,
                                          const google::protobuf::Message& request) {
  ASSIGN_OR_RETURN(Scope scope, rule.target.Read(request, caller));
  Call call(ctx, rule, std::move(caller), std::move(scope));
  const auth::Caller& who = call.caller();
  const Scope& where = call.scope();
  switch (rule.also) {
    case Also::kAboutPerson: {
      // Only the caller's own coalitions, or every one: which is kept, not the pointer.
      ASSIGN_OR_RETURN(const std::vector<std::string>* visible,
                       auth::CoalitionsVisibleAboutPerson(who, where.network, where.name));
      call.sees_every_coalition_ = visible == nullptr;
      return call;
    }
    case Also::kSelf:
      if (!who.person.empty() && who.person == where.name && who.network_id == where.network) {
        return call;
      }
      break;
    case Also::kNothing:
    case Also::kOwnOrWrite:
    case Also::kServiceOrOwnOrWrite:
      break;
  }
  RETURN_IF_ERROR(auth::Authorize(who, rule.access, where.network, where.coalition));
  return call;
}

absl::Status RpcEdge::CheckApplied(const Call& call, absl::Status status) {
  if (status.ok() && NeedsOwner(call.rule().also) && !call.owner_checked()) {
    return absl::InternalError(
        absl::StrCat(call.rule().method, " did not check whose resource it acts on"));
  }
  return status;
}

}  // namespace coalition::server
