#include "libs/server/service_main.h"

#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <thread>
#include <utility>

#include <prometheus/registry.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "libs/core/flag_file.h"
#include "libs/server/executor.h"
#include "libs/server/grpc_server.h"
#include "libs/telemetry/log.h"
#include "libs/telemetry/metrics_exposer.h"

namespace coalition::server {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitStartupFailed = 1;
constexpr int kExitUsage = 2;

// A relative or absolute sqlite file whose directory does not exist yet (the default
// ./data/<service>.db on a fresh checkout) is created rather than failing the first start.
absl::Status EnsureSqliteDirectory(absl::string_view store) {
  absl::string_view path = store;
  if (!absl::ConsumePrefix(&path, "sqlite:") || path.empty() || path == ":memory:" ||
      absl::StartsWith(path, "file:")) {
    return absl::OkStatus();
  }
  const std::filesystem::path parent = std::filesystem::path(std::string(path)).parent_path();
  if (parent.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat("--store: cannot create directory \"",
                                                   parent.string(), "\": ", error.message()));
  }
  return absl::OkStatus();
}

absl::string_view TlsMode(const Config& config) {
  if (config.tls_cert.empty()) return "plaintext";
  return config.tls_client_ca.empty() ? "tls" : "mutual_tls";
}

// Waits for SIGTERM/SIGINT (blocked in every thread) and turns the first into a shutdown
// request. sigtimedwait rather than sigwait so that the thread can be joined.
class SignalWatcher {
 public:
  SignalWatcher(sigset_t signals, ShutdownRequest* shutdown)
      : signals_(signals), shutdown_(shutdown), thread_([this] { Run(); }) {}
  ~SignalWatcher() {
    stop_.store(true);
    thread_.join();
  }

 private:
  void Run() {
    bool seen = false;
    while (!stop_.load()) {
      const timespec wait = absl::ToTimespec(absl::Milliseconds(200));
      const int signal = sigtimedwait(&signals_, nullptr, &wait);
      if (signal <= 0) continue;
      const char* name = signal == SIGTERM ? "SIGTERM" : "SIGINT";
      if (seen) {
        // An operator pressing Ctrl-C twice does not want to wait for the drain.
        telemetry::LogWarn("second signal, exiting without draining", {{"signal", name}});
        std::_Exit(kExitStartupFailed);
      }
      seen = true;
      telemetry::LogInfo("signal received, shutting down", {{"signal", name}});
      shutdown_->Request(name);
    }
  }

  sigset_t signals_;
  ShutdownRequest* shutdown_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Runtime>> OpenRuntime(
    const ServiceSpec& spec, const Config& config,
    const std::shared_ptr<prometheus::Registry>& registry, Clock* clock) {
  auto runtime = std::make_unique<Runtime>();
  runtime->config = config;
  runtime->registry = registry;
  runtime->clock = clock;

  if (absl::Status status = EnsureSqliteDirectory(config.store); !status.ok()) return status;
  storage::DatabaseOptions database_options;
  database_options.registry = registry;
  absl::StatusOr<std::unique_ptr<storage::Database>> database =
      storage::OpenDatabase(config.store, database_options);
  if (!database.ok()) {
    // The URL itself may hold a password, so only the backend's answer is repeated.
    return absl::Status(database.status().code(),
                        absl::StrCat("--store: ", database.status().message()));
  }
  runtime->database = *std::move(database);

  if (config.redis.empty()) {
    runtime->cache = cache::NewPassThroughCache();
  } else {
    absl::StatusOr<cache::RedisOptions> redis = cache::ParseRedisAddress(config.redis, "redis");
    if (!redis.ok()) return redis.status();
    if (!config.redis_password_file.empty()) {
      absl::StatusOr<std::string> password =
          ReadSecretFlagFile("redis_password_file", config.redis_password_file);
      if (!password.ok()) return password.status();
      redis->password = *std::move(password);
    }
    redis->key_prefix = absl::StrCat(spec.name, ":");
    redis->registry = registry;
    runtime->cache = cache::NewRedisCache(*redis);
  }
  return runtime;
}

void ShutdownRequest::Request(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  if (requested_) return;
  requested_ = true;
  reason_ = std::string(reason);
}

bool ShutdownRequest::requested() const {
  absl::MutexLock lock(&mu_);
  return requested_;
}

std::string ShutdownRequest::Wait() const {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&requested_));
  return reason_;
}

