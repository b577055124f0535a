// Where the Redis cache pays in the meetings service: per-call latency over a real gRPC channel
// of calls that need membership's answer (is this person an active member, the coalition's
// norms) and of plain reads and reports, with meetings' membership client uncached (baseline)
// and cached in Redis, on the same SQLite data and the same in-process membership service.
// Prints microseconds per call and the ratio Redis / no cache. Not a test: run it by hand
// (`./build/bench/meetings_bench [calls]`); it starts its own redis-server.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/create_channel.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "coalition/meetings/v1/meetings_service.grpc.pb.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "libs/cache/cache.h"
#include "libs/clients/membership_authenticator.h"
#include "libs/clients/membership_client.h"
#include "libs/clients/peer_call.h"
#include "libs/core/clock.h"
#include "libs/core/proto_time.h"
#include "libs/server/grpc_server.h"
#include "libs/storage/database.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/temp_dir.h"
#include "services/meetings/domain/commitments.h"
#include "services/meetings/meetings_service.h"
#include "services/meetings/repository.h"
#include "services/membership/api_keys.h"
#include "services/membership/membership_service.h"
#include "services/membership/repository.h"

namespace {

namespace mv1 = ::coalition::membership::v1;
namespace v1 = ::coalition::meetings::v1;

constexpr int kMembers = 200;
constexpr int kCommitments = 2000;

void Check(const grpc::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s failed: %s\n", what, status.error_message().c_str());
    std::exit(1);
  }
}

std::string admin_key;
std::unique_ptr<grpc::ClientContext> Ctx() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", "Bearer " + admin_key);
  return c;
}

// A meetings service whose membership client uses `cache`, on a free port.
struct Deployment {
  std::unique_ptr<coalition::clients::MembershipClient> membership;
  std::unique_ptr<coalition::meetings::MeetingsService> service;
  std::unique_ptr<coalition::server::GrpcServer> server;
  std::unique_ptr<v1::MeetingsService::Stub> stub;
};

Deployment Start(coalition::storage::Database& db, coalition::cache::Cache& cache,
                 const std::string& membership_address, const std::string& service_key) {
  Deployment d;
  auto channel =
      coalition::clients::NewPeerChannel(membership_address, grpc::InsecureChannelCredentials());
  d.membership = std::make_unique<coalition::clients::MembershipClient>(
      channel, cache, coalition::clients::MembershipClient::Options{.service_key = service_key});
  d.service = std::make_unique<coalition::meetings::MeetingsService>(
      db, *coalition::SystemClock::Get(),
      coalition::clients::NewMembershipAuthenticator(channel, {.service_key = service_key},
                                                     coalition::SystemClock::Get()),
      *d.membership, "bench-secret", coalition::meetings::MeetingsOptions{});
  auto server = coalition::server::GrpcServer::Start({}, {d.service.get()});
  if (!server.ok()) std::exit(1);
  d.server = std::move(*server);
  d.stub = v1::MeetingsService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", d.server->port()), grpc::InsecureChannelCredentials()));
  return d;
}

