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
  return spec;
}

// --create_admin_key: opens the store, makes the key, prints it, exits.
int CreateAdminKey(const ServiceSpec& spec, const coalition::server::Config& config) {
  auto db = coalition::storage::OpenDatabase(config.store);
  absl::Status status =
      db.ok() ? (*db)->Migrate("membership", coalition::membership::MembershipMigrations())
              : db.status();
  if (status.ok()) {
    auto secret = coalition::membership::CreatePlatformAdminKey(
        **db, *coalition::SystemClock::Get(), config.Extra("create_admin_key"));
    if (secret.ok()) {
      std::printf("%s\n", secret->c_str());
      return 0;
    }
    status = secret.status();
  }
  std::fprintf(stderr, "%s: cannot create the admin key: %s\n", spec.name.c_str(),
               status.ToString().c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const ServiceSpec spec = MembershipSpec();
  auto config =
      coalition::server::ParseConfig(spec, std::vector<std::string>(argv + 1, argv + argc),
                                     coalition::server::ProcessEnvironment());
  if (config.ok() && !config->help && !config->Extra("create_admin_key").empty()) {
    return CreateAdminKey(spec, *config);
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
