#ifndef COALITION_LIBS_AUTH_CALLER_H_
#define COALITION_LIBS_AUTH_CALLER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "coalition/common/v1/common.pb.h"

namespace grpc {
class ServerContextBase;
}

namespace coalition::auth {

using coalition::common::v1::Role;

// Who is calling, as established by their API key. Never taken from a request field.
struct Caller {
  std::string key;  // the key's resource name
  Role role = coalition::common::v1::ROLE_UNSPECIFIED;
  std::string network_id;  // empty only for a platform admin or a platform service account
  std::vector<std::string> coalition_ids;  // scope of convener and member keys
  std::string person;                      // networks/{n}/people/{p}, when the key acts as one

  bool IsPlatformAdmin() const {
    return role == coalition::common::v1::ROLE_NETWORK_ADMIN && network_id.empty();
  }
  // A service that serves every network (meetings-server, ...): it reads any network and calls
  // the service methods there, and changes nothing else.
  bool IsPlatformService() const {
    return role == coalition::common::v1::ROLE_SERVICE_ACCOUNT && network_id.empty();
  }
  bool HasCoalition(absl::string_view coalition_id) const;
};

// Resolves a bearer secret to a caller: UNAUTHENTICATED for an unknown or revoked key.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual absl::StatusOr<Caller> Authenticate(absl::string_view secret) = 0;
};

// The bearer secret of a call ("authorization: Bearer <secret>"), or UNAUTHENTICATED.
absl::StatusOr<std::string> BearerSecret(const grpc::ServerContextBase& context);

// BearerSecret, then the authenticator.
absl::StatusOr<Caller> AuthenticateCall(Authenticator& authenticator,
                                        const grpc::ServerContextBase& context);

// What a call wants to do; one policy for every service (docs/security.md has the table).
enum class Access {
  kReadNetwork,     // the network itself: every role of the network
  kReadDirectory,   // people and organizations of the network: not members
  kWriteDirectory,  // add or change people and organizations: admins and conveners
  kReadCoalition,   // a coalition and what is in it
  kWriteCoalition,  // change a coalition and what is in it: admins, its conveners
  kServiceCall,     // the methods other services call: service accounts and admins
  kAdminNetwork,    // keys, audit log, creating coalitions: network admins
  kPlatform,        // creating networks: platform admins
};

// OK or PERMISSION_DENIED. `coalition_id` is needed for the coalition accesses. A platform admin
// may do everything; a platform service account may do kReadNetwork, kReadDirectory,
// kReadCoalition and kServiceCall in any network (including "", the platform's own keys).
absl::Status Authorize(const Caller& caller, Access access, absl::string_view network_id,
                       absl::string_view coalition_id = "");

}  // namespace coalition::auth

#endif  // COALITION_LIBS_AUTH_CALLER_H_
