// WatchCommitmentEvents (created and done from writes, due soon and overdue from the clock) and
// the commitment gauges.
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <grpcpp/support/sync_stream.h>
#include <prometheus/metric_family.h>

#include "absl/synchronization/mutex.h"
#include "libs/core/proto_time.h"
#include "libs/telemetry/log.h"
#include "libs/testing/captured_log.h"
#include "tests/unit/meetings/meetings_test_fixture.h"

namespace coalition::meetings::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

constexpr absl::Duration kDay = absl::Hours(24);
// How long to wait for an event: the watch polls every 20 ms.
constexpr absl::Duration kEventWait = absl::Seconds(2);
// How long to watch for an event that must not come: several polls.
constexpr absl::Duration kQuiet = absl::Milliseconds(150);

// One watch call, read on its own thread. Construction returns once the server has sent the
// headers, that is once the watch is live (or refused).
class EventStream {
 public:
  EventStream(v1::MeetingsService::Stub& stub, std::unique_ptr<grpc::ClientContext> context,
              const v1::WatchCommitmentEventsRequest& request)
      : context_(std::move(context)), reader_(stub.WatchCommitmentEvents(context_.get(), request)) {
    reader_->WaitForInitialMetadata();
    thread_ = std::thread([this] {
      v1::CommitmentEvent event;
      while (reader_->Read(&event)) {
        absl::MutexLock lock(&mu_);
        events_.push_back(event);
      }
      absl::MutexLock lock(&mu_);
      ended_ = true;
    });
  }

  ~EventStream() {
    if (!finished_) Cancel();
  }

  // The next event, or nullopt when none came within `wait` or the stream ended.
  std::optional<v1::CommitmentEvent> Next(absl::Duration wait = kEventWait) {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !events_.empty() || ended_; };
    mu_.AwaitWithTimeout(absl::Condition(&ready), wait);
    if (events_.empty()) return std::nullopt;
    v1::CommitmentEvent event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

  // The next `n` events as "KIND name" strings (fewer if they do not come).
  std::vector<std::string> NextKinds(int n) {
    std::vector<std::string> kinds;
    for (int i = 0; i < n; ++i) {
      std::optional<v1::CommitmentEvent> event = Next();
      if (!event) break;
      kinds.push_back(Describe(*event));
    }
    return kinds;
  }

  // Whatever comes within `wait`, for the moments when nothing should.
  std::vector<std::string> EventsWithin(absl::Duration wait) {
    std::vector<std::string> kinds;
    const absl::Time until = absl::Now() + wait;
    while (std::optional<v1::CommitmentEvent> event = Next(until - absl::Now())) {
      kinds.push_back(Describe(*event));
    }
    return kinds;
  }

  static std::string Describe(const v1::CommitmentEvent& event) {
    return v1::CommitmentEvent::Kind_Name(event.kind()) + " " + event.commitment().what();
  }

  // The status the stream ended with, once it has ended by itself.
  grpc::Status Finish() {
    thread_.join();
    finished_ = true;
    return reader_->Finish();
  }

  grpc::Status Cancel() {
    context_->TryCancel();
    return Finish();
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReader<v1::CommitmentEvent>> reader_;
  std::thread thread_;
  bool finished_ = false;
  absl::Mutex mu_;
  std::deque<v1::CommitmentEvent> events_ ABSL_GUARDED_BY(mu_);
  bool ended_ ABSL_GUARDED_BY(mu_) = false;
};

google::protobuf::Duration Seconds(int64_t seconds) {
  google::protobuf::Duration duration;
  duration.set_seconds(seconds);
  return duration;
}

class WatchTest : public MeetingsServiceTest {
 protected:
  std::unique_ptr<EventStream> Watch(const std::string& coalition, const std::string& key,
                                     std::optional<int64_t> due_soon_seconds = std::nullopt) {
    v1::WatchCommitmentEventsRequest request;
    request.set_parent(coalition);
    if (due_soon_seconds) *request.mutable_due_soon_within() = Seconds(*due_soon_seconds);
    return std::make_unique<EventStream>(
        meetings(), key.empty() ? AnonymousCtx() : Ctx(key, absl::Seconds(20)), request);
  }
};

TEST_F(WatchTest, SeesCommitmentsCreatedAndDoneAfterItStarted) {
  CreateCommitment(a1_.name(), alice_.name(), "before the watch", Day(20));
  auto stream = Watch(a1_.name(), convener_a1_);
  const v1::Commitment first = CreateCommitment(a1_.name(), alice_.name(), "first", Day(20));
  const v1::Commitment second = CreateCommitment(a1_.name(), bob_.name(), "second", Day(21));
  SetStatus(first, v1::Commitment::DONE);
  CreateCommitment(a1_.name(), bob_.name(), "third", Day(22));

  std::optional<v1::CommitmentEvent> created = stream->Next();
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->kind(), v1::CommitmentEvent::CREATED);
  EXPECT_EQ(created->commitment().name(), first.name());
  EXPECT_EQ(created->commitment().status(), v1::Commitment::OPEN);
  EXPECT_EQ(FromProtoTimestamp(created->time()), clock().Now());
  EXPECT_EQ(stream->NextKinds(3),
            (std::vector<std::string>{"CREATED second", "DONE first", "CREATED third"}));
  EXPECT_THAT(stream->EventsWithin(kQuiet), IsEmpty());
  EXPECT_THAT(stream->Cancel(), HasCode(grpc::StatusCode::CANCELLED));
}

