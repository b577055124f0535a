#ifndef COALITION_TESTS_UNIT_TELEMETRY_GENERIC_CALL_H_
#define COALITION_TESTS_UNIT_TELEMETRY_GENERIC_CALL_H_

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

namespace coalition::testing {

struct GenericCallResult {
  grpc::Status status;
  std::vector<std::string> responses;  // serialized messages
};

// Calls any method by name with serialized requests, as a bidi stream (which carries unary and
// streaming methods alike), on a context the caller has prepared (its metadata and deadline) and
// may read afterwards (what the server sent in its initial and trailing metadata).
inline GenericCallResult GenericCall(std::shared_ptr<grpc::Channel> channel,
                                     grpc::ClientContext& context, const std::string& method,
                                     const std::vector<std::string>& requests) {
  grpc::GenericStub stub(channel);
  grpc::CompletionQueue queue;
  auto next = [&queue] {
    void* tag = nullptr;
    bool ok = false;
    queue.Next(&tag, &ok);
    return ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &queue);
  call->StartCall(nullptr);
  bool ok = next();
  for (const std::string& request : requests) {
    if (!ok) break;
    grpc::Slice slice(request);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, nullptr);
    ok = next();
  }
  if (ok) {
    call->WritesDone(nullptr);
    ok = next();
  }
  GenericCallResult result;
  while (ok) {
    grpc::ByteBuffer buffer;
    call->Read(&buffer, nullptr);
    if (!next()) break;
    std::vector<grpc::Slice> slices;
    (void)buffer.Dump(&slices);
    std::string message;
    for (const grpc::Slice& s : slices)
      message.append(reinterpret_cast<const char*>(s.begin()), s.size());
    result.responses.push_back(std::move(message));
  }
  call->Finish(&result.status, nullptr);
  next();
  queue.Shutdown();
  void* tag = nullptr;
  bool got = false;
  while (queue.Next(&tag, &got)) {
  }
  return result;
}

// The same with a context of its own and a 10 s deadline; for methods a test has no stub for
// (reflection, a service that does not exist).
inline GenericCallResult GenericCall(std::shared_ptr<grpc::Channel> channel,
                                     const std::string& method,
                                     const std::vector<std::string>& requests) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return GenericCall(std::move(channel), context, method, requests);
}

}  // namespace coalition::testing

#endif  // COALITION_TESTS_UNIT_TELEMETRY_GENERIC_CALL_H_