// A coalition of kMembers members; returns the coalition and its people.
std::pair<std::string, std::vector<std::string>> LoadMembership(mv1::MembershipService::Stub& m) {
  mv1::CreateNetworkRequest n;
  n.mutable_network()->set_display_name("Bench network");
  n.mutable_network()->add_states("VA");
  mv1::Network network;
  Check(m.CreateNetwork(Ctx().get(), n, &network), "CreateNetwork");
  mv1::CreateCoalitionRequest c;
  c.set_parent(network.name());
  c.mutable_coalition()->set_display_name("Bench coalition");
  c.mutable_coalition()->set_state("VA");
  c.mutable_coalition()->add_default_norms("Start and end on time");
  mv1::Coalition coalition;
  Check(m.CreateCoalition(Ctx().get(), c, &coalition), "CreateCoalition");
  auto context = Ctx();
  mv1::ImportRosterResponse imported;
  auto writer = m.ImportRoster(context.get(), &imported);
  mv1::ImportRosterRequest rows;
  rows.set_parent(coalition.name());
  for (int i = 0; i < kMembers; ++i) {
    auto* row = rows.add_rows();
    row->set_display_name(absl::StrCat("Member ", i));
    row->set_email(absl::StrCat("member.", i, "@example.org"));
    row->set_stakeholder_type(mv1::HOSPITALS);
    row->set_role(mv1::MEMBER);
  }
  writer->Write(rows);
  writer->WritesDone();
  Check(writer->Finish(), "ImportRoster");
  std::vector<std::string> people;
  std::string token;
  do {
    mv1::ListPeopleRequest p;
    p.set_parent(network.name());
    p.set_page_size(500);
    p.set_page_token(token);
    mv1::ListPeopleResponse page;
    Check(m.ListPeople(Ctx().get(), p, &page), "ListPeople");
    for (const auto& person : page.people()) people.push_back(person.name());
    token = page.next_page_token();
  } while (!token.empty());
  return {coalition.name(), people};
}

int request_number = 0;

void CreateCommitment(v1::MeetingsService::Stub& stub, const std::string& coalition,
                      const std::string& person, int due_in_days) {
  v1::CreateCommitmentRequest r;
  r.set_parent(coalition);
  r.set_request_id(absl::StrCat("bench-", ++request_number));
  r.mutable_commitment()->set_person(person);
  r.mutable_commitment()->set_what("Call two clinics about discharge follow-up");
  *r.mutable_commitment()->mutable_due_date() =
      coalition::meetings::ToDate(absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) + due_in_days);
  r.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::MANUAL);
  v1::Commitment out;
  Check(stub.CreateCommitment(Ctx().get(), r, &out), "CreateCommitment");
}

