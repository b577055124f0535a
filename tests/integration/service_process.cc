#include "tests/integration/service_process.h"

#include <cstdio>

#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/unknown_field_set.h"
#include "libs/core/status.h"
#include "libs/testing/free_port.h"
#include "libs/testing/test_store.h"

namespace coalition::testing {

namespace {

// Starts `binary` on `service`'s ports with its store in `dir` and waits for its gRPC port.
absl::Status Launch(const std::string& binary, const std::string& dir, const std::string& name,
                    const std::vector<std::string>& extra_args, ServiceProcess& service) {
  ASSIGN_OR_RETURN(const std::string store, TestStoreUrl(dir, name));
  std::vector<std::string> argv = {
      binary, absl::StrCat("--listen=127.0.0.1:", service.port),
      absl::StrCat("--metrics_listen=127.0.0.1:", service.metrics_port),
      absl::StrCat("--store=", store)};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  auto process = ChildProcess::Start(argv, absl::StrCat(dir, "/", name, ".log"));
  if (!process.ok()) return process.status();
  service.process = std::move(*process);
  absl::Status ready = WaitForTcpPort(service.port, absl::Seconds(20));
  if (!ready.ok()) {
    return absl::UnavailableError(
        absl::StrCat(name, " did not start: ", service.process->LogTail()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ServiceProcess> StartService(const std::string& binary, const std::string& dir,
                                            const std::string& name,
                                            const std::vector<std::string>& extra_args) {
  ServiceProcess service;
  service.port = PickFreePort();
  service.metrics_port = PickFreePort();
  absl::Status started = Launch(binary, dir, name, extra_args, service);
  if (!started.ok()) return started;
  return service;
}

absl::Status RestartService(const std::string& binary, const std::string& dir,
                            const std::string& name, ServiceProcess& service,
                            const std::vector<std::string>& extra_args) {
  service.process.reset();  // reaps it (and kills it if it still runs)
  return Launch(binary, dir, name, extra_args, service);
}

absl::StatusOr<std::string> CreateAdminKey(const std::string& binary, const std::string& store) {
  return CreateKey(binary, store, "create_admin_key", "test");
}

absl::StatusOr<std::string> CreateKey(const std::string& binary, const std::string& store,
                                      const std::string& flag, const std::string& holder) {
  const std::string command =
      absl::StrCat(binary, " --store=", store, " --", flag, "=", holder, " 2>/dev/null");
  FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) return absl::InternalError("cannot run the key command");
  std::string text;
  char buffer[256];
  while (fgets(buffer, sizeof(buffer), out) != nullptr) text += buffer;
  if (pclose(out) != 0 || text.empty()) {
    return absl::InternalError(absl::StrCat("the key command failed: ", text));
  }
  return std::string(absl::StripSuffix(text, "\n"));
}

namespace {

// One request, half-close, one response: enough for unary and client-streaming methods.
grpc::Status OneMessageCall(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& method, const std::string& request,
                            const std::string& bearer_key, std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!bearer_key.empty()) context.AddMetadata("authorization", "Bearer " + bearer_key);
  auto call = stub.PrepareCall(&context, method, &cq);
  void* tag = nullptr;
  bool ok = false;
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::Status status;
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  call->Write(request_buffer, reinterpret_cast<void*>(2));
  cq.Next(&tag, &ok);
  call->WritesDone(reinterpret_cast<void*>(3));
  cq.Next(&tag, &ok);
  call->Read(&response_buffer, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  const bool got_response = ok;
  call->Finish(&status, reinterpret_cast<void*>(5));
  cq.Next(&tag, &ok);
  if (got_response && response != nullptr) {
    std::vector<grpc::Slice> slices;
    (void)response_buffer.Dump(&slices);
    response->clear();
    for (const auto& s : slices)
      response->append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace

grpc::Status CallWithEmptyRequest(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& method, const std::string& bearer_key) {
  return OneMessageCall(channel, method, "", bearer_key, nullptr);
}

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel) {
  // ServerReflectionRequest{list_services = "*"}: field 7, length-delimited.
  const std::string request("\x3a\x01*", 3);
  std::string response;
  grpc::Status status =
      OneMessageCall(channel, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                     request, "", &response);
  if (!status.ok()) return absl::UnavailableError(status.error_message());
  // ServerReflectionResponse.list_services_response (6) -> service (1) -> name (1).
  google::protobuf::UnknownFieldSet outer;
  if (!outer.ParseFromString(response)) return absl::DataLossError("bad reflection response");
  std::vector<std::string> names;
  for (int i = 0; i < outer.field_count(); ++i) {
    if (outer.field(i).number() != 6) continue;
    google::protobuf::UnknownFieldSet list;
    if (!list.ParseFromString(outer.field(i).length_delimited())) continue;
    for (int j = 0; j < list.field_count(); ++j) {
      google::protobuf::UnknownFieldSet service;
      if (list.field(j).number() != 1 ||
          !service.ParseFromString(list.field(j).length_delimited())) {
        continue;
      }
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1) names.push_back(service.field(k).length_delimited());
      }
    }
  }
  return names;
}

}  // namespace coalition::testing
