// A coalition's map of actors, its revisions and its counts.
#include "services/membership/membership_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/api_key.h"
#include "libs/core/etag.h"
#include "libs/core/field_mask.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
#include "libs/server/call_context.h"
#include "libs/server/executor.h"
#include "libs/server/standard_methods.h"
#include "libs/server/stream_budget.h"
#include "libs/storage/platform_tables.h"
#include "services/membership/access_rules.h"
#include "services/membership/api_keys.h"
#include "services/membership/child_resources.h"
#include "services/membership/domain/rules.h"
#include "services/membership/domain/validation.h"

namespace coalition::membership {
namespace {

constexpr absl::Duration kCountsTtl = absl::Minutes(5);

// The fields clients may change (AIP-134); the rest are output only or immutable.
const std::vector<std::string> kActorUpdatable = {"display_name", "person",    "organization",
                                                  "category",     "interests", "resources",
                                                  "tie_strength", "influence", "notes"};

}  // namespace

namespace {
v1::ActorRevision RevisionOf(const v1::Actor& actor, int64_t revision,
                             v1::ActorCategory previous_category, absl::Time now,
                             const std::string& changed_by, const std::string& source) {
  v1::ActorRevision out;
  out.set_name(absl::StrCat(actor.name(), "/revisions/", revision));
  out.set_revision(revision);
  *out.mutable_actor() = actor;
  out.mutable_actor()->clear_etag();
  out.set_previous_category(previous_category);
  *out.mutable_change_time() = ToProtoTimestamp(now);
  out.set_changed_by(changed_by);
  out.set_source(source.empty() ? "api" : source);
  return out;
}
}  // namespace

namespace {
// An actor naming a person or organization must name one that exists.
absl::Status RequireActorSubject(Session& s, const v1::Actor& actor) {
  if (!actor.person().empty()) {
    ASSIGN_OR_RETURN(auto p, ParseNetworkChild("people", actor.person(), "actor.person"));
    ASSIGN_OR_RETURN(auto found, People::Get(s, p.network, p.id));
    if (!found) return InvalidField("actor.person", "does not exist");
  }
  if (!actor.organization().empty()) {
    ASSIGN_OR_RETURN(
        auto o, ParseNetworkChild("organizations", actor.organization(), "actor.organization"));
    ASSIGN_OR_RETURN(auto found, Organizations::Get(s, o.network, o.id));
    if (!found) return InvalidField("actor.organization", "does not exist");
  }
  return absl::OkStatus();
}
}  // namespace

MembershipService::Reactor* MembershipService::CreateActor(Ctx* ctx,
                                                           const v1::CreateActorRequest* req,
                                                           v1::Actor* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    RETURN_IF_ERROR(ValidateActor(req->actor(), parent.network, "actor"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Actor>(
              s, parent.network, "CreateActor", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(RequireCoalition(s, parent.network, parent.coalition));
                RETURN_IF_ERROR(RequireActorSubject(s, req->actor()));
                const std::string id = NewResourceId();
                v1::Actor actor = req->actor();
                StampCreated(actor, CoalitionChild(parent.network, parent.coalition, "actors", id),
                             clock_.Now());
                RETURN_IF_ERROR(Actors::Insert(s, parent.network, parent.coalition, id, actor));
                RETURN_IF_ERROR(
                    repo_.InsertActorRevision(s, parent.network, parent.coalition, id,
                                              RevisionOf(actor, 1, v1::ACTOR_CATEGORY_UNSPECIFIED,
                                                         clock_.Now(), call.caller().key, "")));
                RETURN_IF_ERROR(call.Audit(s, actor.name(),
                                           absl::StrCat("mapped \"", actor.display_name(), "\" as ",
                                                        v1::ActorCategory_Name(actor.category())),
                                           clock_.Now()));
                DropCachedActorCountsOnCommit(s, parent.network, parent.coalition);
                return actor.name();
              },
              [&](const std::string& created) { return Actors::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetActor(Ctx* ctx, const v1::GetActorRequest* req,
                                                        v1::Actor* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) {
    return server::GetInCoalition<Actors>(db_, call.scope(), resp);
  });
}

MembershipService::Reactor* MembershipService::ListActors(Ctx* ctx,
                                                          const v1::ListActorsRequest* req,
                                                          v1::ListActorsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    if (!v1::ActorCategory_IsValid(req->category())) {
      return InvalidField("category", "is not a known value");
    }
    storage::Columns filters;
    if (req->category() != v1::ACTOR_CATEGORY_UNSPECIFIED) {
      filters.emplace_back("category", int64_t{req->category()});
    }
    ASSIGN_OR_RETURN(auto actors,
                     ListChildren<Actors>(call, req->parent(), req->page_size(), req->page_token(),
                                          absl::StrCat(req->category()), filters,
                                          resp->mutable_next_page_token()));
    for (auto& a : actors) *resp->add_actors() = std::move(a);
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::UpdateActor(Ctx* ctx,
                                                           const v1::UpdateActorRequest* req,
                                                           v1::Actor* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    FieldViolations v;
    LimitText(v, "source", req->source(), 100);
    RETURN_IF_ERROR(v.ToStatus());
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingAtEtag(Actors::Get(s, name.network, name.coalition, name.id),
                                      req->actor().name(), req->actor().etag()));
      ASSIGN_OR_RETURN(v1::Actor actor, Patched(stored.resource, req->actor(), req->update_mask(),
                                                kActorUpdatable, clock_.Now()));
      RETURN_IF_ERROR(ValidateActor(actor, name.network, "actor"));
      RETURN_IF_ERROR(RequireActorSubject(s, actor));
      ASSIGN_OR_RETURN(
          *resp, Actors::Update(s, name.network, name.coalition, name.id, actor, stored.revision));
      RETURN_IF_ERROR(repo_.InsertActorRevision(
          s, name.network, name.coalition, name.id,
          RevisionOf(actor, stored.revision + 1, stored.resource.category(), clock_.Now(),
                     call.caller().key, req->source())));
      RETURN_IF_ERROR(call.Audit(s, actor.name(),
                                 absl::StrCat("updated \"", actor.display_name(), "\" (",
                                              v1::ActorCategory_Name(actor.category()), ")"),
                                 clock_.Now()));
      DropCachedActorCountsOnCommit(s, name.network, name.coalition);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::DeleteActor(Ctx* ctx,
                                                           const v1::DeleteActorRequest* req,
                                                           google::protobuf::Empty*) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    return DeleteChild<Actors>(call, req->etag(), [&](Session& s, const CoalitionChildName& name) {
      DropCachedActorCountsOnCommit(s, name.network, name.coalition);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListActorRevisions(
    Ctx* ctx, const v1::ListActorRevisionsRequest* req, v1::ListActorRevisionsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName actor = call.scope().InCoalition();
    const std::string query = absl::StrCat("actorRevisions|", req->parent());
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto found,
                       ExistingOrNotFound(Actors::Get(s, actor.network, actor.coalition, actor.id),
                                          req->parent()));
      ASSIGN_OR_RETURN(auto page,
                       repo_.ListActorRevisions(s, actor.network, actor.coalition, actor.id, q));
      for (auto& r : page.items) *resp->add_revisions() = std::move(r);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::CountActorsByCategory(
    Ctx* ctx, const v1::CountActorsByCategoryRequest* req,
    v1::CountActorsByCategoryResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName name = call.scope().Coalition();
    ASSIGN_OR_RETURN(
        std::string counts,
        cache_.GetOrLoad(ActorCountsKey(name.network, name.coalition), kCountsTtl,
                         [&]() -> absl::StatusOr<std::string> {
                           std::vector<v1::Actor> actors;
                           RETURN_IF_ERROR(db_.Read([&](Session& s) -> absl::Status {
                             RETURN_IF_ERROR(RequireCoalition(s, name.network, name.coalition));
                             ASSIGN_OR_RETURN(actors, Actors::All(s, name.network, name.coalition));
                             return absl::OkStatus();
                           }));
                           return membership::CountActorsByCategory(actors).SerializeAsString();
                         }));
    if (!resp->ParseFromString(counts)) return absl::DataLossError("cached counts unreadable");
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::RecordActorObservation(
    Ctx* ctx, const v1::RecordActorObservationRequest* req, v1::Actor* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName coalition = call.scope().Coalition();
    RETURN_IF_ERROR(ValidateActorObservation(*req, coalition.network, coalition.coalition));
    constexpr absl::string_view kMethod = "RecordActorObservation";
    const std::string& network = coalition.network;
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto done, storage::FindRequest(s, network, kMethod, req->request_id()));
      if (done) {
        // Already applied: the actor as it is now, with no second revision or audit event.
        ASSIGN_OR_RETURN(auto current, ExistingOrNotFound(Actors::GetNamed(s, *done), *done));
        *resp = std::move(current.resource);
        return absl::OkStatus();
      }
      RETURN_IF_ERROR(RequireCoalition(s, network, coalition.coalition));
      std::optional<Stored<v1::Actor>> stored;
      v1::Person person;
      if (!req->actor().empty()) {
        ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("actors", req->actor(), "actor"));
        ASSIGN_OR_RETURN(
            stored,
            ExistingOrNotFound(Actors::Get(s, network, name.coalition, name.id), req->actor()));
      } else {
        ASSIGN_OR_RETURN(auto name, ParseNetworkChild("people", req->person(), "person"));
        ASSIGN_OR_RETURN(auto found,
                         ExistingOrNotFound(People::Get(s, network, name.id), req->person()));
        person = std::move(found.resource);
        ASSIGN_OR_RETURN(stored,
                         repo_.FindActorBySubject(s, network, coalition.coalition, req->person()));
      }
      const absl::Time now = clock_.Now();
      const bool created = !stored.has_value();
      v1::Actor actor = created ? NewActorForPerson(person) : stored->resource;
      std::string id;
      if (created) {
        id = NewResourceId();
        StampCreated(actor, CoalitionChild(network, coalition.coalition, "actors", id), now);
      } else {
        ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("actors", actor.name(), "actor"));
        id = name.id;
        *actor.mutable_update_time() = ToProtoTimestamp(now);
      }
      const int dropped = MergeActorObservation(actor, *req);
      RETURN_IF_ERROR(ValidateActor(actor, network, "actor"));
      if (created) {
        RETURN_IF_ERROR(Actors::Insert(s, network, coalition.coalition, id, actor));
      } else {
        RETURN_IF_ERROR(
            Actors::Update(s, network, coalition.coalition, id, actor, stored->revision).status());
      }
      const std::string source = req->source().empty() ? "one-to-one" : req->source();
      RETURN_IF_ERROR(repo_.InsertActorRevision(
          s, network, coalition.coalition, id,
          RevisionOf(actor, created ? 1 : stored->revision + 1,
                     created ? v1::ACTOR_CATEGORY_UNSPECIFIED : stored->resource.category(), now,
                     call.caller().key, source)));
      RETURN_IF_ERROR(call.Audit(
          s, actor.name(),
          absl::StrCat(created ? "mapped \"" : "updated \"", actor.display_name(),
                       "\" from an observation (", source, ")",
                       dropped > 0 ? absl::StrCat("; ", dropped, " interests over the limit of ",
                                                  kMaxActorInterests, " dropped")
                                   : ""),
          clock_.Now()));
      RETURN_IF_ERROR(
          storage::RecordRequest(s, network, kMethod, req->request_id(), actor.name(), now));
      ASSIGN_OR_RETURN(
          auto updated,
          ExistingOrNotFound(Actors::Get(s, network, coalition.coalition, id), actor.name()));
      *resp = std::move(updated.resource);
      DropCachedActorCountsOnCommit(s, network, coalition.coalition);
      return absl::OkStatus();
    });
  });
}

}  // namespace coalition::membership
