// coalition-demo: loads a synthetic four-state quality network into the membership service,
// and its meetings, commitments, one-to-ones and campaigns into the meetings service, through
// their public gRPC APIs, idempotently (a re-run creates nothing new).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tools/demo/demo_loader.h"
#include "tools/demo/demo_meetings.h"
#include "tools/demo/demo_meetings_loader.h"
#include "tools/demo/demo_network.h"
#include "tools/demo/meetings_client.h"
#include "tools/demo/membership_client.h"

namespace {

using coalition::demo::DemoLoader;
using coalition::demo::IssuedApiKey;
using coalition::demo::MeetingsClient;
using coalition::demo::MeetingsLoader;
using coalition::demo::MembershipClient;

constexpr char kUsage[] =
    "Usage: coalition-demo [--membership=HOST:PORT] [--meetings=HOST:PORT|none] [--api_key=KEY]\n"
    "                      [--seed=N] [--time_zone=ZONE] [--print_network]\n"
    "\n"
    "Loads a synthetic demo network (4 states, 12 coalitions, 60 organizations, 300 people)\n"
    "into the membership service, then its meetings, commitments, one-to-ones and campaigns\n"
    "into the meetings service, through their gRPC APIs. Every create carries a request id made\n"
    "from the seed, so running it again with the same seed creates nothing new.\n"
    "\n"
    "  --membership=HOST:PORT  the membership service (default 127.0.0.1:50051)\n"
    "  --meetings=HOST:PORT    the meetings service (default 127.0.0.1:50052); none: skip it\n"
    "  --api_key=KEY           a platform admin key (default: $COALITION_API_KEY); make one with\n"
    "                          membership-server --store=... --create_admin_key=NAME\n"
    "  --seed=N                which demo network (default 7)\n"
    "  --time_zone=ZONE        the meetings service's --time_zone, for the day due dates count\n"
    "                          from (default America/New_York)\n"
    "  --print_network         print the network's resource name as the last line\n"
    "  --help                  show this text\n"
    "\n"
    "The summary and the new API keys' secrets go to stdout, progress to stderr.\n";

struct Flags {
  std::string membership = "127.0.0.1:50051";
  std::string meetings = "127.0.0.1:50052";
  std::string api_key;
  uint32_t seed = 7;
  std::string time_zone = "America/New_York";
  bool print_network = false;
  bool help = false;
};

bool TakesValue(const std::string& name) {
  return name == "--membership" || name == "--meetings" || name == "--api_key" ||
         name == "--seed" || name == "--time_zone";
}

// Accepts --name=value and --name value, like the servers, and the bare boolean flags.
// `env_api_key` may be null.
absl::StatusOr<Flags> ParseFlags(const std::vector<std::string>& args, const char* env_api_key) {
  Flags flags;
  if (env_api_key != nullptr) flags.api_key = env_api_key;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const size_t eq = arg.find('=');
    const std::string name = arg.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    bool has_value = eq != std::string::npos;
    if (!has_value && TakesValue(name) && i + 1 < args.size()) {
      value = args[++i];
      has_value = true;
    }
    if (name == "--help" || name == "-h") {
      flags.help = true;
    } else if (name == "--print_network" && !has_value) {
      flags.print_network = true;
    } else if (name == "--membership" && has_value && !value.empty()) {
      flags.membership = value;
    } else if (name == "--meetings" && has_value && !value.empty()) {
      flags.meetings = value;
    } else if (name == "--time_zone" && has_value && !value.empty()) {
      flags.time_zone = value;
    } else if (name == "--api_key" && has_value) {
      flags.api_key = value;
    } else if (name == "--seed" && has_value) {
      if (!absl::SimpleAtoi(value, &flags.seed)) {
        return absl::InvalidArgumentError(
            absl::StrCat("--seed must be a non-negative integer, not \"", value, "\""));
      }
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown or malformed flag \"", arg, "\""));
    }
  }
  if (!flags.help && flags.api_key.empty()) {
    return absl::InvalidArgumentError("an API key is required: --api_key or $COALITION_API_KEY");
  }
  return flags;
}

