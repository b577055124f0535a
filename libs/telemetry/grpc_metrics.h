#ifndef COALITION_LIBS_TELEMETRY_GRPC_METRICS_H_
#define COALITION_LIBS_TELEMETRY_GRPC_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/support/server_interceptor.h>
#include <grpcpp/support/status_code_enum.h>

#include "absl/strings/string_view.h"

namespace prometheus {
class Registry;
}

namespace coalition::telemetry {

// The name go-grpc-prometheus gives a code in its grpc_code label ("OK", "InvalidArgument",
// ...), so dashboards and alerts written for Go services work unchanged.
std::string GrpcCodeName(grpc::StatusCode code);

// "unary", "client_stream", "server_stream" or "bidi_stream".
absl::string_view GrpcTypeName(grpc::experimental::ServerRpcInfo::Type type);

// The go-grpc-prometheus default histogram buckets, in seconds (.005 to 10).
const std::vector<double>& DefaultHandlingSecondsBuckets();

struct ServerMetricsOptions {
  std::shared_ptr<prometheus::Registry> registry;
  // Full names of the services this server hosts ("coalition.membership.v1.MembershipService"),
  // whose methods are read from the generated descriptor pool. A call to any other method,
  // whose name comes from the caller, is counted under grpc_service="unknown",
  // grpc_method="unknown", so a scanner cannot grow the label set. grpc.health.v1.Health and
  // the reflection services are always known. Empty means every method is known, which only
  // tests should want.
  std::vector<std::string> services;
};

// Records, per call, in options.registry:
//   grpc_server_started_total{grpc_service,grpc_method,grpc_type}
//   grpc_server_handled_total{grpc_service,grpc_method,grpc_type,grpc_code}
//   grpc_server_handling_seconds{grpc_service,grpc_method,grpc_type} (histogram)
// The labels name only the method: never a caller, a key or anything from the request.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewServerMetricsInterceptorFactory(const ServerMetricsOptions& options);

}  // namespace coalition::telemetry

#endif  // COALITION_LIBS_TELEMETRY_GRPC_METRICS_H_
