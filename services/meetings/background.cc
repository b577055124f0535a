#include "services/meetings/background.h"

#include <algorithm>
#include <utility>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "absl/strings/str_cat.h"
#include "libs/core/proto_body.h"
#include "libs/core/status.h"
#include "libs/telemetry/log.h"

namespace coalition::meetings {

namespace mv1 = ::coalition::membership::v1;

BackgroundWork::BackgroundWork(storage::Database& db, const Clock& clock,
                               clients::Membership& membership, prometheus::Registry* registry,
                               Options options)
    : db_(db), clock_(clock), membership_(membership), options_(std::move(options)) {
  if (registry == nullptr) return;
  backlog_ = &prometheus::BuildGauge()
                  .Name("coalition_outbox_messages")
                  .Help("Messages waiting in the outbox for delivery to another service.")
                  .Register(*registry)
                  .Add({});
  oldest_age_ = &prometheus::BuildGauge()
                     .Name("coalition_outbox_oldest_age_seconds")
                     .Help("Age of the oldest message waiting in the outbox; 0 when empty.")
                     .Register(*registry)
                     .Add({});
  auto& deliveries = prometheus::BuildCounter()
                         .Name("coalition_outbox_deliveries_total")
                         .Help(
                             "Outbox delivery attempts by result: delivered, retry (the "
                             "receiver could not take it now), dropped (it never can).")
                         .Register(*registry);
  delivered_ = &deliveries.Add({{"result", "delivered"}});
  retried_ = &deliveries.Add({{"result", "retry"}});
  dropped_ = &deliveries.Add({{"result", "dropped"}});
  // Totals only: a person's name in a label would publish who is behind.
  open_ = &prometheus::BuildGauge()
               .Name("coalition_commitments_open")
               .Help("Open commitments across every coalition.")
               .Register(*registry)
               .Add({});
  overdue_ = &prometheus::BuildGauge()
                  .Name("coalition_commitments_overdue")
                  .Help("Open commitments whose due date has passed.")
                  .Register(*registry)
                  .Add({});
}

BackgroundWork::~BackgroundWork() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void BackgroundWork::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void BackgroundWork::Wake() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
}

void BackgroundWork::Loop() {
  absl::Time next_gauges = absl::InfinitePast();
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.AwaitWithTimeout(absl::Condition(
                               +[](BackgroundWork* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                                 return self->wake_ || self->stop_;
                               },
                               this),
                           options_.poll);
      if (stop_) return;
      wake_ = false;
    }
    absl::StatusOr<int> delivered = DeliverDue();
    if (!delivered.ok()) {
      telemetry::LogWarn("outbox round failed", {{"error", delivered.status().ToString()}});
    }
    if (absl::Now() >= next_gauges) {
      next_gauges = absl::Now() + options_.gauge_interval;
      absl::Status refreshed = RefreshGauges();
      if (refreshed.ok()) {
        refreshed = db_.Transact([&](storage::Session& s) {
          return repo_.PruneCommitmentEvents(s, clock_.Now() - options_.keep_events);
        });
      }
      if (!refreshed.ok()) {
        telemetry::LogWarn("housekeeping failed", {{"error", refreshed.ToString()}});
      }
    }
  }
}

absl::StatusOr<int> BackgroundWork::DeliverDue() {
  std::vector<OutboxMessage> due;
  RETURN_IF_ERROR(db_.Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(due, repo_.DueOutbox(s, clock_.Now(), options_.batch));
    return absl::OkStatus();
  }));
  int delivered = 0;
  for (OutboxMessage& message : due) {
    const absl::StatusOr<Outcome> outcome = Deliver(message);
    if (outcome.ok()) {
      // Delivered (idempotently, by the message id) before the row goes: a crash in between
      // sends it again, and the receiver recognises it.
      RETURN_IF_ERROR(db_.Transact([&](storage::Session& s) {
        return repo_.DeleteOutbox(s, message.network_id, message.id);
      }));
      if (*outcome == Outcome::kDelivered) ++delivered;
      continue;
    }
    const absl::Status& status = outcome.status();
    ++message.attempts;
    const absl::Duration backoff = std::min(
        options_.max_retry, options_.first_retry * (1 << std::min(message.attempts - 1, 20)));
    message.next_attempt_time = clock_.Now() + backoff;
    message.last_error = std::string(status.message()).substr(0, 500);
    if (retried_ != nullptr) retried_->Increment();
    telemetry::LogWarn("outbox delivery will be retried", {{"message", message.id},
                                                           {"kind", message.kind},
                                                           {"attempts", message.attempts},
                                                           {"error", status.ToString()}});
    RETURN_IF_ERROR(
        db_.Transact([&](storage::Session& s) { return repo_.RescheduleOutbox(s, message); }));
  }
  if (delivered > 0 && delivered_ != nullptr) delivered_->Increment(delivered);
  // The backlog changed (or aged): show it now rather than at the next housekeeping.
  if (!due.empty()) RETURN_IF_ERROR(RefreshGauges());
  return delivered;
}

absl::StatusOr<BackgroundWork::Outcome> BackgroundWork::Deliver(const OutboxMessage& message) {
  absl::Status status;
  if (message.kind == kActorObservation) {
    mv1::RecordActorObservationRequest request;
    status = DecodeBody(message.body, &request);
    if (status.ok()) status = membership_.RecordActorObservation(request).status();
  } else {
    status = absl::InternalError(absl::StrCat("unknown outbox kind \"", message.kind, "\""));
  }
  if (status.ok()) return Outcome::kDelivered;
  if (absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) || absl::IsAborted(status) ||
      absl::IsResourceExhausted(status)) {
    return status;
  }
  // The receiver will never take it (the actor was deleted meanwhile, say): retrying forever
  // would only hide the newer messages behind it.
  if (dropped_ != nullptr) dropped_->Increment();
  telemetry::LogError("outbox message dropped: the receiver refused it",
                      {{"message", message.id},
                       {"kind", message.kind},
                       {"network", message.network_id},
                       {"error", status.ToString()}});
  return Outcome::kDropped;
}

absl::Status BackgroundWork::RefreshGauges() {
  OutboxBacklog backlog;
  CommitmentCounts counts;
  const absl::Time now = clock_.Now();
  RETURN_IF_ERROR(db_.Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(backlog, repo_.Backlog(s));
    ASSIGN_OR_RETURN(counts, repo_.CountCommitments(s, absl::ToCivilDay(now, options_.time_zone)));
    return absl::OkStatus();
  }));
  if (backlog_ == nullptr) return absl::OkStatus();
  backlog_->Set(static_cast<double>(backlog.count));
  oldest_age_->Set(backlog.oldest ? std::max(0.0, absl::ToDoubleSeconds(now - *backlog.oldest))
                                  : 0.0);
  open_->Set(static_cast<double>(counts.open));
  overdue_->Set(static_cast<double>(counts.overdue));
  return absl::OkStatus();
}

}  // namespace coalition::meetings
