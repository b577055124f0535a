#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "libs/core/clock.h"
#include "libs/core/status.h"
#include "libs/server/config.h"
#include "libs/server/service_main.h"
#include "libs/storage/database.h"
#include "libs/storage/platform_tables.h"
#include "services/membership/api_keys.h"
#include "services/membership/membership_service.h"
#include "services/membership/repository.h"

namespace {

using coalition::server::FlagSpec;
using coalition::server::Runtime;
using coalition::server::ServiceList;
using coalition::server::ServiceSpec;

constexpr char kMembershipService[] = "coalition.membership.v1.MembershipService";

FlagSpec Flag(std::string name, std::string help, bool is_bool = false) {
  FlagSpec flag;
  flag.name = std::move(name);
  flag.help = std::move(help);
  flag.is_bool = is_bool;
  if (is_bool) flag.default_value = "false";
  return flag;
}

ServiceSpec MembershipSpec() {
  ServiceSpec spec;
  spec.name = "membership";
  spec.default_listen = "127.0.0.1:50051";
  spec.default_metrics_listen = "127.0.0.1:9461";
  spec.grpc_services = {kMembershipService};
  spec.extra_flags = {
      Flag("create_admin_key",
           "Create a platform admin API key for this holder (a name), print its secret once, and "
           "exit without serving. This is how the first key of a deployment is made. Earlier "
           "live platform admin keys of the same holder are revoked: the key is rotated."),
      Flag("create_service_key",
           "Create a platform service account API key for this holder (a service serving every "
           "network, e.g. meetings-server), print its secret once, and exit without serving. "
           "Earlier live service keys of the same holder are revoked. Limit it with "
           "--service_key_methods."),
      Flag("service_key_methods",
           "With --create_service_key: the only methods the key may call, comma-separated full "
           "names (package.Service/Method); a bare method name means MembershipService's. "
           "docs/security.md lists what meetings-server needs."),
      Flag("key_expires_in",
           "With --create_admin_key or --create_service_key: how long the key works (e.g. "
           "2160h); empty: until revoked."),
      Flag("revoke_key",
           "Revoke this key (apiKeys/{key} for a platform key, or networks/{n}/apiKeys/{key}) "
           "and exit without serving."),
      Flag("list_platform_keys", "Print the platform's keys (name, holder, role, state) and exit.",
           true),
  };
  return spec;
}

// Opens and migrates the store for a one-off command.
absl::StatusOr<std::unique_ptr<coalition::storage::Database>> OpenStore(
    const coalition::server::Config& config) {
  ASSIGN_OR_RETURN(auto db, coalition::storage::OpenDatabase(config.store));
  RETURN_IF_ERROR(db->Migrate("membership", coalition::membership::MembershipMigrations()));
  return db;
}

absl::StatusOr<coalition::membership::PlatformKeyOptions> KeyOptions(
    const coalition::server::Config& config, const std::string& holder) {
  coalition::membership::PlatformKeyOptions options;
  options.holder = holder;
  const std::string expires = config.Extra("key_expires_in");
  if (!expires.empty() && !absl::ParseDuration(expires, &options.expires_in)) {
    return coalition::InvalidField("key_expires_in", "must be a duration such as 2160h");
  }
  for (absl::string_view method :
       absl::StrSplit(config.Extra("service_key_methods"), ',', absl::SkipWhitespace())) {
    method = absl::StripAsciiWhitespace(method);
    options.allowed_methods.push_back(absl::StrContains(method, '/')
                                          ? std::string(method)
                                          : absl::StrCat(kMembershipService, "/", method));
  }
  return options;
}

// --create_admin_key, --create_service_key: makes the key, prints its secret, exits.
absl::Status CreateKey(const coalition::server::Config& config, coalition::common::v1::Role role,
                       const std::string& holder) {
  ASSIGN_OR_RETURN(auto db, OpenStore(config));
  ASSIGN_OR_RETURN(coalition::membership::PlatformKeyOptions options, KeyOptions(config, holder));
  options.rotate = true;
  ASSIGN_OR_RETURN(auto created, coalition::membership::CreatePlatformKey(
                                     *db, *coalition::SystemClock::Get(), role, options));
  std::printf("%s\n", created.secret.c_str());
  for (const std::string& revoked : created.revoked) {
    std::fprintf(stderr, "revoked %s, the earlier key of \"%s\"\n", revoked.c_str(),
                 holder.c_str());
  }
  return absl::OkStatus();
}

absl::Status RevokeKey(const coalition::server::Config& config) {
  ASSIGN_OR_RETURN(auto db, OpenStore(config));
  ASSIGN_OR_RETURN(auto key, coalition::membership::RevokeKeyFromCommandLine(
                                 *db, *coalition::SystemClock::Get(), config.Extra("revoke_key")));
  std::printf("%s revoked\n", key.name().c_str());
  return absl::OkStatus();
}

absl::Status ListKeys(const coalition::server::Config& config) {
  ASSIGN_OR_RETURN(auto db, OpenStore(config));
  ASSIGN_OR_RETURN(auto keys, coalition::membership::ListPlatformKeys(*db));
  for (const auto& key : keys) {
    std::printf("%s\t%s\t%s\t%s\n", key.name().c_str(), key.display_name().c_str(),
                coalition::common::v1::Role_Name(key.role()).c_str(),
                coalition::membership::v1::ApiKey::State_Name(key.state()).c_str());
  }
  return absl::OkStatus();
}

// The one-off commands, when one was given: its exit code.
std::optional<int> RunCommand(const ServiceSpec& spec, const coalition::server::Config& config) {
  const std::string admin = config.Extra("create_admin_key");
  const std::string service = config.Extra("create_service_key");
  const bool revoke = !config.Extra("revoke_key").empty();
  const bool list = config.ExtraBool("list_platform_keys");
  if ((!admin.empty()) + (!service.empty()) + revoke + list > 1) {
    std::fprintf(stderr,
                 "%s: give one of --create_admin_key, --create_service_key, --revoke_key, "
                 "--list_platform_keys\n",
                 spec.name.c_str());
    return 2;
  }
  absl::Status status;
  if (!admin.empty()) {
    status = CreateKey(config, coalition::common::v1::ROLE_NETWORK_ADMIN, admin);
  } else if (!service.empty()) {
    status = CreateKey(config, coalition::common::v1::ROLE_SERVICE_ACCOUNT, service);
  } else if (revoke) {
    status = RevokeKey(config);
  } else if (list) {
    status = ListKeys(config);
  } else {
    return std::nullopt;
  }
  if (status.ok()) return 0;
  std::fprintf(stderr, "%s: %s\n", spec.name.c_str(), status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const ServiceSpec spec = MembershipSpec();
  auto config =
      coalition::server::ParseConfig(spec, std::vector<std::string>(argv + 1, argv + argc),
                                     coalition::server::ProcessEnvironment());
  if (config.ok() && !config->help) {
    if (std::optional<int> code = RunCommand(spec, *config)) return *code;
  }
  return coalition::server::RunService(
      spec, argc, argv, [](Runtime& runtime) -> absl::StatusOr<ServiceList> {
        RETURN_IF_ERROR(
            runtime.database->Migrate("membership", coalition::membership::MembershipMigrations()));
        ASSIGN_OR_RETURN(std::string secret,
                         coalition::storage::StoreSecret(*runtime.database, "page-tokens"));
        ServiceList services;
        services.push_back(std::make_unique<coalition::membership::MembershipService>(
            *runtime.database, *runtime.cache, *runtime.clock,
            std::make_unique<coalition::membership::StoreAuthenticator>(*runtime.database,
                                                                        *runtime.clock),
            std::move(secret)));
        return services;
      });
}