// Secrets are returned only when a key is created, so only the first run can show them.
void PrintApiKeys(const std::vector<IssuedApiKey>& keys) {
  for (const IssuedApiKey& key : keys) {
    const std::string role = coalition::common::v1::Role_Name(key.api_key.role());
    if (!key.secret.empty()) {
      std::printf("api key %s (%s, %s): %s\n", key.api_key.name().c_str(),
                  key.api_key.display_name().c_str(), role.c_str(), key.secret.c_str());
    } else {
      std::printf(
          "api key %s (%s, %s) already exists; its secret was shown only when it was created\n",
          key.api_key.name().c_str(), key.api_key.display_name().c_str(), role.c_str());
    }
  }
}

// Prints a failed load's status; the loaders prefix it with the step that failed.
bool Succeeded(const absl::Status& status) {
  if (status.ok()) return true;
  std::fprintf(stderr, "coalition-demo: %s: %s\n", absl::StatusCodeToString(status.code()).c_str(),
               std::string(status.message()).c_str());
  if (status.code() == absl::StatusCode::kPermissionDenied) {
    std::fprintf(stderr, "coalition-demo: the key must be a platform admin key\n");
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  absl::StatusOr<Flags> flags =
      ParseFlags(std::vector<std::string>(argv + 1, argv + argc), std::getenv("COALITION_API_KEY"));
  if (!flags.ok()) {
    std::fprintf(stderr, "coalition-demo: %s\n\n%s", std::string(flags.status().message()).c_str(),
                 kUsage);
    return 2;
  }
  if (flags->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }

  absl::TimeZone time_zone;
  if (!absl::LoadTimeZone(flags->time_zone, &time_zone)) {
    std::fprintf(stderr, "coalition-demo: --time_zone: \"%s\" is not a known IANA time zone\n",
                 flags->time_zone.c_str());
    return 2;
  }

  const coalition::demo::DemoNetwork demo = coalition::demo::BuildDemoNetwork(flags->seed);
  MembershipClient client(coalition::demo::DialService(flags->membership), flags->api_key);
  DemoLoader loader(client, demo, flags->seed);
  std::fprintf(stderr, "loading demo network (seed %u) into %s\n", flags->seed,
               flags->membership.c_str());
  if (!Succeeded(loader.Load())) return 1;

  PrintApiKeys(loader.api_keys());
  std::printf("demo network %s: %d resources created\n", loader.network_name().c_str(),
              loader.summary().total_created());
  std::fputs(loader.summary().ToString().c_str(), stdout);

  if (flags->meetings != "none") {
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), time_zone);
    const coalition::demo::DemoMeetings meetings =
        coalition::demo::BuildDemoMeetings(demo, flags->seed, today, time_zone);
    MeetingsClient meetings_client(coalition::demo::DialService(flags->meetings), flags->api_key);
    MeetingsLoader meetings_loader(meetings_client, client, demo, loader.names(), meetings,
                                   flags->seed);
    std::fprintf(stderr, "loading meetings, commitments, one-to-ones and campaigns into %s\n",
                 flags->meetings.c_str());
    if (!Succeeded(meetings_loader.Load())) return 1;
    absl::StatusOr<coalition::demo::MeetingsReport> report =
        meetings_loader.Report(absl::Seconds(15));
    if (!Succeeded(report.status())) return 1;
    std::printf("\nmeetings of the demo network (days counted from %s, %s): %d resources created\n",
                absl::FormatCivilTime(today).c_str(), flags->time_zone.c_str(),
                meetings_loader.summary().total_created());
    std::fputs(meetings_loader.summary().ToString().c_str(), stdout);
    std::printf("commitments overdue now: %d; due within 7 days: %d\n", report->overdue,
                report->due_soon);
    std::printf("actors on the maps updated by completed one-to-ones: %d of %d%s\n",
                report->actors_updated, report->one_to_ones_with_actors,
                report->actors_updated < report->one_to_ones_with_actors
                    ? " (the rest are still in the meetings service's outbox)"
                    : "");
  }
  if (flags->print_network) std::printf("%s\n", loader.network_name().c_str());
  return 0;
}
