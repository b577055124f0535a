#include "libs/telemetry/grpc_metrics.h"

#include <chrono>
#include <utility>

#include <google/protobuf/descriptor.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace coalition::telemetry {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::Interceptor;
using grpc::experimental::InterceptorBatchMethods;
using grpc::experimental::ServerRpcInfo;

constexpr absl::string_view kUnknown = "unknown";

// Shared by the factory and every interceptor, so a call that outlives the server's factory
// still has somewhere to record.
struct ServerMetrics {
  std::shared_ptr<prometheus::Registry> registry;
  prometheus::Family<prometheus::Counter>* started;
  prometheus::Family<prometheus::Counter>* handled;
  prometheus::Family<prometheus::Histogram>* handling_seconds;
  // "package.Service/Method" of every method the server registers; empty: label everything.
  absl::flat_hash_set<std::string> methods;
};

class ServerMetricsInterceptor final : public Interceptor {
 public:
  ServerMetricsInterceptor(std::shared_ptr<const ServerMetrics> metrics, prometheus::Labels labels)
      : metrics_(std::move(metrics)),
        labels_(std::move(labels)),
        start_(std::chrono::steady_clock::now()) {
    metrics_->started->Add(labels_).Increment();
  }

  // A call always ends by sending a status; should one be torn down without (the server
  // cancelling it at the end of a drain), it still counts as handled so that started and
  // handled add up.
  ~ServerMetricsInterceptor() override {
    if (!recorded_) Record(grpc::StatusCode::CANCELLED);
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !recorded_) {
      Record(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Record(grpc::StatusCode code) {
    recorded_ = true;
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start_;
    prometheus::Labels with_code = labels_;
    with_code.emplace("grpc_code", GrpcCodeName(code));
    metrics_->handled->Add(with_code).Increment();
    metrics_->handling_seconds->Add(labels_, DefaultHandlingSecondsBuckets())
        .Observe(elapsed.count());
  }

  std::shared_ptr<const ServerMetrics> metrics_;
  prometheus::Labels labels_;
  std::chrono::steady_clock::time_point start_;
  bool recorded_ = false;
};

class ServerMetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerMetricsInterceptorFactory(std::shared_ptr<const ServerMetrics> metrics)
      : metrics_(std::move(metrics)) {}

  Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    absl::string_view full(info->method() == nullptr ? "" : info->method());
    std::string service(kUnknown);
    std::string method(kUnknown);
    // Full method names look like "/package.Service/Method". Only the server's own methods get
    // labels of their own: the name comes from the caller, before any authentication.
    if (absl::ConsumePrefix(&full, "/")) {
      const size_t slash = full.find('/');
      if (slash != absl::string_view::npos &&
          (metrics_->methods.empty() || metrics_->methods.contains(full))) {
        service = std::string(full.substr(0, slash));
        method = std::string(full.substr(slash + 1));
      }
    }
    return new ServerMetricsInterceptor(metrics_,
                                        {{"grpc_service", std::move(service)},
                                         {"grpc_method", std::move(method)},
                                         {"grpc_type", std::string(GrpcTypeName(info->type()))}});
  }

 private:
  std::shared_ptr<const ServerMetrics> metrics_;
};

}  // namespace

std::string GrpcCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "Canceled";
    case grpc::StatusCode::UNKNOWN:
      return "Unknown";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "InvalidArgument";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DeadlineExceeded";
    case grpc::StatusCode::NOT_FOUND:
      return "NotFound";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "AlreadyExists";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PermissionDenied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "ResourceExhausted";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FailedPrecondition";
    case grpc::StatusCode::ABORTED:
      return "Aborted";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OutOfRange";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "Unimplemented";
    case grpc::StatusCode::INTERNAL:
      return "Internal";
    case grpc::StatusCode::UNAVAILABLE:
      return "Unavailable";
    case grpc::StatusCode::DATA_LOSS:
      return "DataLoss";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "Unauthenticated";
    default:
      // What Go's codes.Code.String() prints for a code it does not know.
      return absl::StrCat("Code(", static_cast<int>(code), ")");
  }
}

absl::string_view GrpcTypeName(ServerRpcInfo::Type type) {
  switch (type) {
    case ServerRpcInfo::Type::UNARY:
      return "unary";
    case ServerRpcInfo::Type::CLIENT_STREAMING:
      return "client_stream";
    case ServerRpcInfo::Type::SERVER_STREAMING:
      return "server_stream";
    case ServerRpcInfo::Type::BIDI_STREAMING:
      return "bidi_stream";
  }
  return "unary";
}

const std::vector<double>& DefaultHandlingSecondsBuckets() {
  static const std::vector<double>* buckets =
      new std::vector<double>{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
  return *buckets;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewServerMetricsInterceptorFactory(const ServerMetricsOptions& options) {
  auto metrics = std::make_shared<ServerMetrics>();
  metrics->registry = options.registry;
  prometheus::Registry& registry = *options.registry;
  // The registry merges families of the same name, so several servers may share it.
  metrics->started = &prometheus::BuildCounter()
                          .Name("grpc_server_started_total")
                          .Help("Total number of RPCs started on the server.")
                          .Register(registry);
  metrics->handled = &prometheus::BuildCounter()
                          .Name("grpc_server_handled_total")
                          .Help(
                              "Total number of RPCs completed on the server, regardless of "
                              "success or failure.")
                          .Register(registry);
  metrics->handling_seconds = &prometheus::BuildHistogram()
                                   .Name("grpc_server_handling_seconds")
                                   .Help(
                                       "Histogram of response latency (seconds) of gRPC that "
                                       "had been application-level handled by the server.")
                                   .Register(registry);
  if (!options.services.empty()) {
    const google::protobuf::DescriptorPool* pool =
        google::protobuf::DescriptorPool::generated_pool();
    for (const std::string& name : options.services) {
      const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
      if (service == nullptr) continue;
      for (int i = 0; i < service->method_count(); ++i) {
        metrics->methods.insert(absl::StrCat(name, "/", service->method(i)->name()));
      }
    }
    // gRPC's own services, whose descriptors need not be in the generated pool.
    metrics->methods.insert("grpc.health.v1.Health/Check");
    metrics->methods.insert("grpc.health.v1.Health/Watch");
    metrics->methods.insert("grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
    metrics->methods.insert("grpc.reflection.v1.ServerReflection/ServerReflectionInfo");
  }
  return std::make_unique<ServerMetricsInterceptorFactory>(std::move(metrics));
}

}  // namespace coalition::telemetry
