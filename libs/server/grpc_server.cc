#include "libs/server/grpc_server.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include <grpc/grpc.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/server_builder.h>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/flag_file.h"
#include "libs/server/call_context.h"
#include "libs/telemetry/grpc_metrics.h"
#include "libs/telemetry/log.h"

namespace coalition::server {
namespace {

// Both are process-wide switches that must be set before a builder is made, and are not
// thread-safe, hence once.
void InitServerPluginsOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  });
}

int Milliseconds(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

// The plugins (reflection) are process-wide and join every builder; the health-only server
// must offer nothing but health, so its builder drops them.
class WithoutPlugins final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->clear();
  }
};

}  // namespace

// Answers every method the health-only server does not register UNIMPLEMENTED. Without a
// service of its own the builder would also have no completion queue to serve the default
// health service from.
class GrpcServer::HealthOnly final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    class Refusal final : public grpc::ServerGenericBidiReactor {
     public:
      Refusal() {
        Finish(
            grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "this port serves grpc.health.v1 only"));
      }
      void OnDone() override { delete this; }
    };
    return new Refusal;
  }
};

namespace {

// A plaintext server with the default health service and `refusal` alone. Null, with *port 0,
// when `listen` cannot be bound.
std::unique_ptr<grpc::Server> StartHealthServer(const std::string& listen,
                                                grpc::CallbackGenericService* refusal, int* port) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), port);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetOption(std::make_unique<WithoutPlugins>());
  builder.RegisterCallbackGenericService(refusal);
  return builder.BuildAndStart();
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFiles(
    const TlsFiles& files) {
  if (files.cert.empty() && files.key.empty() && files.client_ca.empty()) {
    return grpc::InsecureServerCredentials();
  }
  if (files.cert.empty() || files.key.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", files.cert.empty() ? "tls_cert" : "tls_key",
                     ": --tls_cert and --tls_key go together (and --tls_client_ca needs both)"));
  }
  absl::StatusOr<std::string> cert = ReadPemFlagFile("tls_cert", files.cert, "CERTIFICATE-----");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPemFlagFile("tls_key", files.key, "PRIVATE KEY-----");
  if (!key.ok()) return key.status();

  grpc::SslServerCredentialsOptions options(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  if (!files.client_ca.empty()) {
    absl::StatusOr<std::string> ca =
        ReadPemFlagFile("tls_client_ca", files.client_ca, "CERTIFICATE-----");
    if (!ca.ok()) return ca.status();
    options.pem_root_certs = *std::move(ca);
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  options.pem_key_cert_pairs.push_back({*std::move(key), *std::move(cert)});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const ServerOptions& options, const std::vector<grpc::Service*>& services) {
  InitServerPluginsOnce();
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      ServerCredentialsFromFiles(options.tls);
  if (!credentials.ok()) return credentials.status();

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(options.listen, *credentials, &port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  // gRPC sets SO_REUSEPORT by default: a second process on the same port would silently take
  // half the connections instead of failing to start.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Milliseconds(options.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
                             Milliseconds(options.keepalive_timeout));
  // Without this an idle connection counts every client ping as abuse and is closed.
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                             Milliseconds(options.min_client_ping_interval));
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);

  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  // Metrics first, so the time it measures includes the other interceptors.
  if (options.registry != nullptr) {
    telemetry::ServerMetricsOptions metrics;
    metrics.registry = options.registry;
    metrics.services = options.services;
    interceptors.push_back(telemetry::NewServerMetricsInterceptorFactory(metrics));
  }
  interceptors.push_back(NewCallContextInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));

  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve gRPC on ", options.listen, " (address in use or not local?)"));
  }
  std::unique_ptr<HealthOnly> health_only;
  std::unique_ptr<grpc::Server> health_server;
  int health_port = 0;
  if (!options.health_listen.empty()) {
    health_only = std::make_unique<HealthOnly>();
    health_server = StartHealthServer(options.health_listen, health_only.get(), &health_port);
    if (health_server == nullptr || health_port == 0) {
      server->Shutdown(std::chrono::system_clock::now());
      return absl::UnavailableError(absl::StrCat("--health_listen: cannot serve health on ",
                                                 options.health_listen,
                                                 " (address in use or not local?)"));
    }
  }
  auto started = std::unique_ptr<GrpcServer>(
      new GrpcServer(std::move(server), port, std::move(health_only), std::move(health_server),
                     health_port, options.services));
  started->SetServing(true);
  return started;
}

GrpcServer::GrpcServer(std::unique_ptr<grpc::Server> server, int port,
                       std::unique_ptr<HealthOnly> health_only,
                       std::unique_ptr<grpc::Server> health_server, int health_port,
                       std::vector<std::string> services)
    : server_(std::move(server)),
      port_(port),
      health_only_(std::move(health_only)),
      health_server_(std::move(health_server)),
      health_port_(health_port),
      services_(std::move(services)) {}

void GrpcServer::SetServing(bool serving) {
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    grpc::HealthCheckServiceInterface* health =
        server != nullptr ? server->GetHealthCheckService() : nullptr;
    if (health == nullptr) continue;
    health->SetServingStatus("", serving);
    for (const std::string& name : services_) health->SetServingStatus(name, serving);
  }
}

GrpcServer::~GrpcServer() { Shutdown(absl::ZeroDuration()); }

void GrpcServer::Shutdown(absl::Duration drain_timeout) {
  absl::MutexLock lock(&shutdown_mu_);
  if (shut_down_) return;
  shut_down_ = true;
  // Health first, so a client watching it (or a load balancer) moves away while calls drain.
  SetServing(false);
  telemetry::LogInfo("draining", {{"port", port_}, {"drain_timeout", drain_timeout}});
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::milliseconds(absl::ToInt64Milliseconds(drain_timeout)));
  server_->Wait();
  // Probes saw NOT_SERVING throughout the drain; now the health-only port goes too, ending its
  // Watch streams at once.
  if (health_server_ != nullptr) {
    health_server_->Shutdown(std::chrono::system_clock::now());
    health_server_->Wait();
  }
  const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
  telemetry::LogInfo("stopped", {{"port", port_}, {"drain_ms", took.count()}});
}

}  // namespace coalition::server
