#ifndef COALITION_LIBS_SERVER_CALL_CONTEXT_H_
#define COALITION_LIBS_SERVER_CALL_CONTEXT_H_

#include <memory>
#include <string>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include "absl/strings/string_view.h"

namespace coalition::server {

// The metadata key that carries a request id, from the client and back in initial metadata.
inline constexpr char kRequestIdKey[] = "x-request-id";

// Whether a client's request id is used as is: 1-128 characters of letters, digits and
// "-_.:". Anything else is replaced by a fresh id, so a client cannot forge log structure.
bool IsUsableRequestId(absl::string_view id);

// A fresh request id (random, 20 characters).
std::string NewRequestId();

// The request id a client sent if usable, else "".
std::string ClientRequestId(const grpc::ServerContextBase& ctx);

// An interceptor that gives every call on the server a request id (the client's when usable,
// else a new one), echoes it in the initial metadata (in the trailing metadata of a call that
// fails without having sent anything, so that the client may retry it), and remembers the
// call's method and request id for MethodOf and RequestIdOf. GrpcServer installs it.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallContextInterceptorFactory();

// The request id of a call in progress on a server with the call-context interceptor (else the
// client's usable one, else ""). Handlers pass it to the audit log.
std::string RequestIdOf(const grpc::ServerContextBase* ctx);

// The full method name ("/coalition.membership.v1.MembershipService/GetNetwork") of a call in
// progress on a server with the call-context interceptor, else "".
std::string MethodOf(const grpc::ServerContextBase* ctx);

// The server call whose handler body this thread is running, or null outside one. A call to
// another service made from the body is that call's child: it gets no more than the call's
// remaining deadline and is cancelled with it (libs/clients/peer_call.h).
const grpc::CallbackServerContext* CurrentServerCall();

// Makes `ctx` this thread's current server call for its lifetime, then restores the previous
// one. FinishUnary holds one while a body runs.
class ScopedServerCall {
 public:
  explicit ScopedServerCall(const grpc::CallbackServerContext* ctx);
  ~ScopedServerCall();
  ScopedServerCall(const ScopedServerCall&) = delete;
  ScopedServerCall& operator=(const ScopedServerCall&) = delete;

 private:
  const grpc::CallbackServerContext* previous_;
};

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_CALL_CONTEXT_H_