TEST_F(WatchTest, DoneEventCarriesTheDoneCommitment) {
  const v1::Commitment created = CreateCommitment(a1_.name(), alice_.name(), "call", Day(2));
  auto stream = Watch(a1_.name(), alice_key_);
  SetStatus(created, v1::Commitment::MISSED, "no time");
  SetStatus(created, v1::Commitment::DONE);
  std::optional<v1::CommitmentEvent> done = stream->Next();
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->kind(), v1::CommitmentEvent::DONE);
  EXPECT_EQ(done->commitment().name(), created.name());
  EXPECT_EQ(done->commitment().status(), v1::Commitment::DONE);
  EXPECT_TRUE(done->commitment().has_done_date());
  // Missing is not an event of its own.
  EXPECT_THAT(stream->EventsWithin(kQuiet), IsEmpty());
}

TEST_F(WatchTest, DueSoonAndOverdueComeFromTheClockOnce) {
  CreateCommitment(a1_.name(), alice_.name(), "due tomorrow", Day(1));
  CreateCommitment(a1_.name(), bob_.name(), "due in nine days", Day(9));
  CreateCommitment(a1_.name(), bob_.name(), "due in thirty days", Day(30));
  SetStatus(CreateCommitment(a1_.name(), alice_.name(), "done", Day(1)), v1::Commitment::DONE);
  CreateCommitment(a1_.name(), alice_.name(), "due in three days", Day(3));
  auto stream = Watch(a1_.name(), convener_a1_);
  EXPECT_THAT(stream->EventsWithin(kQuiet), IsEmpty());

  clock().Advance(2 * kDay);
  EXPECT_THAT(stream->NextKinds(2),
              UnorderedElementsAre("OVERDUE due tomorrow", "DUE_SOON due in nine days"));
  EXPECT_THAT(stream->EventsWithin(kQuiet), IsEmpty());

  // A new day with nothing crossing a line brings nothing.
  clock().Advance(kDay);
  EXPECT_THAT(stream->EventsWithin(kQuiet), IsEmpty());

  clock().Advance(20 * kDay);
  EXPECT_THAT(stream->NextKinds(3),
              UnorderedElementsAre("OVERDUE due in three days", "OVERDUE due in nine days",
                                   "DUE_SOON due in thirty days"));
  EXPECT_THAT(stream->EventsWithin(kQuiet), IsEmpty());

  clock().Advance(10 * kDay);
  EXPECT_THAT(stream->NextKinds(1), UnorderedElementsAre("OVERDUE due in thirty days"));
  EXPECT_THAT(stream->EventsWithin(kQuiet), IsEmpty());
}

TEST_F(WatchTest, DueSoonFollowsTheRequestedHorizon) {
  CreateCommitment(a1_.name(), alice_.name(), "in five days", Day(5));
  CreateCommitment(a1_.name(), alice_.name(), "in thirty-one days", Day(31));
  CreateCommitment(a1_.name(), alice_.name(), "in forty days", Day(40));
  auto month = Watch(a1_.name(), convener_a1_, 30 * 86400);
  auto week = Watch(a1_.name(), convener_a1_);
  clock().Advance(kDay);
  EXPECT_THAT(month->NextKinds(1), UnorderedElementsAre("DUE_SOON in thirty-one days"));
  EXPECT_THAT(month->EventsWithin(kQuiet), IsEmpty());
  EXPECT_THAT(week->EventsWithin(absl::ZeroDuration()), IsEmpty());
}

