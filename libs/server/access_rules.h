#ifndef COALITION_LIBS_SERVER_ACCESS_RULES_H_
#define COALITION_LIBS_SERVER_ACCESS_RULES_H_

#include <functional>
#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "libs/auth/caller.h"
#include "libs/core/resource_names.h"

// Each RPC of a service declares, once, what it may be called for: the access it needs and
// where in its request the target of that access is named. The handler path (libs/server/rpc.h)
// reads the declaration, so no handler authenticates, parses its target or authorizes by hand,
// and a method without a declaration cannot be served (docs/architecture.md, "Access rules").
namespace coalition::server {

// Where a call acts: the network and coalition its access is checked in, read from its target.
struct Scope {
  std::string network;    // "" for the platform itself
  std::string coalition;  // "" unless the target lies in a coalition
  std::string id;         // the target's own id, for a resource under a network or coalition
  std::string name;       // the target's name as the request gave it ("" for none)

  NetworkName Network() const { return {network}; }
  CoalitionName Coalition() const { return {network, coalition}; }
  NetworkChildName InNetwork() const { return {network, id}; }
  CoalitionChildName InCoalition() const { return {network, coalition, id}; }
};

// Reads a target name into its scope; INVALID_ARGUMENT naming `field` when it is malformed.
using ScopeParser =
    std::function<absl::StatusOr<Scope>(absl::string_view name, absl::string_view field)>;

// Where a request names its target, and how the name reads.
class Target {
 public:
  // No target: the platform itself (creating networks).
  static Target Platform();
  // No target: the caller's own network ("" for a platform key), as for ListNetworks.
  static Target CallersNetwork();
  // `field` ("name", "parent", "meeting.name", ...) holds networks/{n}.
  static Target Network(std::string field);
  // networks/{n}/coalitions/{c}
  static Target Coalition(std::string field);
  // networks/{n}/{collection}/{id}
  static Target InNetwork(std::string field, std::string collection);
  // networks/{n}/coalitions/{c}/{collection}/{id}
  static Target InCoalition(std::string field, std::string collection);
  // Any other shape of name, read by `parser`.
  static Target Named(std::string field, ScopeParser parser);

  // The field path, "" for Platform and CallersNetwork.
  const std::string& field() const { return field_; }
  // The scope of `request` for `caller`.
  absl::StatusOr<Scope> Read(const google::protobuf::Message& request,
                             const auth::Caller& caller) const;

 private:
  friend class AccessRules;
  enum class Kind { kPlatform, kCallersNetwork, kField };
  Target(Kind kind, std::string field, ScopeParser parser)
      : kind_(kind), field_(std::move(field)), parser_(std::move(parser)) {}

  Kind kind_;
  std::string field_;
  ScopeParser parser_;
  // The field path resolved against the request type (AccessRules fills it in).
  std::vector<const google::protobuf::FieldDescriptor*> path_;
};

// What is checked besides the access in the target's scope.
enum class Also {
  kNothing,
  // A key acting as the target person passes without the access (a member reads their own
  // person record).
  kSelf,
  // Whose resource it is is known only from the request body or the stored resource: the body
  // calls Call::RequireOwnOrWrite(person) with it. Writers of the coalition act for anyone, its
  // members only for themselves. A body that never calls it fails with INTERNAL.
  kOwnOrWrite,
  // kOwnOrWrite, and a service account of the network also acts for anyone (the decisions and
  // assessment services create commitments for people).
  kServiceOrOwnOrWrite,
  // The target is a person; Call::visible_coalitions() says which of their coalitions the caller
  // sees (auth::CoalitionsVisibleAboutPerson). The declared access is not checked on its own.
  kAboutPerson,
};

// The declaration of one RPC.
struct AccessRule {
  std::string method;  // its name in the service: "GetMeeting"
  auth::Access access;
  Target target;
  Also also = Also::kNothing;
  // An anonymous action (a brainstormed idea, a vote, an assessment answer): its request id is
  // always made by the server, and it may write no audit event that names the caller
  // (docs/security.md, "Anonymous content").
  bool anonymous = false;
};

// The declarations of one service's RPCs.
class AccessRules {
 public:
  // OK only when `rules` declare every method of `service` exactly once, name no other method,
  // and each target field is a string field of the method's request. Anonymous methods are
  // remembered process-wide (IsAnonymousMethod).
  static absl::StatusOr<AccessRules> Make(const google::protobuf::ServiceDescriptor& service,
                                          std::vector<AccessRule> rules);
  // Make, for rules that are part of the program: a bad table is a programming error, so the
  // process stops with its message.
  static AccessRules MakeOrDie(const google::protobuf::ServiceDescriptor& service,
                               std::vector<AccessRule> rules);

  // The rule of a full method name ("/pkg.Service/Method" or "pkg.Service/Method"); nullptr for
  // a method of another service.
  const AccessRule* Find(absl::string_view full_method) const;

 private:
  AccessRules() = default;
  std::string service_;
  absl::flat_hash_map<std::string, AccessRule> rules_;  // by method name
};

// Whether `full_method` was declared anonymous by any service's AccessRules in this process;
// the call-context interceptor then never takes the client's request id.
bool IsAnonymousMethod(absl::string_view full_method);

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_ACCESS_RULES_H_
