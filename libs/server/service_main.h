#ifndef COALITION_LIBS_SERVER_SERVICE_MAIN_H_
#define COALITION_LIBS_SERVER_SERVICE_MAIN_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/impl/service_type.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "libs/cache/cache.h"
#include "libs/core/clock.h"
#include "libs/server/config.h"
#include "libs/storage/database.h"

namespace prometheus {
class Registry;
}

namespace coalition::server {

// What a service's factory builds its handlers from. Everything here outlives the services.
struct Runtime {
  Config config;
  std::unique_ptr<storage::Database> database;  // storage::OpenDatabase(config.store)
  std::unique_ptr<cache::Cache> cache;          // Redis when --redis is set, else pass-through
  std::shared_ptr<prometheus::Registry> registry;
  Clock* clock = SystemClock::Get();
  // What the factory started besides its services (clients, background workers). Destroyed
  // after the services and before the store and cache, in reverse order of addition.
  std::vector<std::shared_ptr<void>> workers;
  // Called in order when shutdown begins, before the server drains: ends long-lived streams
  // so that they do not hold the drain for its whole timeout.
  std::vector<std::function<void()>> on_shutdown;

  ~Runtime() {
    while (!workers.empty()) workers.pop_back();
  }
};

// Opens the store (creating the directory of a sqlite file) and the cache, both reporting to
// `registry`. The cache's keys are prefixed with "<service>:"; its password, when
// --redis_password_file names one, is read here (INVALID_ARGUMENT naming the flag if it cannot
// be).
absl::StatusOr<std::unique_ptr<Runtime>> OpenRuntime(
    const ServiceSpec& spec, const Config& config,
    const std::shared_ptr<prometheus::Registry>& registry, Clock* clock = SystemClock::Get());

using ServiceList = std::vector<std::unique_ptr<grpc::Service>>;
using ServiceFactory = std::function<absl::StatusOr<ServiceList>(Runtime& runtime)>;

// A one-shot request to stop serving, from a signal or from code (tests, an admin action).
class ShutdownRequest {
 public:
  // The first reason wins; later requests are ignored.
  void Request(absl::string_view reason);
  bool requested() const;
  // Blocks until Request has been called; returns its reason.
  std::string Wait() const;

 private:
  mutable absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  std::string reason_ ABSL_GUARDED_BY(mu_);
};

// Where a started service can be reached, for callers that asked for port 0.
struct ServingInfo {
  int port = 0;
  int metrics_port = 0;  // 0 when --metrics_listen=off
  int health_port = 0;   // 0 when --health_listen=off
};

// Opens the runtime, builds the services, serves /metrics and gRPC, then, once `shutdown` is
// requested, drains within config.drain_timeout and closes everything. `on_serving`, when set,
// is called once everything listens. Errors are startup failures (store, bind, TLS files).
absl::Status Serve(const ServiceSpec& spec, const Config& config, const ServiceFactory& factory,
                   const ShutdownRequest& shutdown,
                   const std::function<void(const ServingInfo&)>& on_serving = nullptr);

// A service's whole main: parses flags and environment (--help prints them and returns 0; a
// bad flag returns 2), turns SIGTERM and SIGINT into a graceful shutdown (a second signal
// exits at once), and serves. Returns the process exit code: 0 after a clean shutdown, 1 when
// startup failed. Call it first thing in main, before any thread starts, so that the signals
// stay blocked in every thread.
int RunService(const ServiceSpec& spec, int argc, char** argv, const ServiceFactory& factory);

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_SERVICE_MAIN_H_
