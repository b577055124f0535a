// ImportRoster: a client stream of roster rows, imported in one transaction.
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
// Admits the call on the handler executor when the first message (which names the coalition)
// arrives, validates each row as it arrives and keeps only the valid ones, within a size limit
// per import and the process's budget for buffered streams; imports them in one transaction on
// the executor when the stream ends.
class MembershipService::RosterImport final
    : public grpc::ServerReadReactor<v1::ImportRosterRequest> {
 public:
  RosterImport(MembershipService* service, Ctx* ctx, v1::ImportRosterResponse* response)
      : service_(service),
        ctx_(ctx),
        response_(response),
        buffered_(server::BufferedStreamBudget()) {
    // Tells the client at once that the import is accepted (and its x-request-id), before the
    // rows arrive; a long import is then visibly in progress.
    StartSendInitialMetadata();
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // A stream with no message is admitted against an empty one, so that a caller without
      // a key still hears UNAUTHENTICATED rather than about the missing message.
      if (!server::HandlerExecutor().TrySubmit([this] { call_ ? Import() : AdmitEmpty(); })) {
        Finish(ToGrpcStatus(server::BusyError()));
      }
      return;
    }
    if (!call_) {
      // Authenticating reads the store: not on the gRPC callback thread.
      if (!server::HandlerExecutor().TrySubmit([this] { AdmitThenAccept(); })) {
        Finish(ToGrpcStatus(server::BusyError()));
      }
      return;
    }
    AcceptThenRead();
  }

  void OnDone() override { delete this; }

 private:
  void AdmitThenAccept() {
    absl::StatusOr<server::Call> call = service_->rpc_.Admit(*ctx_, request_);
    if (!call.ok()) {
      Finish(ToGrpcStatus(call.status()));
      return;
    }
    call_.emplace(*std::move(call));
    FieldViolations v;
    CheckRequestId(v, request_.request_id());
    if (!v.ToStatus().ok()) {
      Finish(ToGrpcStatus(v.ToStatus()));
      return;
    }
    AcceptThenRead();
  }

  void AdmitEmpty() {
    absl::Status admitted = service_->rpc_.Admit(*ctx_, request_).status();
    Finish(ToGrpcStatus(absl::IsInvalidArgument(admitted) || admitted.ok()
                            ? InvalidField("parent", "the stream sent no message")
                            : admitted));
  }

  void AcceptThenRead() {
    absl::Status status = Accept();
    if (!status.ok()) {
      Finish(ToGrpcStatus(status));
      return;
    }
    StartRead(&request_);
  }

  // One message: the limits, then each row.
  absl::Status Accept() {
    received_bytes_ += request_.ByteSizeLong();
    if (received_bytes_ > kMaxRosterBytes) {
      return InvalidField("rows", absl::StrCat("an import takes at most ", kMaxRosterBytes >> 20,
                                               " MiB of rows; split the roster"));
    }
    if (rows_received_ + request_.rows_size() > kMaxRosterRows) {
      return InvalidField("rows",
                          absl::StrCat("an import takes at most ", kMaxRosterRows, " rows"));
    }
    for (v1::RosterRow& row : *request_.mutable_rows()) {
      ++rows_received_;
      std::vector<std::string> problems = ValidateRosterRow(row);
      if (!problems.empty()) {
        ++rows_refused_;
        if (response_->errors_size() < kMaxRosterErrorsReported) {
          auto* error = response_->add_errors();
          error->set_row(rows_received_);
          for (auto& p : problems) error->add_field_violations(std::move(p));
        }
        continue;
      }
      row.DiscardUnknownFields();
      if (!buffered_.Grow(row.ByteSizeLong())) {
        return absl::ResourceExhaustedError(
            "the server holds too many roster imports at once; retry later");
      }
      rows_.push_back(std::move(row));
    }
    request_.Clear();
    return absl::OkStatus();
  }

  void Import() {
    response_->set_rows_received(rows_received_);
    response_->set_rows_refused(rows_refused_);
    Finish(ToGrpcStatus(service_->ImportRows(*call_, rows_, response_)));
  }

  MembershipService* service_;
  Ctx* ctx_;
  v1::ImportRosterResponse* response_;
  std::optional<server::Call> call_;  // set once the first message is admitted
  v1::ImportRosterRequest request_;
  size_t received_bytes_ = 0;
  int rows_received_ = 0;
  int rows_refused_ = 0;
  std::vector<v1::RosterRow> rows_;  // the valid ones
  server::StreamReservation buffered_;
};

