#include "libs/clients/membership_authenticator.h"

#include <utility>

#include <grpcpp/client_context.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/caching_authenticator.h"
#include "libs/clients/peer_call.h"

namespace coalition::clients {

namespace v1 = ::coalition::membership::v1;

IntrospectingAuthenticator::IntrospectingAuthenticator(std::shared_ptr<grpc::Channel> channel,
                                                       Options options)
    : stub_(v1::MembershipService::NewStub(std::move(channel))), options_(std::move(options)) {}

absl::StatusOr<auth::Caller> IntrospectingAuthenticator::Authenticate(absl::string_view secret) {
  v1::IntrospectApiKeyRequest request;
  request.set_secret(std::string(secret));
  v1::IntrospectApiKeyResponse response;
  std::unique_ptr<grpc::ClientContext> context =
      NewPeerCallContext(options_.service_key, options_.deadline);
  const grpc::Status status = stub_->IntrospectApiKey(context.get(), request, &response);
  if (!status.ok()) {
    // Membership refusing our own key is a deployment fault, not the caller's: say so.
    return absl::UnavailableError(
        absl::StrCat("cannot check the API key with membership: ", status.error_message()));
  }
  if (!response.active()) return absl::UnauthenticatedError("unknown or revoked API key");
  auth::Caller caller;
  caller.key = response.api_key().name();
  caller.role = response.api_key().role();
  caller.person = response.api_key().person();
  caller.allowed_methods.assign(response.api_key().allowed_methods().begin(),
                                response.api_key().allowed_methods().end());
  constexpr absl::string_view kNetworks = "networks/";
  if (absl::StartsWith(response.network(), kNetworks)) {
    caller.network_id = response.network().substr(kNetworks.size());
  }
  for (const std::string& coalition : response.api_key().coalitions()) {
    const size_t slash = coalition.rfind('/');
    if (slash != std::string::npos) caller.coalition_ids.push_back(coalition.substr(slash + 1));
  }
  return caller;
}

std::unique_ptr<auth::Authenticator> NewMembershipAuthenticator(
    std::shared_ptr<grpc::Channel> channel, IntrospectingAuthenticator::Options options,
    const Clock* clock) {
  return std::make_unique<auth::CachingAuthenticator>(
      std::make_unique<IntrospectingAuthenticator>(std::move(channel), std::move(options)), clock,
      auth::CachingAuthenticator::Options{});
}

}  // namespace coalition::clients
