#include "libs/server/config.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/server/executor.h"

namespace coalition::server {
namespace {

absl::Status ValidatePositiveInt(absl::string_view value) {
  int parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed) || parsed <= 0) {
    return absl::InvalidArgumentError(absl::StrCat("\"", value, "\" is not a positive integer"));
  }
  return absl::OkStatus();
}

absl::Status ValidateNonNegativeInt(absl::string_view value) {
  int parsed = 0;
  if (!absl::SimpleAtoi(value, &parsed) || parsed < 0) {
    return absl::InvalidArgumentError(absl::StrCat("\"", value, "\" is not a whole number >= 0"));
  }
  return absl::OkStatus();
}

absl::Status ValidateDuration(absl::string_view value) {
  absl::Duration parsed;
  if (!absl::ParseDuration(value, &parsed) || parsed < absl::ZeroDuration() ||
      parsed == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", value, "\" is not a duration such as 10s or 500ms"));
  }
  return absl::OkStatus();
}

absl::Status ValidateStore(absl::string_view value) {
  if (absl::StartsWith(value, "postgres://") || absl::StartsWith(value, "postgresql://")) {
    return absl::OkStatus();
  }
  absl::string_view path = value;
  if (absl::ConsumePrefix(&path, "sqlite:") && !path.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("\"", value, "\" is neither sqlite:PATH nor postgres://..."));
}