grpc::ServerReadReactor<v1::ImportRosterRequest>* MembershipService::ImportRoster(
    Ctx* ctx, v1::ImportRosterResponse* resp) {
  return new RosterImport(this, ctx, resp);
}

absl::Status MembershipService::ImportRows(const server::Call& call,
                                           const std::vector<v1::RosterRow>& rows,
                                           v1::ImportRosterResponse* response) {
  const CoalitionName coalition = call.scope().Coalition();
  const std::string& network = coalition.network;
  return db_.Transact([&](Session& s) -> absl::Status {
    // A retried transaction starts the counts again.
    int people_created = 0, memberships_created = 0, unchanged = 0;
    RETURN_IF_ERROR(RequireCoalition(s, network, coalition.coalition));
    const absl::Time now = clock_.Now();
    // Every resource the import creates has its own event, as one created by its own call has,
    // and the import as a whole one more.
    auto audit = [&](const std::string& resource, const std::string& summary) {
      return call.Audit(s, resource, summary, now);
    };
    for (const v1::RosterRow& row : rows) {
      ASSIGN_OR_RETURN(auto person, repo_.FindPersonByEmail(s, network, row.email()));
      std::string person_name;
      if (person) {
        person_name = person->resource.name();
      } else {
        std::string organization_name;
        if (!row.organization_name().empty()) {
          ASSIGN_OR_RETURN(auto org,
                           repo_.FindOrganizationByName(s, network, row.organization_name()));
          if (org) {
            organization_name = org->resource.name();
          } else {
            const std::string org_id = NewResourceId();
            v1::Organization created;
            created.set_display_name(row.organization_name());
            created.set_stakeholder_type(row.stakeholder_type());
            StampCreated(created, NetworkChild(network, "organizations", org_id), now);
            RETURN_IF_ERROR(Organizations::Insert(s, network, org_id, created));
            organization_name = created.name();
            RETURN_IF_ERROR(audit(organization_name, "created the organization from a roster"));
          }
        }
        const std::string person_id = NewResourceId();
        v1::Person created;
        created.set_display_name(row.display_name());
        created.set_email(NormalizeEmail(row.email()));
        created.set_phone(row.phone());
        created.set_stakeholder_type(row.stakeholder_type());
        created.set_organization(organization_name);
        StampCreated(created, NetworkChild(network, "people", person_id), now);
        RETURN_IF_ERROR(People::Insert(s, network, person_id, created));
        person_name = created.name();
        RETURN_IF_ERROR(audit(person_name, "created the person from a roster"));
        ++people_created;
      }
      ASSIGN_OR_RETURN(auto existing,
                       repo_.FindMembershipOf(s, network, coalition.coalition, person_name));
      if (existing) {
        ++unchanged;
        continue;
      }
      const std::string membership_id = NewResourceId();
      v1::Membership membership;
      membership.set_member(person_name);
      membership.set_role(row.role());
      StampCreated(membership,
                   CoalitionChild(network, coalition.coalition, "memberships", membership_id), now);
      StartMembership(membership, now);
      RETURN_IF_ERROR(
          Memberships::Insert(s, network, coalition.coalition, membership_id, membership));
      RETURN_IF_ERROR(
          audit(membership.name(), absl::StrCat("added ", person_name, " from a roster")));
      ++memberships_created;
    }
    response->set_people_created(people_created);
    response->set_memberships_created(memberships_created);
    response->set_rows_unchanged(unchanged);
    // A re-run that changes nothing is no mutation: nothing to audit, no cache to drop.
    if (people_created + memberships_created == 0) return absl::OkStatus();
    DropCachedRosterOnCommit(s, network, coalition.coalition);
    return audit(coalition.Name(),
                 absl::StrCat("imported a roster: ", people_created, " people and ",
                              memberships_created, " memberships created, ", unchanged,
                              " rows unchanged, ", response->rows_refused(), " rows refused"));
  });
}

}  // namespace coalition::membership
