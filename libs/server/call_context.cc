#include "libs/server/call_context.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/ids.h"
#include "libs/server/access_rules.h"
#include "libs/telemetry/log.h"

namespace coalition::server {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::Interceptor;
using grpc::experimental::InterceptorBatchMethods;
using grpc::experimental::ServerRpcInfo;

constexpr size_t kMaxRequestIdLength = 128;

thread_local const grpc::CallbackServerContext* t_server_call = nullptr;

struct CallEntry {
  const void* owner;  // the interceptor that registered it
  std::string method;
  std::string request_id;
};

// gRPC gives a handler no way to read its own method name, and the request id must be the one
// the interceptor echoed, so both are looked up by server context while the call lasts.
class CallTable {
 public:
  static CallTable& Get() {
    static CallTable* table = new CallTable();
    return *table;
  }

  void Put(const grpc::ServerContextBase* ctx, CallEntry entry) {
    absl::MutexLock lock(&mu_);
    calls_[ctx] = std::move(entry);
  }

  // A context's address may be reused by a later call before an earlier interceptor is gone,
  // so only the interceptor that registered an entry may remove it.
  void Remove(const grpc::ServerContextBase* ctx, const void* owner) {
    absl::MutexLock lock(&mu_);
    auto it = calls_.find(ctx);
    if (it != calls_.end() && it->second.owner == owner) calls_.erase(it);
  }

  bool Find(const grpc::ServerContextBase* ctx, CallEntry* out) {
    absl::MutexLock lock(&mu_);
    auto it = calls_.find(ctx);
    if (it == calls_.end()) return false;
    *out = it->second;
    return true;
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<const grpc::ServerContextBase*, CallEntry> calls_ ABSL_GUARDED_BY(mu_);
};

std::string UsableRequestIdIn(
    const std::multimap<grpc::string_ref, grpc::string_ref>& client_metadata) {
  auto it = client_metadata.find(kRequestIdKey);
  if (it == client_metadata.end()) return "";
  absl::string_view id(it->second.data(), it->second.size());
  return IsUsableRequestId(id) ? std::string(id) : "";
}

class CallContextInterceptor final : public Interceptor {
 public:
  explicit CallContextInterceptor(ServerRpcInfo* info) : info_(info) {}

  ~CallContextInterceptor() override {
    if (registered_) CallTable::Get().Remove(info_->server_context(), this);
  }

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      const char* method = info_->method() == nullptr ? "" : info_->method();
      // An anonymous action never carries an id the client chose: the client could send the
      // same one on its other calls and so link the action to itself in the logs.
      request_id_ = IsAnonymousMethod(method)
                        ? std::string()
                        : UsableRequestIdIn(*methods->GetRecvInitialMetadata());
      if (request_id_.empty()) request_id_ = NewRequestId();
      CallTable::Get().Put(info_->server_context(), {this, method, request_id_});
      registered_ = true;
    }
    if (registered_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      // A call that fails before sending anything goes out as one trailers-only response, the
      // only kind a client's retry policy may retry (gRPC A6): custom initial metadata would
      // make it a response with headers, so the id travels in the trailers instead.
      const bool fails_at_once =
          methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
          !methods->GetSendStatus().ok();
      (fails_at_once ? methods->GetSendTrailingMetadata() : methods->GetSendInitialMetadata())
          ->emplace(kRequestIdKey, request_id_);
    }
    methods->Proceed();
  }

 private:
  ServerRpcInfo* info_;
  std::string request_id_;
  bool registered_ = false;
};

class CallContextInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  Interceptor* CreateServerInterceptor(ServerRpcInfo* info) override {
    return new CallContextInterceptor(info);
  }
};

}  // namespace

bool IsUsableRequestId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  }
  return true;
}

std::string NewRequestId() { return NewResourceId(); }

std::string ClientRequestId(const grpc::ServerContextBase& ctx) {
  return UsableRequestIdIn(ctx.client_metadata());
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewCallContextInterceptorFactory() {
  return std::make_unique<CallContextInterceptorFactory>();
}

std::string RequestIdOf(const grpc::ServerContextBase* ctx) {
  CallEntry entry;
  if (CallTable::Get().Find(ctx, &entry)) return entry.request_id;
  std::string id = ClientRequestId(*ctx);
  // Inside FinishUnary's body on a server without the interceptor, the id it made up.
  return id.empty() ? std::string(telemetry::CurrentRequestId()) : id;
}

std::string MethodOf(const grpc::ServerContextBase* ctx) {
  CallEntry entry;
  if (CallTable::Get().Find(ctx, &entry)) return entry.method;
  return "";
}

const grpc::CallbackServerContext* CurrentServerCall() { return t_server_call; }

ScopedServerCall::ScopedServerCall(const grpc::CallbackServerContext* ctx)
    : previous_(std::exchange(t_server_call, ctx)) {}

ScopedServerCall::~ScopedServerCall() { t_server_call = previous_; }

}  // namespace coalition::server
