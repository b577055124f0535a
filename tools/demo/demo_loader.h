#ifndef COALITION_TOOLS_DEMO_DEMO_LOADER_H_
#define COALITION_TOOLS_DEMO_DEMO_LOADER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "tools/demo/demo_network.h"
#include "tools/demo/membership_client.h"

namespace coalition::demo {

// How many resources of each kind a run created and how many it found already there.
class LoadSummary {
 public:
  void Record(absl::string_view kind, bool created) { Add(kind, created ? 1 : 0, created ? 0 : 1); }
  void Add(absl::string_view kind, int created, int unchanged);
  int total_created() const;
  // One line per kind, in the order they were loaded.
  std::string ToString() const;

 private:
  struct Counts {
    std::string kind;
    int created = 0;
    int unchanged = 0;
  };
  std::vector<Counts> kinds_;
};

// The resource names a load gave the DemoNetwork's items, by the items' indexes. Roster-only
// people have none: the import creates them and the loader never refers to them again.
struct NetworkNames {
  std::string network;
  std::vector<std::string> organizations;
  std::vector<std::string> people;
  std::vector<std::string> coalitions;
  // Per coalition, by index in DemoCoalition::aims, ::actors and ::teams.
  std::vector<std::vector<std::string>> aims;
  std::vector<std::vector<std::string>> actors;
  std::vector<std::vector<std::string>> teams;
};

// "demo-7-coalition-3-actor-2": the request id of a demo item, from the seed and the item.
std::string DemoRequestId(uint32_t seed, absl::string_view item);
std::string CoalitionRequestId(uint32_t seed, int coalition, absl::string_view item, int number);

// Whether a resource that a create returned was made at or after `run_start` rather than by an
// earlier run; the loader and the server are assumed to share a clock (the demo runs them side
// by side).
bool CreatedSince(const google::protobuf::Timestamp& create_time, absl::Time run_start);

// A key the run asked for. The secret is only returned when the key is created, so it is empty
// when an earlier run made the key.
struct IssuedApiKey {
  v1::ApiKey api_key;
  std::string secret;
};

// Sends a DemoNetwork to the membership service through its public API, idempotently: each
// create carries a request id made from the seed and the item ("demo-7-coalition-3-actor-2"),
// so a re-run gets the first results back; rosters are matched by email; departures, rejoins
// and category changes are made only when the membership or actor does not show them yet.
class DemoLoader {
 public:
  DemoLoader(MembershipClient& client, const DemoNetwork& demo, uint32_t seed);

  absl::Status Load();

  const std::string& network_name() const { return names_.network; }
  const NetworkNames& names() const { return names_; }
  const LoadSummary& summary() const { return summary_; }
  const std::vector<IssuedApiKey>& api_keys() const { return api_keys_; }

 private:
  absl::Status LoadNetwork();
  absl::Status LoadOrganizations();
  absl::Status LoadPeople();
  absl::Status LoadCoalition(int c);
  absl::Status CreateCoalition(int c);
  absl::Status LoadAims(int c);
  absl::Status ImportRoster(int c);
  absl::Status LoadOrganizationMemberships(int c);
  absl::Status RecordTurnover(int c);
  absl::Status LoadActors(int c);
  absl::Status MoveActor(const v1::Actor& actor, v1::ActorCategory category);
  absl::Status LoadSnowflake(int c);
  absl::Status LoadApiKeys();

  // The coalition's memberships keyed by member (a person or organization resource name).
  absl::StatusOr<std::map<std::string, v1::Membership>> MembershipsByMember(int c);

  std::string RequestId(absl::string_view item) const { return DemoRequestId(seed_, item); }
  std::string CoalitionRequestId(int c, absl::string_view item, int number) const {
    return demo::CoalitionRequestId(seed_, c, item, number);
  }
  bool IsNew(const google::protobuf::Timestamp& create_time) const {
    return CreatedSince(create_time, run_start_);
  }

  MembershipClient& client_;
  const DemoNetwork& demo_;
  const uint32_t seed_;
  const absl::Time run_start_;
  LoadSummary summary_;
  std::vector<IssuedApiKey> api_keys_;

  NetworkNames names_;
};

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_DEMO_LOADER_H_
