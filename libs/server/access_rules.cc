#include "libs/server/access_rules.h"

#include <cstdlib>
#include <iostream>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "libs/core/status.h"

namespace coalition::server {
namespace {

using google::protobuf::FieldDescriptor;

struct AnonymousMethods {
  absl::Mutex mu;
  absl::flat_hash_set<std::string> methods ABSL_GUARDED_BY(mu);
};

AnonymousMethods& Anonymous() {
  static AnonymousMethods* anonymous = new AnonymousMethods();
  return *anonymous;
}

absl::string_view WithoutLeadingSlash(absl::string_view method) {
  if (!method.empty() && method.front() == '/') method.remove_prefix(1);
  return method;
}

// The string field at `path` of `message`, "" when a message on the way is unset.
const std::string& StringAt(const google::protobuf::Message& message,
                            const std::vector<const FieldDescriptor*>& path) {
  const google::protobuf::Message* at = &message;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const google::protobuf::Reflection* reflection = at->GetReflection();
    if (!reflection->HasField(*at, path[i])) {
      static const std::string* empty = new std::string();
      return *empty;
    }
    at = &reflection->GetMessage(*at, path[i]);
  }
  std::string scratch;
  return at->GetReflection()->GetStringReference(*at, path.back(), &scratch);
}

// `field` resolved against `type`: every step but the last a singular message, the last a
// singular string.
absl::StatusOr<std::vector<const FieldDescriptor*>> Resolve(
    const google::protobuf::Descriptor& type, absl::string_view field) {
  std::vector<const FieldDescriptor*> path;
  const google::protobuf::Descriptor* at = &type;
  const std::vector<absl::string_view> steps = absl::StrSplit(field, '.');
  for (size_t i = 0; i < steps.size(); ++i) {
    const FieldDescriptor* step =
        at == nullptr ? nullptr : at->FindFieldByName(std::string(steps[i]));
    if (step == nullptr || step->is_repeated()) {
      return absl::InvalidArgumentError(
          absl::StrCat(type.full_name(), " has no singular field ", field));
    }
    const bool last = i + 1 == steps.size();
    if (last ? step->type() != FieldDescriptor::TYPE_STRING
             : step->type() != FieldDescriptor::TYPE_MESSAGE) {
      return absl::InvalidArgumentError(
          absl::StrCat(type.full_name(), ".", field, " is not a string field"));
    }
    path.push_back(step);
    at = last ? nullptr : step->message_type();
  }
  return path;
}

}  // namespace

Target Target::Platform() { return Target(Kind::kPlatform, "", nullptr); }

Target Target::CallersNetwork() { return Target(Kind::kCallersNetwork, "", nullptr); }

Target Target::Network(std::string field) {
  return Named(std::move(field),
               [](absl::string_view name, absl::string_view f) -> absl::StatusOr<Scope> {
                 ASSIGN_OR_RETURN(NetworkName parsed, ParseNetworkName(name, f));
                 return Scope{parsed.network, "", "", std::string(name)};
               });
}

Target Target::Coalition(std::string field) {
  return Named(std::move(field),
               [](absl::string_view name, absl::string_view f) -> absl::StatusOr<Scope> {
                 ASSIGN_OR_RETURN(CoalitionName parsed, ParseCoalitionName(name, f));
                 return Scope{parsed.network, parsed.coalition, "", std::string(name)};
               });
}

Target Target::InNetwork(std::string field, std::string collection) {
  return Named(std::move(field),
               [collection = std::move(collection)](absl::string_view name,
                                                    absl::string_view f) -> absl::StatusOr<Scope> {
                 ASSIGN_OR_RETURN(NetworkChildName parsed, ParseNetworkChild(collection, name, f));
                 return Scope{parsed.network, "", parsed.id, std::string(name)};
               });
}

Target Target::InCoalition(std::string field, std::string collection) {
  return Named(std::move(field),
               [collection = std::move(collection)](absl::string_view name,
                                                    absl::string_view f) -> absl::StatusOr<Scope> {
                 ASSIGN_OR_RETURN(CoalitionChildName parsed,
                                  ParseCoalitionChild(collection, name, f));
                 return Scope{parsed.network, parsed.coalition, parsed.id, std::string(name)};
               });
}

Target Target::Named(std::string field, ScopeParser parser) {
  return Target(Kind::kField, std::move(field), std::move(parser));
}

absl::StatusOr<Scope> Target::Read(const google::protobuf::Message& request,
                                   const auth::Caller& caller) const {
  switch (kind_) {
    case Kind::kPlatform:
      return Scope{};
    case Kind::kCallersNetwork:
      return Scope{caller.network_id, "", "", ""};
    case Kind::kField:
      break;
  }
  if (path_.empty()) return absl::InternalError(absl::StrCat("target ", field_, " is unresolved"));
  return parser_(StringAt(request, path_), field_);
}

absl::StatusOr<AccessRules> AccessRules::Make(const google::protobuf::ServiceDescriptor& service,
                                              std::vector<AccessRule> rules) {
  AccessRules made;
  made.service_ = service.full_name();
  std::vector<std::string> problems;
  for (AccessRule& rule : rules) {
    const google::protobuf::MethodDescriptor* method = service.FindMethodByName(rule.method);
    if (method == nullptr) {
      problems.push_back(absl::StrCat(rule.method, " is not a method of the service"));
      continue;
    }
    if (rule.target.kind_ == Target::Kind::kField) {
      absl::StatusOr<std::vector<const FieldDescriptor*>> path =
          Resolve(*method->input_type(), rule.target.field_);
      if (!path.ok()) {
        problems.push_back(absl::StrCat(rule.method, ": ", path.status().message()));
        continue;
      }
      rule.target.path_ = *std::move(path);
    }
    std::string name = rule.method;
    if (!made.rules_.emplace(std::move(name), std::move(rule)).second) {
      problems.push_back(absl::StrCat(method->name(), " is declared twice"));
    }
  }
  for (int i = 0; i < service.method_count(); ++i) {
    if (!made.rules_.contains(service.method(i)->name())) {
      problems.push_back(absl::StrCat(service.method(i)->name(), " has no access rule"));
    }
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("access rules of ", service.full_name(), ": ", absl::StrJoin(problems, "; ")));
  }
  AnonymousMethods& anonymous = Anonymous();
  absl::MutexLock lock(&anonymous.mu);
  for (const auto& [method, rule] : made.rules_) {
    if (rule.anonymous) anonymous.methods.insert(absl::StrCat(made.service_, "/", method));
  }
  return made;
}

AccessRules AccessRules::MakeOrDie(const google::protobuf::ServiceDescriptor& service,
                                   std::vector<AccessRule> rules) {
  absl::StatusOr<AccessRules> made = Make(service, std::move(rules));
  if (!made.ok()) {
    std::cerr << made.status().message() << std::endl;
    std::abort();
  }
  return *std::move(made);
}

const AccessRule* AccessRules::Find(absl::string_view full_method) const {
  full_method = WithoutLeadingSlash(full_method);
  const size_t slash = full_method.rfind('/');
  if (slash == absl::string_view::npos || full_method.substr(0, slash) != service_) return nullptr;
  auto it = rules_.find(full_method.substr(slash + 1));
  return it == rules_.end() ? nullptr : &it->second;
}

bool IsAnonymousMethod(absl::string_view full_method) {
  AnonymousMethods& anonymous = Anonymous();
  absl::MutexLock lock(&anonymous.mu);
  return anonymous.methods.contains(WithoutLeadingSlash(full_method));
}

}  // namespace coalition::server
