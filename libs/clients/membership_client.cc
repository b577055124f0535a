#include "libs/clients/membership_client.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <grpcpp/client_context.h>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "libs/clients/peer_call.h"
#include "libs/core/status.h"

namespace coalition::clients {
namespace {

namespace v1 = ::coalition::membership::v1;
using Stub = v1::MembershipService::Stub;

// Membership's own limit on one BatchGetPeople.
constexpr size_t kMaxBatchGet = 500;

template <typename Request, typename Response>
using Rpc = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

// Membership's answer in the caller's terms (see the header): only UNAVAILABLE and a missed
// deadline say that a later call may succeed, and a refused key is the deployment's fault.
absl::Status FromMembership(const grpc::Status& status, absl::string_view what) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return absl::OkStatus();
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(
          absl::StrCat("membership cannot answer ", what, ": ", status.error_message()));
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
      return absl::UnavailableError(absl::StrCat("membership refused this service's key for ", what,
                                                 ": ", status.error_message()));
    default:
      return FromGrpcStatus(status);
  }
}

// One call with NewPeerCallContext's deadline, cancellation, key and request id; retries are the
// channel's. `wait_for_ready` lets a call wait out a reconnection (within its deadline) instead
// of failing at once: for background work, where a few seconds do not matter but finding
// membership back up does.
template <typename Request, typename Response>
absl::Status Call(Stub& stub, const MembershipClient::Options& options, Rpc<Request, Response> rpc,
                  absl::string_view what, const Request& request, Response* response,
                  bool wait_for_ready = false) {
  std::unique_ptr<grpc::ClientContext> context =
      NewPeerCallContext(options.service_key, options.deadline);
  context->set_wait_for_ready(wait_for_ready);
  return FromMembership((stub.*rpc)(context.get(), request, response), what);
}

// `load`'s answer through the cache, stored as the serialized message.
template <typename Message, typename Load>
absl::StatusOr<Message> Cached(cache::Cache& cache, const std::string& key, absl::Duration ttl,
                               Load load) {
  bool ran = false;
  std::optional<Message> loaded;  // set when this call loaded it: no need to parse it back
  absl::StatusOr<std::string> bytes =
      cache.GetOrLoad(key, ttl, [&]() -> absl::StatusOr<std::string> {
        ran = true;
        absl::StatusOr<Message> message = load();
        if (!message.ok()) return message.status();
        loaded = *std::move(message);
        return loaded->SerializeAsString();
      });
  if (!bytes.ok()) {
    // A load shared with a concurrent caller ran within that caller's deadline and cancellation:
    // when it was cut short, this caller asks again within its own.
    const bool cut_short = absl::IsCancelled(bytes.status()) || absl::IsUnavailable(bytes.status());
    if (!ran && cut_short) return load();
    return bytes.status();
  }
  if (loaded) return *std::move(loaded);
  Message message;
  if (message.ParseFromString(*bytes)) return message;
  // A value this build cannot read: ask membership rather than fail the caller.
  cache.Invalidate(key);
  return load();
}

std::string CheckKey(absl::string_view coalition, absl::string_view person) {
  return absl::StrCat("membership:check:", coalition, ":", person);
}
std::string PersonKey(absl::string_view person) {
  return absl::StrCat("membership:person:", person);
}
std::string ActorKey(absl::string_view actor) { return absl::StrCat("membership:actor:", actor); }

// A cached Get of one resource.
template <typename Message, typename Request>
absl::StatusOr<Message> CachedGet(Stub& stub, cache::Cache& cache,
                                  const MembershipClient::Options& options,
                                  Rpc<Request, Message> rpc, absl::string_view kind,
                                  absl::string_view name) {
  return Cached<Message>(
      cache, absl::StrCat("membership:", kind, ":", name), options.cache_ttl,
      [&]() -> absl::StatusOr<Message> {
        Request request;
        request.set_name(std::string(name));
        Message response;
        RETURN_IF_ERROR(Call(stub, options, rpc, absl::StrCat("Get ", name), request, &response));
        return response;
      });
}

}  // namespace

MembershipClient::MembershipClient(std::shared_ptr<grpc::Channel> channel, cache::Cache& cache,
                                   Options options)
    : stub_(v1::MembershipService::NewStub(std::move(channel))),
      cache_(cache),
      options_(std::move(options)) {}

