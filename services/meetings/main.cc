#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "libs/clients/channel_credentials.h"
#include "libs/clients/membership_authenticator.h"
#include "libs/clients/membership_client.h"
#include "libs/clients/peer_call.h"
#include "libs/core/flag_file.h"
#include "libs/core/status.h"
#include "libs/server/config.h"
#include "libs/server/service_main.h"
#include "libs/storage/platform_tables.h"
#include "services/meetings/background.h"
#include "services/meetings/meetings_service.h"
#include "services/meetings/repository.h"

namespace {

using coalition::server::FlagSpec;
using coalition::server::Runtime;
using coalition::server::ServiceList;
using coalition::server::ServiceSpec;

FlagSpec Flag(std::string name, std::string default_value, std::string help,
              std::function<absl::Status(absl::string_view)> validate = nullptr) {
  FlagSpec flag;
  flag.name = std::move(name);
  flag.default_value = std::move(default_value);
  flag.help = std::move(help);
  flag.validate = std::move(validate);
  return flag;
}

ServiceSpec MeetingsSpec() {
  ServiceSpec spec;
  spec.name = "meetings";
  spec.default_listen = "127.0.0.1:50052";
  spec.default_metrics_listen = "127.0.0.1:9462";
  spec.grpc_services = {"coalition.meetings.v1.MeetingsService"};
  spec.extra_flags = {
      Flag("membership", "127.0.0.1:50051",
           "HOST:PORT of membership-server, which checks API keys and members.",
           coalition::server::ValidateHostPort),
      Flag("membership_key_file", "",
           "File holding this service's own service-account key for membership (made with "
           "membership-server --create_service_key). Required.",
           [](absl::string_view value) -> absl::Status {
             if (value.empty()) return absl::InvalidArgumentError("is required");
             return absl::OkStatus();
           }),
      Flag("overload_threshold", "5",
           "More open commitments than this, across coalitions, is overload (when a request "
           "does not say).",
           [](absl::string_view value) -> absl::Status {
             int n = 0;
             if (!absl::SimpleAtoi(value, &n) || n < 1 || n > 1000) {
               return absl::InvalidArgumentError("must be a whole number from 1 to 1000");
             }
             return absl::OkStatus();
           }),
      Flag("time_zone", "America/New_York",
           "IANA time zone of the days of due dates, check-ins and reports.",
           [](absl::string_view value) -> absl::Status {
             absl::TimeZone tz;
             if (!absl::LoadTimeZone(std::string(value), &tz)) {
               return absl::InvalidArgumentError("is not a known IANA time zone");
             }
             return absl::OkStatus();
           }),
  };
  for (FlagSpec& flag : coalition::clients::PeerTlsFlags("membership")) {
    spec.extra_flags.push_back(std::move(flag));
  }
  return spec;
}

absl::StatusOr<std::shared_ptr<grpc::Channel>> MembershipChannel(
    const coalition::server::Config& config) {
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                   coalition::clients::PeerChannelCredentials(
                       "membership", coalition::clients::PeerTlsFilesOf(config, "membership")));
  return coalition::clients::NewPeerChannel(config.Extra("membership"), std::move(credentials));
}

absl::StatusOr<ServiceList> BuildServices(Runtime& runtime) {
  using namespace coalition::meetings;  // NOLINT: the factory wires this service's parts
  RETURN_IF_ERROR(runtime.database->Migrate("meetings", MeetingsMigrations()));
  ASSIGN_OR_RETURN(std::string secret,
                   coalition::storage::StoreSecret(*runtime.database, "page-tokens"));
  ASSIGN_OR_RETURN(
      std::string key_file,
      coalition::ReadFlagFile("membership_key_file", runtime.config.Extra("membership_key_file")));
  const std::string key(absl::StripAsciiWhitespace(key_file));
  if (key.empty()) {
    return absl::FailedPreconditionError("--membership_key_file: the file is empty");
  }
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, MembershipChannel(runtime.config));

  MeetingsOptions options;
  absl::LoadTimeZone(runtime.config.Extra("time_zone"), &options.time_zone);
  (void)absl::SimpleAtoi(runtime.config.Extra("overload_threshold"), &options.overload_threshold);

  auto membership = std::make_shared<coalition::clients::MembershipClient>(
      channel, *runtime.cache, coalition::clients::MembershipClient::Options{.service_key = key});
  BackgroundWork::Options background_options;
  background_options.time_zone = options.time_zone;
  auto background = std::make_shared<BackgroundWork>(*runtime.database, *runtime.clock, *membership,
                                                     runtime.registry.get(), background_options);
  background->Start();
  // Destroyed in reverse: the background work stops before the client it uses.
  runtime.workers.push_back(membership);
  runtime.workers.push_back(background);

  auto service = std::make_unique<MeetingsService>(
      *runtime.database, *runtime.clock,
      coalition::clients::NewMembershipAuthenticator(channel, {.service_key = key}, runtime.clock),
      *membership, std::move(secret), options, background.get());
  runtime.on_shutdown.push_back([s = service.get()] { s->BeginShutdown(); });
  ServiceList services;
  services.push_back(std::move(service));
  return services;
}

}  // namespace

int main(int argc, char** argv) {
  return coalition::server::RunService(MeetingsSpec(), argc, argv, BuildServices);
}
