#ifndef COALITION_LIBS_SERVER_CONFIG_H_
#define COALITION_LIBS_SERVER_CONFIG_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/telemetry/log.h"

namespace coalition::server {

// One command-line flag, also read from the environment variable COALITION_<NAME uppercased>.
struct FlagSpec {
  std::string name;  // "create_admin_key", without dashes
  std::string default_value;
  std::string help;
  // A boolean flag may be given bare ("--verbose" means "true"); its value must be true/false.
  bool is_bool = false;
  // Checks a value; the error message says what is wrong with it (the parser adds the flag
  // name). May be empty.
  std::function<absl::Status(absl::string_view value)> validate;
};

// What makes one service different from another at startup.
struct ServiceSpec {
  std::string name;                    // "membership": log "service", cache key prefix, store
  std::string default_listen;          // "0.0.0.0:50051"
  std::string default_metrics_listen;  // "0.0.0.0:9091"
  // Full names of the gRPC services, reported SERVING by grpc.health.v1 and labelled in the
  // metrics: {"coalition.membership.v1.MembershipService"}.
  std::vector<std::string> grpc_services;
  // The service's own flags, parsed and shown by --help like the common ones.
  std::vector<FlagSpec> extra_flags;
};

struct Config {
  std::string listen;
  std::string metrics_listen;       // "off" serves no /metrics
  std::string health_listen;        // "off" (default): no plaintext health-only port
  std::string store;                // "sqlite:PATH" or "postgres://..."
  std::string redis;                // "" means no cache
  std::string redis_password_file;  // its first line is sent as AUTH; "" sends none
  std::string tls_cert;
  std::string tls_key;
  std::string tls_client_ca;  // set means mutual TLS: clients must present a certificate
  absl::Duration drain_timeout = absl::Seconds(10);
  telemetry::LogLevel log_level = telemetry::LogLevel::kInfo;
  int max_message_bytes = 4 * 1024 * 1024;
  int max_concurrent_streams = 100;
  int handler_threads = 16;  // kDefaultHandlerThreads
  int handler_queue = 256;   // kDefaultHandlerQueue
  // Values of ServiceSpec::extra_flags by name (each has one, its default at least).
  std::map<std::string, std::string, std::less<>> extra;
  // --help was given: print Usage() and exit 0 instead of serving.
  bool help = false;

  // The value of a service's own flag; "" for a name the spec did not declare.
  std::string Extra(absl::string_view name) const;
  // The value of a boolean flag of the service.
  bool ExtraBool(absl::string_view name) const;
};

// Looks up an environment variable; std::nullopt when unset.
using EnvironmentLookup = std::function<std::optional<std::string>(absl::string_view name)>;

// The process environment, through getenv.
EnvironmentLookup ProcessEnvironment();

// "COALITION_" + the flag name uppercased: "drain_timeout" -> "COALITION_DRAIN_TIMEOUT".
std::string EnvironmentVariableFor(absl::string_view flag_name);

// Every flag of a service (the common ones, then the service's own) with its defaults.
std::vector<FlagSpec> FlagsOf(const ServiceSpec& spec);

// Parses argv[1..] (`args` excludes the program name) over the environment. Precedence: a flag
// on the command line, then its environment variable (an empty one counts as unset), then the
// default. Accepts "--flag=value" and "--flag value". INVALID_ARGUMENT naming the flag for an
// unknown flag, a missing or bad value, or a TLS certificate without its key.
absl::StatusOr<Config> ParseConfig(const ServiceSpec& spec, const std::vector<std::string>& args,
                                   const EnvironmentLookup& env);

// The --help text: every flag with its environment variable, default and help.
std::string Usage(const ServiceSpec& spec, absl::string_view program);

// Checks "HOST:PORT" (host non-empty, port 0-65535); the message names no flag.
absl::Status ValidateHostPort(absl::string_view value);

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_CONFIG_H_