absl::StatusOr<v1::CheckMembershipResponse> MembershipClient::CheckMembership(
    absl::string_view coalition, absl::string_view person) {
  return Cached<v1::CheckMembershipResponse>(
      cache_, CheckKey(coalition, person), options_.cache_ttl,
      [&]() -> absl::StatusOr<v1::CheckMembershipResponse> {
        v1::CheckMembershipRequest request;
        request.set_coalition(std::string(coalition));
        request.set_person(std::string(person));
        v1::CheckMembershipResponse response;
        RETURN_IF_ERROR(Call(*stub_, options_, &Stub::CheckMembership,
                             absl::StrCat("whether ", person, " is a member of ", coalition),
                             request, &response));
        return response;
      });
}

absl::StatusOr<v1::Coalition> MembershipClient::GetCoalition(absl::string_view name) {
  return CachedGet(*stub_, cache_, options_, &Stub::GetCoalition, "coalition", name);
}

absl::StatusOr<v1::Team> MembershipClient::GetTeam(absl::string_view name) {
  return CachedGet(*stub_, cache_, options_, &Stub::GetTeam, "team", name);
}

absl::StatusOr<v1::MeasurableAim> MembershipClient::GetMeasurableAim(absl::string_view name) {
  return CachedGet(*stub_, cache_, options_, &Stub::GetMeasurableAim, "aim", name);
}

absl::StatusOr<v1::Actor> MembershipClient::GetActor(absl::string_view name) {
  return CachedGet(*stub_, cache_, options_, &Stub::GetActor, "actor", name);
}

absl::StatusOr<std::vector<v1::Person>> MembershipClient::BatchGetPeople(
    absl::string_view network, const std::vector<std::string>& names) {
  // Checked here so that a violation names the caller's index, not one of a batch of misses.
  RETURN_IF_ERROR(CheckPeopleNames(network, names));

  // The cache has no plain read: a load that fails without being cached marks a miss.
  absl::flat_hash_map<std::string, v1::Person> found;
  std::vector<std::string> misses;
  for (const std::string& name : names) {
    if (found.contains(name)) continue;
    // The only error here is that load's (ours, or a concurrent caller's in the same flight).
    absl::StatusOr<v1::Person> cached =
        Cached<v1::Person>(cache_, PersonKey(name), options_.cache_ttl,
                           []() -> absl::StatusOr<v1::Person> { return absl::NotFoundError(""); });
    if (cached.ok()) {
      found.emplace(name, *std::move(cached));
    } else if (std::find(misses.begin(), misses.end(), name) == misses.end()) {
      misses.push_back(name);
    }
  }

  for (size_t start = 0; start < misses.size(); start += kMaxBatchGet) {
    v1::BatchGetPeopleRequest request;
    request.set_parent(std::string(network));
    const size_t end = std::min(misses.size(), start + kMaxBatchGet);
    for (size_t i = start; i < end; ++i) request.add_names(misses[i]);
    v1::BatchGetPeopleResponse response;
    RETURN_IF_ERROR(Call(*stub_, options_, &Stub::BatchGetPeople,
                         absl::StrCat("people of ", network), request, &response));
    if (static_cast<size_t>(response.people_size()) != end - start) {
      return absl::UnavailableError("membership answered BatchGetPeople with the wrong count");
    }
    for (int i = 0; i < response.people_size(); ++i) {
      v1::Person& person = *response.mutable_people(i);
      const std::string& name = request.names(i);
      const std::string bytes = person.SerializeAsString();
      // Stored for the next caller; a cache that cannot take it costs nothing here.
      (void)cache_.GetOrLoad(PersonKey(name), options_.cache_ttl,
                             [&]() -> absl::StatusOr<std::string> { return bytes; });
      found[name] = std::move(person);
    }
  }

  std::vector<v1::Person> people;
  people.reserve(names.size());
  for (const std::string& name : names) people.push_back(found.at(name));
  return people;
}

absl::StatusOr<v1::Actor> MembershipClient::RecordActorObservation(
    const v1::RecordActorObservationRequest& request) {
  v1::Actor actor;
  RETURN_IF_ERROR(Call(*stub_, options_, &Stub::RecordActorObservation,
                       absl::StrCat("an observation for ", request.coalition()), request, &actor,
                       /*wait_for_ready=*/true));
  // The actor changed: no reader of this cache may see it as it was.
  cache_.Invalidate(ActorKey(actor.name()));
  return actor;
}

}  // namespace coalition::clients