absl::Status Serve(const ServiceSpec& spec, const Config& config, const ServiceFactory& factory,
                   const ShutdownRequest& shutdown,
                   const std::function<void(const ServingInfo&)>& on_serving) {
  // Before anything can submit a handler body: the executor is sized once per process.
  if (!ConfigureHandlerExecutor(config.handler_threads, config.handler_queue)) {
    telemetry::LogWarn(
        "handler executor already running; --handler_threads and "
        "--handler_queue are ignored",
        {{"threads", HandlerExecutor().threads()}, {"queue", HandlerExecutor().queue_capacity()}});
  }
  auto registry = std::make_shared<prometheus::Registry>();
  absl::StatusOr<std::unique_ptr<Runtime>> runtime =
      OpenRuntime(spec, config, registry, SystemClock::Get());
  if (!runtime.ok()) return runtime.status();

  absl::StatusOr<ServiceList> services = factory(**runtime);
  if (!services.ok()) return services.status();
  std::vector<grpc::Service*> service_pointers;
  for (const std::unique_ptr<grpc::Service>& service : *services) {
    service_pointers.push_back(service.get());
  }

  ServingInfo info;
  std::unique_ptr<telemetry::MetricsExposer> exposer;
  if (config.metrics_listen != "off") {
    absl::StatusOr<std::unique_ptr<telemetry::MetricsExposer>> started =
        telemetry::MetricsExposer::Start(config.metrics_listen, registry);
    if (!started.ok()) {
      return absl::Status(started.status().code(),
                          absl::StrCat("--metrics_listen: ", started.status().message()));
    }
    exposer = *std::move(started);
    info.metrics_port = exposer->port();
  }

  ServerOptions options;
  options.listen = config.listen;
  options.tls = {config.tls_cert, config.tls_key, config.tls_client_ca};
  if (config.health_listen != "off") options.health_listen = config.health_listen;
  options.max_message_bytes = config.max_message_bytes;
  options.max_concurrent_streams = config.max_concurrent_streams;
  options.services = spec.grpc_services;
  options.registry = registry;
  absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(options, service_pointers);
  if (!server.ok()) {
    // Errors about the TLS files or the health port name their flag already.
    if (absl::StartsWith(server.status().message(), "--")) return server.status();
    return absl::Status(server.status().code(),
                        absl::StrCat("--listen: ", server.status().message()));
  }
  info.port = (*server)->port();
  info.health_port = (*server)->health_port();

  telemetry::LogInfo("serving", {{"listen", config.listen},
                                 {"port", info.port},
                                 {"metrics_port", info.metrics_port},
                                 {"health_port", info.health_port},
                                 {"tls", TlsMode(config)},
                                 {"store", (*runtime)->database->backend()},
                                 {"cache", config.redis.empty() ? "none" : "redis"}});
  if (on_serving) on_serving(info);

  const std::string reason = shutdown.Wait();
  telemetry::LogInfo("shutting down", {{"reason", reason}});
  for (const auto& begin_shutdown : (*runtime)->on_shutdown) begin_shutdown();
  (*server)->Shutdown(config.drain_timeout);
  // Services go before the runtime they point into, and the server before the services.
  server->reset();
  services->clear();
  exposer.reset();
  runtime->reset();
  telemetry::LogInfo("shut down");
  return absl::OkStatus();
}

int RunService(const ServiceSpec& spec, int argc, char** argv, const ServiceFactory& factory) {
  // Blocked before any thread exists, so every later thread inherits the mask and only the
  // watcher ever sees these signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  telemetry::ConfigureLogging({spec.name, telemetry::LogLevel::kInfo});
  telemetry::RouteGrpcLogsToJson();
  const std::string program = argc > 0 ? argv[0] : spec.name;
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  absl::StatusOr<Config> config = ParseConfig(spec, args, ProcessEnvironment());
  if (!config.ok()) {
    std::fprintf(stderr, "%s: %s\nRun %s --help for the flags.\n", program.c_str(),
                 std::string(config.status().message()).c_str(), program.c_str());
    return kExitUsage;
  }
  if (config->help) {
    std::fputs(Usage(spec, program).c_str(), stdout);
    return kExitOk;
  }
  telemetry::ConfigureLogging({spec.name, config->log_level});

  ShutdownRequest shutdown;
  SignalWatcher watcher(signals, &shutdown);
  absl::Status status = Serve(spec, *config, factory, shutdown);
  if (!status.ok()) {
    telemetry::LogError("startup failed", {{"error", std::string(status.message())},
                                           {"code", absl::StatusCodeToString(status.code())}});
    return kExitStartupFailed;
  }
  return kExitOk;
}

}  // namespace coalition::server