absl::Status ValidateBool(absl::string_view value) {
  if (value == "true" || value == "false" || value == "1" || value == "0") {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(absl::StrCat("\"", value, "\" is not true or false"));
}

bool ParseBool(absl::string_view value) { return value == "true" || value == "1"; }

const FlagSpec* FindFlag(const std::vector<FlagSpec>& flags, absl::string_view name) {
  for (const FlagSpec& flag : flags) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

absl::Status FlagError(absl::string_view flag, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", message));
}

}  // namespace

std::string Config::Extra(absl::string_view name) const {
  auto it = extra.find(name);
  return it == extra.end() ? "" : it->second;
}

bool Config::ExtraBool(absl::string_view name) const { return ParseBool(Extra(name)); }

EnvironmentLookup ProcessEnvironment() {
  return [](absl::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string EnvironmentVariableFor(absl::string_view flag_name) {
  return absl::StrCat("COALITION_", absl::AsciiStrToUpper(flag_name));
}

absl::Status ValidateHostPort(absl::string_view value) {
  const size_t colon = value.rfind(':');
  int port = -1;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(value.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("\"", value, "\" is not HOST:PORT"));
  }
  return absl::OkStatus();
}

std::vector<FlagSpec> FlagsOf(const ServiceSpec& spec) {
  std::vector<FlagSpec> flags = {
      {"listen", spec.default_listen, "gRPC address, HOST:PORT (port 0 picks a free port).", false,
       ValidateHostPort},
      {"metrics_listen", spec.default_metrics_listen,
       "Prometheus /metrics address, HOST:PORT, or \"off\".", false,
       [](absl::string_view v) { return v == "off" ? absl::OkStatus() : ValidateHostPort(v); }},
      {"health_listen", "off",
       "Plaintext address, HOST:PORT, serving grpc.health.v1 only (for Kubernetes gRPC probes, "
       "which cannot speak TLS, while --listen serves TLS), or \"off\".",
       false,
       [](absl::string_view v) { return v == "off" ? absl::OkStatus() : ValidateHostPort(v); }},
      {"store", absl::StrCat("sqlite:./data/", spec.name, ".db"),
       "The service's database: sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB.", false,
       ValidateStore},
      {"redis", "", "Redis cache, HOST:PORT; empty runs without a cache.", false,
       [](absl::string_view v) { return v.empty() ? absl::OkStatus() : ValidateHostPort(v); }},
      {"redis_password_file", "",
       "File holding the Redis password (sent as AUTH; a trailing newline is ignored). Empty: "
       "no AUTH.",
       false, nullptr},
      {"tls_cert", "", "Server certificate chain (PEM file); with --tls_key, serves TLS.", false,
       nullptr},
      {"tls_key", "", "Private key of --tls_cert (PEM file).", false, nullptr},
      {"tls_client_ca", "",
       "CA bundle (PEM file) for client certificates; when set, clients must present a "
       "certificate it signed (mutual TLS).",
       false, nullptr},
      {"drain_timeout", "10s",
       "On SIGTERM, how long in-flight calls may take to finish before they are cancelled.", false,
       ValidateDuration},
      {"log_level", "info", "Lowest level logged: debug, info, warn or error.", false,
       [](absl::string_view v) { return telemetry::ParseLogLevel(v).status(); }},
      {"max_message_bytes", "4194304", "Largest request or response message, in bytes.", false,
       ValidatePositiveInt},
      {"max_concurrent_streams", "100", "Most concurrent calls per client connection.", false,
       ValidatePositiveInt},
      {"handler_threads", absl::StrCat(kDefaultHandlerThreads),
       "Threads that run handler bodies (the store, Redis and calls to other services block "
       "there, never on gRPC's own threads).",
       false, ValidatePositiveInt},
      {"handler_queue", absl::StrCat(kDefaultHandlerQueue),
       "Calls that may wait for a handler thread; past that a call gets RESOURCE_EXHAUSTED.", false,
       ValidateNonNegativeInt},
  };
  flags.insert(flags.end(), spec.extra_flags.begin(), spec.extra_flags.end());
  return flags;
}

absl::StatusOr<Config> ParseConfig(const ServiceSpec& spec, const std::vector<std::string>& args,
                                   const EnvironmentLookup& env) {
  const std::vector<FlagSpec> flags = FlagsOf(spec);
  // Where each value came from, so an error about a bad environment value says so.
  std::map<std::string, std::string, std::less<>> values;
  std::map<std::string, std::string, std::less<>> sources;
  for (const FlagSpec& flag : flags) {
    values[flag.name] = flag.default_value;
    const std::string variable = EnvironmentVariableFor(flag.name);
    std::optional<std::string> from_env = env ? env(variable) : std::nullopt;
    if (from_env.has_value() && !from_env->empty()) {
      values[flag.name] = *from_env;
      sources[flag.name] = absl::StrCat(" (from ", variable, ")");
    }
  }

  Config config;
  for (size_t i = 0; i < args.size(); ++i) {
    absl::string_view arg = args[i];
    if (arg == "--help" || arg == "-h" || arg == "-help") {
      config.help = true;
      continue;
    }
    if (!absl::ConsumePrefix(&arg, "--") || arg.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument \"", args[i], "\"; flags look like --name=value"));
    }
    absl::string_view name = arg;
    std::optional<std::string> value;
    if (const size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
    }
    const FlagSpec* flag = FindFlag(flags, name);
    if (flag == nullptr) return FlagError(name, "unknown flag; --help lists them");
    if (!value.has_value()) {
      if (flag->is_bool) {
        value = "true";
      } else if (i + 1 < args.size() && !absl::StartsWith(args[i + 1], "--")) {
        value = args[++i];
      } else {
        return FlagError(name, "needs a value");
      }
    }
    values[flag->name] = *value;
    sources.erase(flag->name);
  }
  if (config.help) return config;

  for (const FlagSpec& flag : flags) {
    const std::string& value = values[flag.name];
    absl::Status status = flag.is_bool ? ValidateBool(value) : absl::OkStatus();
    if (status.ok() && flag.validate) status = flag.validate(value);
    if (!status.ok()) {
      return FlagError(flag.name, absl::StrCat(status.message(), sources[flag.name]));
    }
  }

  config.listen = values["listen"];
  config.metrics_listen = values["metrics_listen"];
  config.health_listen = values["health_listen"];
  config.store = values["store"];
  config.redis = values["redis"];
  config.redis_password_file = values["redis_password_file"];
  config.tls_cert = values["tls_cert"];
  config.tls_key = values["tls_key"];
  config.tls_client_ca = values["tls_client_ca"];
  absl::ParseDuration(values["drain_timeout"], &config.drain_timeout);
  config.log_level = *telemetry::ParseLogLevel(values["log_level"]);
  absl::SimpleAtoi(values["max_message_bytes"], &config.max_message_bytes);
  absl::SimpleAtoi(values["max_concurrent_streams"], &config.max_concurrent_streams);
  absl::SimpleAtoi(values["handler_threads"], &config.handler_threads);
  absl::SimpleAtoi(values["handler_queue"], &config.handler_queue);
  for (const FlagSpec& flag : spec.extra_flags) config.extra[flag.name] = values[flag.name];

  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return FlagError(config.tls_cert.empty() ? "tls_cert" : "tls_key",
                     "--tls_cert and --tls_key go together: give both or neither");
  }
  if (!config.redis_password_file.empty() && config.redis.empty()) {
    return FlagError("redis_password_file", "a Redis password needs --redis as well");
  }
  if (!config.tls_client_ca.empty() && config.tls_cert.empty()) {
    return FlagError("tls_client_ca", "mutual TLS needs --tls_cert and --tls_key as well");
  }
  return config;
}

std::string Usage(const ServiceSpec& spec, absl::string_view program) {
  std::string out = absl::StrCat(
      "Usage: ", program, " [--flag=value | --flag value]...\n\n", "Runs the ", spec.name,
      " service. Every flag can also be set through its environment variable;\n"
      "a flag on the command line wins over the environment.\n\nFlags:\n");
  for (const FlagSpec& flag : FlagsOf(spec)) {
    absl::StrAppend(&out, "  --", flag.name, "\n      ", flag.help, "\n      env ",
                    EnvironmentVariableFor(flag.name), ", default \"", flag.default_value, "\"\n");
  }
  absl::StrAppend(&out, "  --help\n      Print this text and exit.\n");
  return out;
}

}  // namespace coalition::server
