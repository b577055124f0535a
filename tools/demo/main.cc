// coalition-demo: loads a synthetic four-state quality network into the membership service,
// through its public gRPC API, idempotently (a re-run creates nothing new).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tools/demo/demo_loader.h"
#include "tools/demo/demo_network.h"
#include "tools/demo/membership_client.h"

namespace {

using coalition::demo::DemoLoader;
using coalition::demo::IssuedApiKey;
using coalition::demo::MembershipClient;

constexpr char kUsage[] =
    "Usage: coalition-demo [--membership=HOST:PORT] [--api_key=KEY] [--seed=N] "
    "[--print_network]\n"
    "\n"
    "Loads a synthetic demo network (4 states, 12 coalitions, 60 organizations, 300 people)\n"
    "into the membership service through its gRPC API. Every create carries a request id made\n"
    "from the seed, so running it again with the same seed creates nothing new.\n"
    "\n"
    "  --membership=HOST:PORT  the membership service (default 127.0.0.1:50051)\n"
    "  --api_key=KEY           a platform admin key (default: $COALITION_API_KEY); make one with\n"
    "                          membership-server --store=... --create_admin_key=NAME\n"
    "  --seed=N                which demo network (default 7)\n"
    "  --print_network         print the network's resource name as the last line\n"
    "  --help                  show this text\n"
    "\n"
    "The summary and the new API keys' secrets go to stdout, progress to stderr.\n";

struct Flags {
  std::string membership = "127.0.0.1:50051";
  std::string api_key;
  uint32_t seed = 7;
  bool print_network = false;
  bool help = false;
};

bool TakesValue(const std::string& name) {
  return name == "--membership" || name == "--api_key" || name == "--seed";
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

  const coalition::demo::DemoNetwork demo = coalition::demo::BuildDemoNetwork(flags->seed);
  MembershipClient client(coalition::demo::DialMembership(flags->membership), flags->api_key);
  DemoLoader loader(client, demo, flags->seed);
  std::fprintf(stderr, "loading demo network (seed %u) into %s\n", flags->seed,
               flags->membership.c_str());
  const absl::Status status = loader.Load();
  if (!status.ok()) {
    std::fprintf(stderr, "coalition-demo: %s: %s\n",
                 absl::StatusCodeToString(status.code()).c_str(),
                 std::string(status.message()).c_str());
    if (status.code() == absl::StatusCode::kPermissionDenied) {
      std::fprintf(stderr, "coalition-demo: the key must be a platform admin key\n");
    }
    return 1;
  }

  PrintApiKeys(loader.api_keys());
  std::printf("demo network %s: %d resources created\n", loader.network_name().c_str(),
              loader.summary().total_created());
  std::fputs(loader.summary().ToString().c_str(), stdout);
  if (flags->print_network) std::printf("%s\n", loader.network_name().c_str());
  return 0;
}
