#ifndef COALITION_LIBS_SERVER_GRPC_SERVER_H_
#define COALITION_LIBS_SERVER_GRPC_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
}

namespace coalition::server {

// PEM files. All empty: plaintext. cert and key: TLS. client_ca as well: mutual TLS, where
// a client must present a certificate signed by client_ca.
struct TlsFiles {
  std::string cert;
  std::string key;
  std::string client_ca;
};

// Credentials for TlsFiles. INVALID_ARGUMENT naming the flag (--tls_cert, ...) for a file that
// cannot be read or holds no PEM of the right kind, or a certificate without its key.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFiles(
    const TlsFiles& files);

struct ServerOptions {
  std::string listen = "127.0.0.1:0";
  TlsFiles tls;
  // Empty: none. HOST:PORT: a second, plaintext server there with grpc.health.v1 alone, for
  // probes that cannot speak TLS (Kubernetes' gRPC probes) while `listen` serves TLS. It
  // reports what the main server reports, and turns NOT_SERVING with it.
  std::string health_listen;
  int max_message_bytes = 4 * 1024 * 1024;
  int max_concurrent_streams = 100;
  // The server pings an idle client this often and drops it when a ping goes unanswered for
  // keepalive_timeout, so dead peers (a vanished pod, a dropped NAT entry) free their streams.
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
  // The most often a client may ping (with or without calls) before the server calls it abuse.
  absl::Duration min_client_ping_interval = absl::Seconds(10);
  // Full names reported SERVING by grpc.health.v1 next to "" (the whole server), and labelled
  // in the metrics.
  std::vector<std::string> services;
  // Where the grpc_server_* metrics go; null records none.
  std::shared_ptr<prometheus::Registry> registry;
};

// A started gRPC server with health (grpc.health.v1), reflection, keepalive, message and stream
// limits, the call-context and metrics interceptors, and a graceful Shutdown.
class GrpcServer {
 public:
  // `services` are not owned and must outlive the server. UNAVAILABLE when the address cannot
  // be bound (the message starts with --health_listen when that is the one); INVALID_ARGUMENT
  // for bad TLS files.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const ServerOptions& options, const std::vector<grpc::Service*>& services);

  // Shuts down at once (cancelling calls) unless Shutdown already ran.
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;

  // The bound port (the chosen one when the options asked for port 0).
  int port() const { return port_; }
  // The bound port of the health-only server; 0 when there is none.
  int health_port() const { return health_port_; }

  // Stops serving gracefully: health turns NOT_SERVING for "" and every service (on the
  // health-only port too, which keeps answering so during the drain), new calls are refused,
  // calls in flight get up to `drain_timeout` to finish and are then cancelled. Returns when
  // every call is done. Thread-safe; a second call waits for the first.
  void Shutdown(absl::Duration drain_timeout);

  // The underlying server, e.g. for InProcessChannel in tests.
  grpc::Server* grpc_server() { return server_.get(); }

 private:
  class HealthOnly;

  GrpcServer(std::unique_ptr<grpc::Server> server, int port,
             std::unique_ptr<HealthOnly> health_only, std::unique_ptr<grpc::Server> health_server,
             int health_port, std::vector<std::string> services);

  // Sets "" and every service to `serving` on the main server and the health-only one.
  void SetServing(bool serving);

  std::unique_ptr<grpc::Server> server_;
  const int port_;
  // Both null without ServerOptions::health_listen; the service outlives the server.
  std::unique_ptr<HealthOnly> health_only_;
  std::unique_ptr<grpc::Server> health_server_;
  const int health_port_;
  const std::vector<std::string> services_;
  absl::Mutex shutdown_mu_;
  bool shut_down_ ABSL_GUARDED_BY(shutdown_mu_) = false;
};

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_GRPC_SERVER_H_
