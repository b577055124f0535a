// A service binary built on RunService exactly as the real ones are, for the tests that need a
// separate process: exit codes, --help, and SIGTERM.
#include <memory>

#include "libs/server/service_main.h"
#include "tests/unit/server/fake_membership.h"

int main(int argc, char** argv) {
  coalition::server::ServiceSpec spec;
  spec.name = "fake";
  spec.default_listen = "127.0.0.1:0";
  spec.default_metrics_listen = "off";
  spec.grpc_services = {coalition::testing::kMembershipService};
  spec.extra_flags = {{"greeting", "hello", "A flag of this service only.", false, nullptr}};
  return coalition::server::RunService(
      spec, argc, argv,
      [](coalition::server::Runtime& runtime) -> absl::StatusOr<coalition::server::ServiceList> {
        coalition::server::ServiceList services;
        services.push_back(std::make_unique<coalition::testing::FakeMembership>());
        coalition::telemetry::LogInfo("factory called",
                                      {{"greeting", runtime.config.Extra("greeting")}});
        return services;
      });
}
