// The network's directory: people and organizations.
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

// The fields clients may change (AIP-134); the rest are output only or immutable.
const std::vector<std::string> kPersonUpdatable = {"display_name",     "email",        "phone",
                                                   "stakeholder_type", "organization", "state"};
const std::vector<std::string> kOrganizationUpdatable = {"display_name", "stakeholder_type",
                                                         "state", "website"};

}  // namespace

namespace {
absl::Status ExplainDuplicateEmail(absl::Status status) {
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("person.email: a person with this email is in the network");
  }
  return status;
}
template <typename T>
absl::StatusOr<T> ExplainDuplicateEmail(absl::StatusOr<T> written) {
  if (!written.ok()) return ExplainDuplicateEmail(written.status());
  return written;
}
}  // namespace

MembershipService::Reactor* MembershipService::CreatePerson(Ctx* ctx,
                                                            const v1::CreatePersonRequest* req,
                                                            v1::Person* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName parent = call.scope().Network();
    RETURN_IF_ERROR(ValidatePerson(req->person(), parent.network, "person"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Person>(
              s, parent.network, "CreatePerson", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                ASSIGN_OR_RETURN(
                    auto network,
                    ExistingOrNotFound(repo_.GetNetwork(s, parent.network), parent.Name()));
                if (!req->person().organization().empty()) {
                  ASSIGN_OR_RETURN(auto o,
                                   ParseNetworkChild("organizations", req->person().organization(),
                                                     "person.organization"));
                  ASSIGN_OR_RETURN(auto org, Organizations::Get(s, o.network, o.id));
                  if (!org) return InvalidField("person.organization", "does not exist");
                }
                const std::string id = NewResourceId();
                v1::Person person = req->person();
                person.set_email(NormalizeEmail(person.email()));
                StampCreated(person, NetworkChild(parent.network, "people", id), clock_.Now());
                RETURN_IF_ERROR(
                    ExplainDuplicateEmail(People::Insert(s, parent.network, id, person)));
                RETURN_IF_ERROR(call.Audit(s, person.name(), "added a person", clock_.Now()));
                return person.name();
              },
              [&](const std::string& created) { return People::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetPerson(Ctx* ctx, const v1::GetPersonRequest* req,
                                                         v1::Person* resp) {
  // Members read only their own record (Also::kSelf).
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkChildName name = call.scope().InNetwork();
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingOrNotFound(People::Get(s, name.network, name.id), req->name()));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListPeople(Ctx* ctx,
                                                          const v1::ListPeopleRequest* req,
                                                          v1::ListPeopleResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName parent = call.scope().Network();
    FieldViolations v;
    LimitText(v, "name_contains", req->name_contains(), kMaxNameLength);
    LimitText(v, "email", req->email(), 254);
    if (!v1::StakeholderType_IsValid(req->stakeholder_type())) {
      v.Add("stakeholder_type", "is not a known value");
    }
    RETURN_IF_ERROR(v.ToStatus());
    PeopleFilter filter{req->name_contains(), req->email(), req->stakeholder_type()};
    const std::string query =
        absl::StrCat("people|", req->parent(), "|", filter.name_contains, "|",
                     NormalizeEmail(filter.email), "|", filter.stakeholder_type);
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, repo_.ListPeople(s, parent.network, filter, q));
      for (auto& p : page.items) *resp->add_people() = std::move(p);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::UpdatePerson(Ctx* ctx,
                                                            const v1::UpdatePersonRequest* req,
                                                            v1::Person* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkChildName name = call.scope().InNetwork();
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, ExistingAtEtag(People::Get(s, name.network, name.id),
                                                   req->person().name(), req->person().etag()));
      ASSIGN_OR_RETURN(v1::Person person,
                       Patched(stored.resource, req->person(), req->update_mask(), kPersonUpdatable,
                               clock_.Now()));
      RETURN_IF_ERROR(ValidatePerson(person, name.network, "person"));
      if (!person.organization().empty() &&
          person.organization() != stored.resource.organization()) {
        ASSIGN_OR_RETURN(auto o, ParseNetworkChild("organizations", person.organization(),
                                                   "person.organization"));
        ASSIGN_OR_RETURN(auto org, Organizations::Get(s, o.network, o.id));
        if (!org) return InvalidField("person.organization", "does not exist");
      }
      person.set_email(NormalizeEmail(person.email()));
      ASSIGN_OR_RETURN(*resp, ExplainDuplicateEmail(People::Update(s, name.network, name.id, person,
                                                                   stored.revision)));
      return call.Audit(s, person.name(), "updated a person", clock_.Now());
    });
  });
}