TEST_F(WatchTest, SeesOnlyItsCoalition) {
  const mv1::Person eve = CreateMemberPerson(a2_.name(), "Eve Park");
  CreateCommitment(a2_.name(), eve.name(), "a2 due tomorrow", Day(1), {}, convener_a2_);
  auto stream = Watch(a1_.name(), convener_a1_);
  auto other = Watch(a2_.name(), convener_a2_);
  CreateCommitment(a2_.name(), eve.name(), "a2 created", Day(10), {}, convener_a2_);
  CreateCommitment(b1_.name(), dana_b_.name(), "b1 created", Day(10), {}, admin_b_);
  CreateCommitment(a1_.name(), alice_.name(), "a1 created", Day(10));
  EXPECT_EQ(stream->NextKinds(1), std::vector<std::string>{"CREATED a1 created"});
  EXPECT_EQ(other->NextKinds(1), std::vector<std::string>{"CREATED a2 created"});
  clock().Advance(2 * kDay);
  EXPECT_EQ(other->NextKinds(1), std::vector<std::string>{"OVERDUE a2 due tomorrow"});
  EXPECT_THAT(stream->EventsWithin(kQuiet), IsEmpty());
}

TEST_F(WatchTest, EveryWatcherSeesEveryEvent) {
  auto convener = Watch(a1_.name(), convener_a1_);
  auto member = Watch(a1_.name(), alice_key_);
  auto service = Watch(a1_.name(), service_a_);
  CreateCommitment(a1_.name(), bob_.name(), "shared", Day(10));
  for (EventStream* stream : {convener.get(), member.get(), service.get()}) {
    EXPECT_EQ(stream->NextKinds(1), std::vector<std::string>{"CREATED shared"});
  }
}

TEST_F(WatchTest, IsRefusedBeforeStreaming) {
  struct Case {
    std::string coalition;
    std::string key;
    std::optional<int64_t> due_soon_seconds;
  };
  const std::vector<std::pair<Case, grpc::StatusCode>> refused = {
      {{a1_.name(), "", std::nullopt}, grpc::StatusCode::UNAUTHENTICATED},
      {{a1_.name(), admin_b_, std::nullopt}, grpc::StatusCode::PERMISSION_DENIED},
      {{a1_.name(), convener_a2_, std::nullopt}, grpc::StatusCode::PERMISSION_DENIED},
  };
  for (const auto& [c, code] : refused) {
    auto stream = Watch(c.coalition, c.key, c.due_soon_seconds);
    EXPECT_FALSE(stream->Next().has_value());
    EXPECT_THAT(stream->Finish(), HasCode(code));
  }
  for (const int64_t seconds :
       {int64_t{0}, int64_t{-86400}, int64_t{36 * 3600}, int64_t{91 * 86400}}) {
    auto stream = Watch(a1_.name(), convener_a1_, seconds);
    EXPECT_FALSE(stream->Next().has_value());
    EXPECT_THAT(stream->Finish(), InvalidArgumentOn("due_soon_within")) << seconds;
  }
  auto stream = Watch(network_a_.name(), admin_a_);
  EXPECT_THAT(stream->Finish(), InvalidArgumentOn("parent"));
}

TEST_F(WatchTest, ClientCancellationEndsTheStreamCleanly) {
  auto cancelled = Watch(a1_.name(), convener_a1_);
  auto staying = Watch(a1_.name(), convener_a1_);
  EXPECT_THAT(cancelled->Cancel(), HasCode(grpc::StatusCode::CANCELLED));
  CreateCommitment(a1_.name(), alice_.name(), "after the cancel", Day(10));
  EXPECT_EQ(staying->NextKinds(1), std::vector<std::string>{"CREATED after the cancel"});

  // A watch cancelled with events waiting for it ends as cleanly.
  auto busy = Watch(a1_.name(), convener_a1_);
  for (int i = 0; i < 20; ++i) CreateCommitment(a1_.name(), bob_.name(), "burst", Day(10));
  ASSERT_TRUE(busy->Next().has_value());
  EXPECT_THAT(busy->Cancel(), HasCode(grpc::StatusCode::CANCELLED));
  EXPECT_EQ(staying->NextKinds(20).size(), 20u);
}

constexpr char kWatchMethod[] = "/coalition.meetings.v1.MeetingsService/WatchCommitmentEvents";

// The access log lines of watches, once `count` of them are written (or after kEventWait).
std::vector<nlohmann::json> WatchAccessLines(coalition::testing::CapturedLog& log, size_t count) {
  std::vector<nlohmann::json> lines;
  const absl::Time until = absl::Now() + kEventWait;
  do {
    lines.clear();
    for (nlohmann::json& line : log.WithMessage("request")) {
      if (line["method"] == kWatchMethod) lines.push_back(std::move(line));
    }
    if (lines.size() >= count) break;
    absl::SleepFor(absl::Milliseconds(10));
  } while (absl::Now() < until);
  return lines;
}

