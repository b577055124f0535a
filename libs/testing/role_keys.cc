#include "libs/testing/role_keys.h"

namespace coalition::testing {

using coalition::common::v1::ROLE_CONVENER;
using coalition::common::v1::ROLE_MEMBER;
using coalition::common::v1::ROLE_NETWORK_ADMIN;
using coalition::common::v1::ROLE_OPERATOR;
using coalition::common::v1::ROLE_SERVICE_ACCOUNT;

std::string NetworkOf(const std::string& name) {
  const size_t second_slash = name.find('/', name.find('/') + 1);
  return second_slash == std::string::npos ? name : name.substr(0, second_slash);
}

std::string RoleKeys::NetworkAdminKey(const std::string& network) {
  return CreateKey(network, ROLE_NETWORK_ADMIN).secret();
}

std::string RoleKeys::ConvenerKey(const std::string& network,
                                  const std::vector<std::string>& coalitions) {
  return CreateKey(network, ROLE_CONVENER, coalitions).secret();
}

std::string RoleKeys::MemberKey(const std::string& coalition, const std::string& person) {
  return CreateKey(NetworkOf(coalition), ROLE_MEMBER, {coalition}, person).secret();
}

std::string RoleKeys::ServiceAccountKey(const std::string& network) {
  return CreateKey(network, ROLE_SERVICE_ACCOUNT).secret();
}

std::string RoleKeys::OperatorKey(const std::string& network) {
  return CreateKey(network, ROLE_OPERATOR).secret();
}

}  // namespace coalition::testing
