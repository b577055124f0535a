#ifndef COALITION_LIBS_TESTING_ROLE_KEYS_H_
#define COALITION_LIBS_TESTING_ROLE_KEYS_H_

#include <string>
#include <vector>

#include "coalition/common/v1/common.pb.h"
#include "coalition/membership/v1/membership_service.pb.h"

namespace coalition::testing {

// "networks/{n}/..." -> "networks/{n}": the network of a resource's name.
std::string NetworkOf(const std::string& name);

// The API keys of each role that the tests of a service make, all through one NewKey: the tests
// of membership make them through its API, those of another service in a FakeAuthenticator.
class RoleKeys {
 public:
  // A key of `role` in `network`, limited to `coalitions` (conveners, members) and acting as
  // `person` (members).
  coalition::membership::v1::CreateApiKeyResponse CreateKey(
      const std::string& network, coalition::common::v1::Role role,
      const std::vector<std::string>& coalitions = {}, const std::string& person = "") {
    return NewKey(network, role, coalitions, person);
  }
  std::string NetworkAdminKey(const std::string& network);
  std::string ConvenerKey(const std::string& network, const std::vector<std::string>& coalitions);
  // A member key of `coalition` acting as `person`.
  std::string MemberKey(const std::string& coalition, const std::string& person);
  std::string ServiceAccountKey(const std::string& network);
  std::string OperatorKey(const std::string& network);

 protected:
  ~RoleKeys() = default;
  virtual coalition::membership::v1::CreateApiKeyResponse NewKey(
      const std::string& network, coalition::common::v1::Role role,
      const std::vector<std::string>& coalitions, const std::string& person) = 0;
};

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_ROLE_KEYS_H_