TEST_F(WatchTest, InternalErrorReachesTheClientOnlyAsTheRequestId) {
  ASSERT_TRUE(meetings_db()
                  .Transact([](storage::Session& s) -> absl::Status {
                    return s.Execute("DROP TABLE commitment_events").status();
                  })
                  .ok());
  coalition::testing::CapturedLog log;
  auto stream = Watch(a1_.name(), convener_a1_);
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), HasSubstr("internal error; request_id "));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("commitment_events")));
  std::vector<nlohmann::json> access = WatchAccessLines(log, 1);
  ASSERT_EQ(access.size(), 1u);
  EXPECT_EQ(access[0]["code"], "Internal");
  EXPECT_EQ(access[0]["level"], "error");
  EXPECT_THAT(access[0]["error"].get<std::string>(), HasSubstr("commitment_events"));
}

TEST_F(WatchTest, WritesOneAccessLogLineWhenItEnds) {
  // The fixture keeps only errors (each SetUp sets that again); a clean end's line is info.
  telemetry::ConfigureLogging({"meetings-test", telemetry::LogLevel::kInfo});
  coalition::testing::CapturedLog log;
  auto stream = Watch(a1_.name(), convener_a1_);
  CreateCommitment(a1_.name(), alice_.name(), "seen", Day(10));
  ASSERT_EQ(stream->NextKinds(1), std::vector<std::string>{"CREATED seen"});
  EXPECT_THAT(WatchAccessLines(log, 0), IsEmpty());  // not while it lasts
  EXPECT_THAT(stream->Cancel(), HasCode(grpc::StatusCode::CANCELLED));
  std::vector<nlohmann::json> access = WatchAccessLines(log, 1);
  ASSERT_EQ(access.size(), 1u);
  EXPECT_EQ(access[0]["code"], "Canceled");
  EXPECT_TRUE(access[0]["duration_ms"].is_number());
  EXPECT_FALSE(access[0]["request_id"].get<std::string>().empty());
  absl::SleepFor(kQuiet);
  EXPECT_EQ(WatchAccessLines(log, 0).size(), 1u);
}

TEST_F(WatchTest, DeadlineEndsTheStream) {
  v1::WatchCommitmentEventsRequest request;
  request.set_parent(a1_.name());
  EventStream stream(meetings(), Ctx(convener_a1_, absl::Milliseconds(300)), request);
  EXPECT_FALSE(stream.Next().has_value());
  EXPECT_THAT(stream.Finish(), HasCode(grpc::StatusCode::DEADLINE_EXCEEDED));
}

// ---- Bounds: revoked keys, open watches, a watcher that falls behind ----

class WatchBoundsTest : public WatchTest {
 protected:
  void SetUp() override {
    watch_limits_.per_caller = 2;
    watch_limits_.per_process = 3;
    watch_limits_.max_queued_events = 5;
    // Slow polls, so that a burst of writes lands in one poll.
    watch_poll_ = absl::Milliseconds(300);
    WatchTest::SetUp();
  }
};

TEST_F(WatchBoundsTest, RevokedKeyEndsALiveWatchWithUnauthenticated) {
  const mv1::CreateApiKeyResponse key =
      CreateKey(network_a_.name(), coalition::common::v1::ROLE_CONVENER, {a1_.name()});
  auto stream = Watch(a1_.name(), key.secret());
  CreateCommitment(a1_.name(), alice_.name(), "before the revocation", Day(10));
  ASSERT_EQ(stream->NextKinds(1), std::vector<std::string>{"CREATED before the revocation"});

  keys().Revoke(key.secret());
  // Past the recheck interval (and the introspection cache of a real deployment): the 60 s
  // bound of every call.
  clock().Advance(absl::Seconds(61));
  EXPECT_THAT(stream->Finish(), HasCode(grpc::StatusCode::UNAUTHENTICATED));
}

TEST_F(WatchBoundsTest, KeyStillValidKeepsWatchingPastTheRecheck) {
  auto staying = Watch(a1_.name(), convener_a1_);
  clock().Advance(absl::Seconds(61));
  CreateCommitment(a1_.name(), alice_.name(), "still watched", Day(10));
  EXPECT_EQ(staying->NextKinds(1), std::vector<std::string>{"CREATED still watched"});
}

