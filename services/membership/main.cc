#include <cstdio>
#include <memory>
#include <string>
#include <vector>

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

using coalition::server::Runtime;
using coalition::server::ServiceList;
using coalition::server::ServiceSpec;

ServiceSpec MembershipSpec() {
  ServiceSpec spec;
  spec.name = "membership";
  spec.default_listen = "127.0.0.1:50051";
  spec.default_metrics_listen = "127.0.0.1:9461";
  spec.grpc_services = {"coalition.membership.v1.MembershipService"};
  coalition::server::FlagSpec create_admin_key;
  create_admin_key.name = "create_admin_key";
  create_admin_key.help =
      "Create a platform admin API key for this holder (a name), print its secret once, and "
      "exit without serving. This is how the first key of a deployment is made.";
  spec.extra_flags.push_back(create_admin_key);
  coalition::server::FlagSpec create_service_key;
  create_service_key.name = "create_service_key";
  create_service_key.help =
      "Create a platform service account API key for this holder (a service serving every "
      "network, e.g. meetings-server), print its secret once, and exit without serving. The "
      "key reads any network and calls the service methods; it changes nothing else.";
  spec.extra_flags.push_back(create_service_key);
  return spec;
}

using PlatformKeyMaker = absl::StatusOr<std::string> (*)(coalition::storage::Database&,
                                                         const coalition::Clock&,
                                                         const std::string&);

// --create_admin_key, --create_service_key: opens the store, makes the key, prints it, exits.
int CreateKeyAndExit(const ServiceSpec& spec, const coalition::server::Config& config,
                     const std::string& flag, PlatformKeyMaker create) {
  auto db = coalition::storage::OpenDatabase(config.store);
  absl::Status status =
      db.ok() ? (*db)->Migrate("membership", coalition::membership::MembershipMigrations())
              : db.status();
  if (status.ok()) {
    auto secret = create(**db, *coalition::SystemClock::Get(), config.Extra(flag));
    if (secret.ok()) {
      std::printf("%s\n", secret->c_str());
      return 0;
    }
    status = secret.status();
  }
  std::fprintf(stderr, "%s: --%s: cannot create the key: %s\n", spec.name.c_str(), flag.c_str(),
               status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const ServiceSpec spec = MembershipSpec();
  auto config =
      coalition::server::ParseConfig(spec, std::vector<std::string>(argv + 1, argv + argc),
                                     coalition::server::ProcessEnvironment());
  if (config.ok() && !config->help) {
    const bool admin = !config->Extra("create_admin_key").empty();
    const bool service = !config->Extra("create_service_key").empty();
    if (admin && service) {
      std::fprintf(stderr, "%s: give --create_admin_key or --create_service_key, not both\n",
                   spec.name.c_str());
      return 2;
    }
    if (admin) {
      return CreateKeyAndExit(spec, *config, "create_admin_key",
                              &coalition::membership::CreatePlatformAdminKey);
    }
    if (service) {
      return CreateKeyAndExit(spec, *config, "create_service_key",
                              &coalition::membership::CreatePlatformServiceKey);
    }
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
            std::make_unique<coalition::membership::StoreAuthenticator>(*runtime.database),
            std::move(secret)));
        return services;
      });
}