MembershipService::Reactor* MembershipService::DeletePerson(Ctx* ctx,
                                                            const v1::DeletePersonRequest* req,
                                                            google::protobuf::Empty*) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkChildName name = call.scope().InNetwork();
    return db_.Transact([&](Session& s) -> absl::Status {
      RETURN_IF_ERROR(
          ExistingAtEtag(People::Get(s, name.network, name.id), req->name(), req->etag()).status());
      ASSIGN_OR_RETURN(bool has_memberships,
                       repo_.MemberHasMemberships(s, name.network, req->name()));
      if (has_memberships) {
        return absl::FailedPreconditionError(
            "the person has memberships, which keep the coalition's history; record that they "
            "left instead");
      }
      ASSIGN_OR_RETURN(bool mapped, repo_.IsMappedAsActor(s, name.network, req->name()));
      if (mapped) {
        return absl::FailedPreconditionError(
            "the person is on a coalition's map of actors; remove them from the map first");
      }
      ASSIGN_OR_RETURN(bool has_keys, repo_.HasKeysActingAs(s, name.network, req->name()));
      if (has_keys) {
        return absl::FailedPreconditionError("API keys act as this person; revoke them first");
      }
      RETURN_IF_ERROR(People::Delete(s, name.network, name.id));
      return call.Audit(s, req->name(), "deleted a person", clock_.Now());
    });
  });
}

MembershipService::Reactor* MembershipService::CreateOrganization(
    Ctx* ctx, const v1::CreateOrganizationRequest* req, v1::Organization* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName parent = call.scope().Network();
    RETURN_IF_ERROR(ValidateOrganization(req->organization(), "organization"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Organization>(
              s, parent.network, "CreateOrganization", req->request_id(), req->parent(),
              clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                ASSIGN_OR_RETURN(
                    auto network,
                    ExistingOrNotFound(repo_.GetNetwork(s, parent.network), parent.Name()));
                const std::string id = NewResourceId();
                v1::Organization organization = req->organization();
                StampCreated(organization, NetworkChild(parent.network, "organizations", id),
                             clock_.Now());
                RETURN_IF_ERROR(Organizations::Insert(s, parent.network, id, organization));
                RETURN_IF_ERROR(call.Audit(
                    s, organization.name(),
                    absl::StrCat("added \"", organization.display_name(), "\""), clock_.Now()));
                return organization.name();
              },
              [&](const std::string& created) { return Organizations::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetOrganization(
    Ctx* ctx, const v1::GetOrganizationRequest* req, v1::Organization* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkChildName name = call.scope().InNetwork();
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, ExistingOrNotFound(Organizations::Get(s, name.network, name.id),
                                                       req->name()));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListOrganizations(
    Ctx* ctx, const v1::ListOrganizationsRequest* req, v1::ListOrganizationsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName parent = call.scope().Network();
    FieldViolations v;
    LimitText(v, "name_contains", req->name_contains(), kMaxNameLength);
    if (!v1::StakeholderType_IsValid(req->stakeholder_type())) {
      v.Add("stakeholder_type", "is not a known value");
    }
    RETURN_IF_ERROR(v.ToStatus());
    const std::string query = absl::StrCat("organizations|", req->parent(), "|",
                                           req->name_contains(), "|", req->stakeholder_type());
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, repo_.ListOrganizations(s, parent.network, req->name_contains(),
                                                          req->stakeholder_type(), q));
      for (auto& o : page.items) *resp->add_organizations() = std::move(o);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::UpdateOrganization(
    Ctx* ctx, const v1::UpdateOrganizationRequest* req, v1::Organization* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkChildName name = call.scope().InNetwork();
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingAtEtag(Organizations::Get(s, name.network, name.id),
                                      req->organization().name(), req->organization().etag()));
      ASSIGN_OR_RETURN(v1::Organization organization,
                       Patched(stored.resource, req->organization(), req->update_mask(),
                               kOrganizationUpdatable, clock_.Now()));
      RETURN_IF_ERROR(ValidateOrganization(organization, "organization"));
      ASSIGN_OR_RETURN(
          *resp, Organizations::Update(s, name.network, name.id, organization, stored.revision));
      return call.Audit(s, organization.name(), "updated an organization", clock_.Now());
    });
  });
}

MembershipService::Reactor* MembershipService::DeleteOrganization(
    Ctx* ctx, const v1::DeleteOrganizationRequest* req, google::protobuf::Empty*) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkChildName name = call.scope().InNetwork();
    return db_.Transact([&](Session& s) -> absl::Status {
      RETURN_IF_ERROR(
          ExistingAtEtag(Organizations::Get(s, name.network, name.id), req->name(), req->etag())
              .status());
      ASSIGN_OR_RETURN(bool has_memberships,
                       repo_.MemberHasMemberships(s, name.network, req->name()));
      if (has_memberships) {
        return absl::FailedPreconditionError(
            "the organization has memberships, which keep the coalition's history; record that "
            "it left instead");
      }
      ASSIGN_OR_RETURN(bool has_people, repo_.OrganizationHasPeople(s, name.network, req->name()));
      if (has_people) {
        return absl::FailedPreconditionError("people of the network still name this organization");
      }
      ASSIGN_OR_RETURN(bool mapped, repo_.IsMappedAsActor(s, name.network, req->name()));
      if (mapped) {
        return absl::FailedPreconditionError(
            "the organization is on a coalition's map of actors; remove it from the map first");
      }
      RETURN_IF_ERROR(Organizations::Delete(s, name.network, name.id));
      return call.Audit(s, req->name(), "deleted an organization", clock_.Now());
    });
  });
}

}  // namespace coalition::membership