TEST_F(WatchBoundsTest, OpenWatchesAreBoundedPerKeyAndPerProcess) {
  auto first = Watch(a1_.name(), convener_a1_);
  auto second = Watch(a1_.name(), convener_a1_);
  auto third = Watch(a1_.name(), convener_a1_);
  grpc::Status refused = third->Finish();
  EXPECT_THAT(refused, HasCode(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_THAT(refused.error_message(), HasSubstr("this API key"));

  auto other = Watch(a1_.name(), admin_a_);
  auto over = Watch(a1_.name(), service_a_);
  refused = over->Finish();
  EXPECT_THAT(refused, HasCode(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_THAT(refused.error_message(), HasSubstr("the server has 3 watches open"));

  // A closed watch gives its slot back.
  EXPECT_THAT(first->Cancel(), HasCode(grpc::StatusCode::CANCELLED));
  absl::SleepFor(absl::Milliseconds(100));
  auto again = Watch(a1_.name(), convener_a1_);
  CreateCommitment(a1_.name(), alice_.name(), "seen again", Day(10));
  EXPECT_EQ(again->NextKinds(1), std::vector<std::string>{"CREATED seen again"});
}

TEST_F(WatchBoundsTest, WatcherThatFallsTooFarBehindIsEndedWithResourceExhausted) {
  auto stream = Watch(a1_.name(), convener_a1_);
  for (int i = 0; i < 30; ++i) CreateCommitment(a1_.name(), bob_.name(), "burst", Day(10));
  stream->EventsWithin(absl::Seconds(1));
  grpc::Status status = stream->Finish();
  EXPECT_THAT(status, HasCode(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_THAT(status.error_message(), HasSubstr("fell more than 5 events behind"));
}

// ---- Gauges ----

// The unlabelled gauge `name` as a scrape reads it; nullopt when it is not registered.
std::optional<double> GaugeValue(const prometheus::Registry& registry, const std::string& name) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      if (metric.label.empty()) return metric.gauge.value;
    }
  }
  return std::nullopt;
}

TEST_F(WatchTest, GaugesCountOpenAndOverdueCommitments) {
  ASSERT_TRUE(background().RefreshGauges().ok());
  EXPECT_EQ(GaugeValue(registry(), "coalition_commitments_open"), 0.0);
  EXPECT_EQ(GaugeValue(registry(), "coalition_commitments_overdue"), 0.0);

  const mv1::Person eve = CreateMemberPerson(a2_.name(), "Eve Park");
  CreateCommitment(a1_.name(), alice_.name(), "a1 tomorrow", Day(1));
  CreateCommitment(a1_.name(), bob_.name(), "a1 in two days", Day(2));
  CreateCommitment(a1_.name(), bob_.name(), "a1 in ten days", Day(10));
  CreateCommitment(a2_.name(), eve.name(), "a2 tomorrow", Day(1), {}, convener_a2_);
  CreateCommitment(b1_.name(), dana_b_.name(), "b1 tomorrow", Day(1), {}, admin_b_);
  SetStatus(CreateCommitment(a1_.name(), alice_.name(), "done", Day(1)), v1::Commitment::DONE);
  SetStatus(CreateCommitment(a1_.name(), alice_.name(), "missed", Day(1)), v1::Commitment::MISSED,
            "no time");
  ASSERT_TRUE(background().RefreshGauges().ok());
  EXPECT_EQ(GaugeValue(registry(), "coalition_commitments_open"), 5.0);
  EXPECT_EQ(GaugeValue(registry(), "coalition_commitments_overdue"), 0.0);

  clock().Advance(2 * kDay);
  ASSERT_TRUE(background().RefreshGauges().ok());
  EXPECT_EQ(GaugeValue(registry(), "coalition_commitments_open"), 5.0);
  EXPECT_EQ(GaugeValue(registry(), "coalition_commitments_overdue"), 3.0);
}

TEST_F(WatchTest, NoMetricLabelCarriesAPerson) {
  CreateCommitment(a1_.name(), alice_.name(), "a1 tomorrow", Day(1));
  clock().Advance(3 * kDay);
  ASSERT_TRUE(background().RefreshGauges().ok());
  std::vector<std::string> commitment_families;
  for (const prometheus::MetricFamily& family : registry().Collect()) {
    if (family.name.rfind("coalition_commitments_", 0) == 0) {
      commitment_families.push_back(family.name);
      for (const prometheus::ClientMetric& metric : family.metric) {
        EXPECT_THAT(metric.label, IsEmpty()) << family.name;
      }
    }
    for (const prometheus::ClientMetric& metric : family.metric) {
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        EXPECT_THAT(label.value, Not(HasSubstr("/people/"))) << family.name;
        EXPECT_THAT(label.value, Not(HasSubstr(alice_.name()))) << family.name;
      }
    }
  }
  EXPECT_THAT(commitment_families,
              UnorderedElementsAre("coalition_commitments_open", "coalition_commitments_overdue"));
}

}  // namespace
}  // namespace coalition::meetings::testing
