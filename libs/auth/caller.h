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
  // The only methods the key may call ("package.Service/Method"); empty: every method.
  std::vector<std::string> allowed_methods;

  bool IsPlatformAdmin() const {
    return role == coalition::common::v1::ROLE_NETWORK_ADMIN && network_id.empty();
  }
  // A service that serves every network (meetings-server, ...): it reads any network and calls
  // the service methods there, and changes nothing else.
  bool IsPlatformService() const {
    return role == coalition::common::v1::ROLE_SERVICE_ACCOUNT && network_id.empty();
  }
  bool HasCoalition(absl::string_view coalition_id) const;
  // Whether the key may call `method` ("package.Service/Method", a leading "/" allowed).
  bool MayCall(absl::string_view method) const;
};

// Resolves a bearer secret to a caller: UNAUTHENTICATED for an unknown or revoked key.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual absl::StatusOr<Caller> Authenticate(absl::string_view secret) = 0;
};

// The bearer secret of a call ("authorization: Bearer <secret>"), or UNAUTHENTICATED.
absl::StatusOr<std::string> BearerSecret(const grpc::ServerContextBase& context);

// BearerSecret, then the authenticator, then whether the key may call `method` (the call's full
// method name; PERMISSION_DENIED for a key limited to other methods).
absl::StatusOr<Caller> AuthenticateCall(Authenticator& authenticator,
                                        const grpc::ServerContextBase& context,
                                        absl::string_view method);
// The same for a secret already taken from a call (a stream that checks its caller again).
absl::StatusOr<Caller> AuthenticateSecret(Authenticator& authenticator, absl::string_view secret,
                                          absl::string_view method);

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

// For what belongs to one person (their one-to-ones, commitments and check-ins): writers of the
// coalition (admins, its conveners) may act for anyone; a member of the coalition only for
// themselves. OK or PERMISSION_DENIED.
absl::Status AuthorizeOwnOrWrite(const Caller& caller, absl::string_view network_id,
                                 absl::string_view coalition_id, absl::string_view person);

// For reads about one person across coalitions (their memberships, their commitments): the
// caller must read the person's network; conveners and members then see only the coalitions of
// their key, and a member only their own person (PERMISSION_DENIED otherwise). The coalition
// ids visible to the caller, or nullptr for every coalition of the network.
absl::StatusOr<const std::vector<std::string>*> CoalitionsVisibleAboutPerson(
    const Caller& caller, absl::string_view person_network, absl::string_view person);

}  // namespace coalition::auth

#endif  // COALITION_LIBS_AUTH_CALLER_H_