// Microseconds per call of `a` and of `b`, called in turn so that both see the same store as
// it grows (the writes of both land in it).
template <typename Call>
std::pair<double, double> MicrosPerCall(int calls, Call a, Call b) {
  for (int i = 0; i < calls / 10; ++i) {  // warm up (and fill the cache)
    a();
    b();
  }
  absl::Duration total_a, total_b;
  for (int i = 0; i < calls; ++i) {
    absl::Time start = absl::Now();
    a();
    total_a += absl::Now() - start;
    start = absl::Now();
    b();
    total_b += absl::Now() - start;
  }
  return {absl::ToDoubleMicroseconds(total_a) / calls, absl::ToDoubleMicroseconds(total_b) / calls};
}

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::atoi(argv[1]) : 1000;
  auto dir = coalition::testing::TempDir::Create("meetings-bench");
  auto redis = coalition::testing::RedisServer::Start();
  if (!dir.ok() || !redis.ok()) {
    std::fprintf(stderr, "cannot start: %s\n", redis.status().ToString().c_str());
    return 1;
  }
  // Membership, uncached, in-process.
  auto membership_db =
      coalition::storage::OpenDatabase(absl::StrCat("sqlite:", dir->path(), "/membership.db"));
  if (!membership_db.ok() ||
      !(*membership_db)
           ->Migrate("membership", coalition::membership::MembershipMigrations())
           .ok()) {
    return 1;
  }
  auto& clock = *coalition::SystemClock::Get();
  admin_key = *coalition::membership::CreatePlatformAdminKey(**membership_db, clock, "bench");
  const std::string service_key =
      *coalition::membership::CreatePlatformServiceKey(**membership_db, clock, "meetings-bench");
  auto membership_cache = coalition::cache::NewPassThroughCache();
  coalition::membership::MembershipService membership(
      **membership_db, *membership_cache, clock,
      std::make_unique<coalition::membership::StoreAuthenticator>(**membership_db, clock),
      "secret");
  auto membership_server = coalition::server::GrpcServer::Start({}, {&membership});
  if (!membership_server.ok()) return 1;
  const std::string membership_address = absl::StrCat("127.0.0.1:", (*membership_server)->port());
  auto membership_stub = mv1::MembershipService::NewStub(
      grpc::CreateChannel(membership_address, grpc::InsecureChannelCredentials()));
  const auto [coalition, people] = LoadMembership(*membership_stub);

  // Meetings, twice over one store: without a cache and with Redis.
  auto db = coalition::storage::OpenDatabase(absl::StrCat("sqlite:", dir->path(), "/meetings.db"));
  if (!db.ok() || !(*db)->Migrate("meetings", coalition::meetings::MeetingsMigrations()).ok()) {
    return 1;
  }
  auto none = coalition::cache::NewPassThroughCache();
  coalition::cache::RedisOptions options;
  options.port = (*redis)->port();
  options.key_prefix = "bench:";
  auto with_redis = coalition::cache::NewRedisCache(options);
  Deployment baseline = Start(**db, *none, membership_address, service_key);
  Deployment cached = Start(**db, *with_redis, membership_address, service_key);
  for (int i = 0; i < kCommitments; ++i) {
    // Due from 5 days ago to 3 months ahead: a few overdue, most still to come.
    CreateCommitment(*baseline.stub, coalition, people[i % people.size()], i % 95 - 5);
  }

  struct Row {
    const char* rpc;
    std::function<void(v1::MeetingsService::Stub&)> call;
  };
  int next_person = 0;
  const Row rows[] = {
      // The people of one meeting's commitments: a handful, asked about again and again.
      {"CreateCommitment (asks CheckMembership)",
       [&](auto& stub) { CreateCommitment(stub, coalition, people[next_person++ % 8], 14); }},
      {"CreateMeeting (asks GetCoalition, builds check-in)",
       [&](auto& stub) {
         v1::CreateMeetingRequest r;
         r.set_parent(coalition);
         r.mutable_meeting()->set_kind(v1::Meeting::COALITION);
         r.mutable_meeting()->set_display_name("Monthly coalition meeting");
         // Each after the last, so each check-in looks back to the one before.
         *r.mutable_meeting()->mutable_start_time() = coalition::ToProtoTimestamp(
             absl::Now() + absl::Hours(24 * 7) + absl::Minutes(next_person++));
         r.mutable_meeting()->set_place("Library");
         v1::Meeting out;
         Check(stub.CreateMeeting(Ctx().get(), r, &out), "CreateMeeting");
       }},
      {"ListDueSoonCommitments (7 days, page 50)",
       [&](auto& stub) {
         v1::ListDueSoonCommitmentsRequest r;
         r.set_parent(coalition);
         v1::ListCommitmentsResponse out;
         Check(stub.ListDueSoonCommitments(Ctx().get(), r, &out), "ListDueSoonCommitments");
       }},
      {"GetFollowThroughReport (90 days, ~2000 rows)",
       [&](auto& stub) {
         v1::GetFollowThroughReportRequest r;
         r.set_parent(coalition);
         const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
         *r.mutable_window()->mutable_start_date() = coalition::meetings::ToDate(today - 45);
         *r.mutable_window()->mutable_end_date() = coalition::meetings::ToDate(today + 45);
         v1::FollowThroughReport out;
         Check(stub.GetFollowThroughReport(Ctx().get(), r, &out), "GetFollowThroughReport");
       }},
  };
  std::printf("%-52s %14s %14s %8s\n", "call", "no cache (us)", "redis (us)", "ratio");
  for (const Row& row : rows) {
    const int n = row.rpc[0] == 'G' ? calls / 10 : calls;  // the report is slow: fewer calls
    const auto [base, redis_us] =
        MicrosPerCall(n, std::function<void()>([&] { row.call(*baseline.stub); }),
                      std::function<void()>([&] { row.call(*cached.stub); }));
    std::printf("%-52s %14.1f %14.1f %8.2f\n", row.rpc, base, redis_us, redis_us / base);
  }
  baseline.server->Shutdown(absl::Seconds(1));
  cached.server->Shutdown(absl::Seconds(1));
  (*membership_server)->Shutdown(absl::Seconds(1));
  return 0;
}
