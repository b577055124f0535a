#include "libs/auth/caller.h"

#include <algorithm>

#include <grpcpp/server_context.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace coalition::auth {
namespace {

using coalition::common::v1::ROLE_CONVENER;
using coalition::common::v1::ROLE_MEMBER;
using coalition::common::v1::ROLE_NETWORK_ADMIN;
using coalition::common::v1::ROLE_OPERATOR;
using coalition::common::v1::ROLE_SERVICE_ACCOUNT;

absl::Status Denied(absl::string_view what) {
  return absl::PermissionDeniedError(absl::StrCat("the caller's key may not ", what));
}

}  // namespace

bool Caller::HasCoalition(absl::string_view coalition_id) const {
  return std::find(coalition_ids.begin(), coalition_ids.end(), coalition_id) != coalition_ids.end();
}

absl::StatusOr<std::string> BearerSecret(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return absl::UnauthenticatedError("missing \"authorization: Bearer <api key>\" metadata");
  }
  absl::string_view value(it->second.data(), it->second.size());
  constexpr absl::string_view kBearer = "bearer ";
  if (value.size() < kBearer.size() ||
      !absl::EqualsIgnoreCase(value.substr(0, kBearer.size()), kBearer)) {
    return absl::UnauthenticatedError("authorization metadata must be \"Bearer <api key>\"");
  }
  const absl::string_view secret = absl::StripAsciiWhitespace(value.substr(kBearer.size()));
  if (secret.empty()) return absl::UnauthenticatedError("the bearer API key is empty");
  return std::string(secret);
}

bool Caller::MayCall(absl::string_view method) const {
  if (allowed_methods.empty()) return true;
  absl::ConsumePrefix(&method, "/");
  return std::find(allowed_methods.begin(), allowed_methods.end(), method) != allowed_methods.end();
}

absl::StatusOr<Caller> AuthenticateSecret(Authenticator& authenticator, absl::string_view secret,
                                          absl::string_view method) {
  absl::StatusOr<Caller> caller = authenticator.Authenticate(secret);
  if (caller.ok() && !caller->MayCall(method)) {
    return Denied(
        absl::StrCat("call ", absl::StripPrefix(method, "/"), ": it is limited to other methods"));
  }
  return caller;
}

absl::StatusOr<Caller> AuthenticateCall(Authenticator& authenticator,
                                        const grpc::ServerContextBase& context,
                                        absl::string_view method) {
  absl::StatusOr<std::string> secret = BearerSecret(context);
  if (!secret.ok()) return secret.status();
  return AuthenticateSecret(authenticator, *secret, method);
}

absl::Status Authorize(const Caller& caller, Access access, absl::string_view network_id,
                       absl::string_view coalition_id) {
  if (caller.IsPlatformAdmin()) return absl::OkStatus();
  if (access == Access::kPlatform) return Denied("manage networks");
  if (caller.IsPlatformService()) {
    // Every network, but only what a service account may do in its own: no writes.
    switch (access) {
      case Access::kReadNetwork:
      case Access::kReadDirectory:
      case Access::kReadCoalition:
      case Access::kServiceCall:
        return absl::OkStatus();
      case Access::kWriteDirectory:
      case Access::kWriteCoalition:
      case Access::kAdminNetwork:
      case Access::kPlatform:
        break;
    }
    return Denied("change anything: it is a platform service account");
  }
  if (caller.network_id != network_id) return Denied("see another network");
  const bool admin = caller.role == ROLE_NETWORK_ADMIN;
  const bool in_scope = caller.HasCoalition(coalition_id);
  // Every case names the roles it allows, so a role this build does not know gets nothing.
  const bool reader = admin || caller.role == ROLE_CONVENER ||
                      caller.role == ROLE_SERVICE_ACCOUNT || caller.role == ROLE_OPERATOR;
  switch (access) {
    case Access::kReadNetwork:
      if (reader || caller.role == ROLE_MEMBER) return absl::OkStatus();
      return Denied("read the network");
    case Access::kReadDirectory:
      if (reader) return absl::OkStatus();
      return Denied("list the network's people and organizations");
    case Access::kWriteDirectory:
      if (admin || caller.role == ROLE_CONVENER) return absl::OkStatus();
      return Denied("change people or organizations");
    case Access::kReadCoalition:
      if (admin || caller.role == ROLE_OPERATOR || caller.role == ROLE_SERVICE_ACCOUNT) {
        return absl::OkStatus();
      }
      if ((caller.role == ROLE_CONVENER || caller.role == ROLE_MEMBER) && in_scope) {
        return absl::OkStatus();
      }
      return Denied("read this coalition");
    case Access::kWriteCoalition:
      if (admin || (caller.role == ROLE_CONVENER && in_scope)) return absl::OkStatus();
      return Denied("change this coalition");
    case Access::kServiceCall:
      if (admin || caller.role == ROLE_SERVICE_ACCOUNT) return absl::OkStatus();
      return Denied("call service methods");
    case Access::kAdminNetwork:
      if (admin) return absl::OkStatus();
      return Denied("administer the network");
    case Access::kPlatform:
      break;
  }
  return Denied("do this");
}

absl::Status AuthorizeOwnOrWrite(const Caller& caller, absl::string_view network_id,
                                 absl::string_view coalition_id, absl::string_view person) {
  absl::Status write = Authorize(caller, Access::kWriteCoalition, network_id, coalition_id);
  if (write.ok()) return write;
  const bool own = caller.role == ROLE_MEMBER && !caller.person.empty() &&
                   caller.person == person &&
                   Authorize(caller, Access::kReadCoalition, network_id, coalition_id).ok();
  if (own) return absl::OkStatus();
  return write;
}

absl::StatusOr<const std::vector<std::string>*> CoalitionsVisibleAboutPerson(
    const Caller& caller, absl::string_view person_network, absl::string_view person) {
  absl::Status allowed = Authorize(caller, Access::kReadNetwork, person_network);
  if (!allowed.ok()) return allowed;
  if (caller.role == ROLE_MEMBER && caller.person != person) {
    return Denied("read about another person: a member key reads only its own person");
  }
  if (caller.role == ROLE_CONVENER || caller.role == ROLE_MEMBER) return &caller.coalition_ids;
  return nullptr;
}

}  // namespace coalition::auth
