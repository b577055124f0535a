// Where the Redis cache pays in the membership service: per-call latency of its reads over a
// real gRPC channel, without a cache (baseline) and with Redis, on the same SQLite data.
// Prints microseconds per call and the ratio with Redis / without. Not a test: run it by hand
// (`./build/bench/membership_bench [calls]`); it starts its own redis-server.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <grpcpp/create_channel.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "libs/cache/cache.h"
#include "libs/core/clock.h"
#include "libs/server/grpc_server.h"
#include "libs/storage/database.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/temp_dir.h"
#include "services/membership/api_keys.h"
#include "services/membership/membership_service.h"
#include "services/membership/repository.h"

namespace {

namespace v1 = ::coalition::membership::v1;
using coalition::membership::MembershipService;

constexpr int kMembers = 400;

void Check(const grpc::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s failed: %s\n", what, status.error_message().c_str());
    std::exit(1);
  }
}

// One service over `db` with `cache`, on a free port.
struct Deployment {
  std::unique_ptr<MembershipService> service;
  std::unique_ptr<coalition::server::GrpcServer> server;
  std::unique_ptr<v1::MembershipService::Stub> stub;
};

Deployment Start(coalition::storage::Database& db, coalition::cache::Cache& cache) {
  Deployment d;
  d.service = std::make_unique<MembershipService>(
      db, cache, *coalition::SystemClock::Get(),
      std::make_unique<coalition::membership::StoreAuthenticator>(db,
                                                                  *coalition::SystemClock::Get()),
      "bench-secret");
  auto server = coalition::server::GrpcServer::Start({}, {d.service.get()});
  if (!server.ok()) std::exit(1);
  d.server = std::move(*server);
  d.stub = v1::MembershipService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", d.server->port()), grpc::InsecureChannelCredentials()));
  return d;
}

std::string key;
std::unique_ptr<grpc::ClientContext> Ctx() {
  auto c = std::make_unique<grpc::ClientContext>();
  c->AddMetadata("authorization", "Bearer " + key);
  return c;
}

// A coalition with kMembers members and a map of 30 actors; returns (coalition, a person).
std::pair<std::string, std::string> Load(v1::MembershipService::Stub& stub) {
  v1::CreateNetworkRequest n;
  n.mutable_network()->set_display_name("Bench network");
  n.mutable_network()->add_states("VA");
  v1::Network network;
  Check(stub.CreateNetwork(Ctx().get(), n, &network), "CreateNetwork");
  v1::CreateCoalitionRequest c;
  c.set_parent(network.name());
  c.mutable_coalition()->set_display_name("Bench coalition");
  c.mutable_coalition()->set_state("VA");
  v1::Coalition coalition;
  Check(stub.CreateCoalition(Ctx().get(), c, &coalition), "CreateCoalition");
  auto context = Ctx();
  v1::ImportRosterResponse imported;
  auto writer = stub.ImportRoster(context.get(), &imported);
  v1::ImportRosterRequest rows;
  rows.set_parent(coalition.name());
  for (int i = 0; i < kMembers; ++i) {
    auto* row = rows.add_rows();
    row->set_display_name(absl::StrCat("Member ", i));
    row->set_email(absl::StrCat("member.", i, "@example.org"));
    row->set_stakeholder_type(v1::HOSPITALS);
    row->set_role(i == 0 ? v1::CONVENER : v1::MEMBER);
  }
  writer->Write(rows);
  writer->WritesDone();
  Check(writer->Finish(), "ImportRoster");
  for (int i = 0; i < 30; ++i) {
    v1::CreateActorRequest a;
    a.set_parent(coalition.name());
    a.mutable_actor()->set_display_name(absl::StrCat("Actor ", i));
    a.mutable_actor()->set_category(static_cast<v1::ActorCategory>(1 + i % 5));
    v1::Actor actor;
    Check(stub.CreateActor(Ctx().get(), a, &actor), "CreateActor");
  }
  v1::ListPeopleRequest p;
  p.set_parent(network.name());
  p.set_page_size(1);
  v1::ListPeopleResponse people;
  Check(stub.ListPeople(Ctx().get(), p, &people), "ListPeople");
  return {coalition.name(), people.people(0).name()};
}

template <typename Call>
double MicrosPerCall(int calls, Call call) {
  for (int i = 0; i < calls / 10; ++i) call();  // warm up (and fill the cache)
  const absl::Time start = absl::Now();
  for (int i = 0; i < calls; ++i) call();
  return absl::ToDoubleMicroseconds(absl::Now() - start) / calls;
}

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::atoi(argv[1]) : 2000;
  auto dir = coalition::testing::TempDir::Create("membership-bench");
  auto redis = coalition::testing::RedisServer::Start();
  if (!dir.ok() || !redis.ok()) {
    std::fprintf(stderr, "cannot start: %s\n", redis.status().ToString().c_str());
    return 1;
  }
  auto db = coalition::storage::OpenDatabase(absl::StrCat("sqlite:", dir->path(), "/m.db"));
  if (!db.ok() || !(*db)->Migrate("membership", coalition::membership::MembershipMigrations()).ok())
    return 1;
  key = *coalition::membership::CreatePlatformAdminKey(**db, *coalition::SystemClock::Get(), "b");

  auto none = coalition::cache::NewPassThroughCache();
  coalition::cache::RedisOptions options;
  options.port = (*redis)->port();
  options.key_prefix = "bench:";
  auto with_redis = coalition::cache::NewRedisCache(options);
  Deployment baseline = Start(**db, *none);
  Deployment cached = Start(**db, *with_redis);
  const auto [coalition, person] = Load(*baseline.stub);

  struct Row {
    const char* rpc;
    std::function<void(v1::MembershipService::Stub&)> call;
  };
  const Row rows[] = {
      {"GetCoalition (SQLite point read, never cached)",
       [&](auto& stub) {
         v1::GetCoalitionRequest r;
         r.set_name(coalition);
         v1::Coalition out;
         Check(stub.GetCoalition(Ctx().get(), r, &out), "GetCoalition");
       }},
      {"ListEligibleMembers (400-member roster)",
       [&](auto& stub) {
         v1::ListEligibleMembersRequest r;
         r.set_coalition(coalition);
         v1::ListEligibleMembersResponse out;
         Check(stub.ListEligibleMembers(Ctx().get(), r, &out), "ListEligibleMembers");
       }},
      {"CheckMembership (indexed point read, never cached)",
       [&](auto& stub) {
         v1::CheckMembershipRequest r;
         r.set_coalition(coalition);
         r.set_person(person);
         v1::CheckMembershipResponse out;
         Check(stub.CheckMembership(Ctx().get(), r, &out), "CheckMembership");
       }},
      {"CountActorsByCategory (30 actors)",
       [&](auto& stub) {
         v1::CountActorsByCategoryRequest r;
         r.set_parent(coalition);
         v1::CountActorsByCategoryResponse out;
         Check(stub.CountActorsByCategory(Ctx().get(), r, &out), "CountActorsByCategory");
       }},
  };
  std::printf("%-50s %14s %14s %8s\n", "call", "no cache (us)", "redis (us)", "ratio");
  for (const Row& row : rows) {
    const double base = MicrosPerCall(calls, [&] { row.call(*baseline.stub); });
    const double redis_us = MicrosPerCall(calls, [&] { row.call(*cached.stub); });
    std::printf("%-50s %14.1f %14.1f %8.2f\n", row.rpc, base, redis_us, redis_us / base);
  }
  baseline.server->Shutdown(absl::Seconds(1));
  cached.server->Shutdown(absl::Seconds(1));
  return 0;
}
