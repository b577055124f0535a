#include "services/membership/repository.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/etag.h"
#include "libs/core/proto_body.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
#include "services/membership/domain/validation.h"

namespace coalition::membership {
namespace {

using storage::DecodeStored;
using storage::ExpectOneRow;
using storage::FirstStored;
using storage::StoredBody;
using storage::ToPage;

using storage::Null;
using storage::Row;
using storage::Value;

// Every table leads with network_id, so a network can move to its own database or shard.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE networks (
  network_id TEXT NOT NULL PRIMARY KEY,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL
);
CREATE TABLE api_keys (
  network_id TEXT NOT NULL,
  id TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  person TEXT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, id)
);
CREATE TABLE coalitions (
  network_id TEXT NOT NULL,
  id TEXT NOT NULL,
  state_code TEXT NOT NULL,
  region TEXT NOT NULL,
  status BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, id)
);
CREATE TABLE aims (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  id TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, id)
);
CREATE TABLE people (
  network_id TEXT NOT NULL,
  id TEXT NOT NULL,
  email_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  stakeholder_type BIGINT NOT NULL,
  organization_id TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, id)
);
CREATE UNIQUE INDEX people_email ON people (network_id, email_key) WHERE email_key <> '';
CREATE TABLE organizations (
  network_id TEXT NOT NULL,
  id TEXT NOT NULL,
  name_key TEXT NOT NULL,
  stakeholder_type BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, id)
);
CREATE INDEX organizations_name ON organizations (network_id, name_key);
CREATE TABLE memberships (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  id TEXT NOT NULL,
  member TEXT NOT NULL,
  state BIGINT NOT NULL,
  role BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, id),
  UNIQUE (network_id, coalition_id, member)
);
CREATE INDEX memberships_member ON memberships (network_id, member);
CREATE TABLE actors (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  id TEXT NOT NULL,
  category BIGINT NOT NULL,
  subject TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, id)
);
CREATE INDEX actors_subject ON actors (network_id, subject);
CREATE TABLE actor_revisions (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, actor_id, revision)
);
CREATE TABLE teams (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  id TEXT NOT NULL,
  parent_team TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, id)
)
)sql";

template <typename T>
absl::StatusOr<T> Decode(const std::string& body) {
  return storage::DecodeResource<T>(body);
}

std::string LikeContains(absl::string_view text) {
  std::string pattern = "%";
  for (char c : FoldCase(text)) {
    if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
    pattern.push_back(c);
  }
  pattern.push_back('%');
  return pattern;
}

}  // namespace

storage::Columns CoalitionTraits::Columns(const v1::Coalition& c, const std::string&) {
  return {{"state_code", c.state()}, {"region", c.region()}, {"status", int64_t{c.status()}}};
}

storage::Columns PersonTraits::Columns(const v1::Person& p, const std::string&) {
  // Keys folded as the searches and the uniqueness of emails compare them.
  return {{"email_key", NormalizeEmail(p.email())},
          {"name_key", FoldCase(p.display_name())},
          {"stakeholder_type", int64_t{p.stakeholder_type()}},
          {"organization_id", p.organization()}};
}

storage::Columns OrganizationTraits::Columns(const v1::Organization& o, const std::string&) {
  return {{"name_key", FoldCase(o.display_name())},
          {"stakeholder_type", int64_t{o.stakeholder_type()}}};
}

storage::Columns ActorTraits::Columns(const v1::Actor& a, const std::string&) {
  // The person or organization the actor is, so deleting them can see the map refers to them.
  return {{"category", int64_t{a.category()}},
          {"subject", a.person().empty() ? a.organization() : a.person()}};
}

storage::Columns TeamTraits::Columns(const v1::Team& t, const std::string&) {
  return {{"parent_team", t.parent_team()}};
}

storage::Columns MembershipTraits::Columns(const v1::Membership& m, const std::string&) {
  return {{"member", m.member()}, {"state", int64_t{m.state()}}, {"role", int64_t{m.role()}}};
}

const std::vector<storage::Migration>& MembershipMigrations() {
  static const auto* const kMigrations = new std::vector<storage::Migration>{
      {1, "networks, keys, coalitions, aims, people, organizations, memberships, actors, teams",
       kSchemaV1},
  };
  return *kMigrations;
}

absl::Status MembershipRepository::InsertNetwork(Session& s, const std::string& id,
                                                 const v1::Network& network) {
  return s
      .Execute("INSERT INTO networks (network_id, revision, body) VALUES (?, 1, ?)",
               {id, StoredBody(network)})
      .status();
}

absl::StatusOr<std::optional<Stored<v1::Network>>> MembershipRepository::GetNetwork(
    Session& s, const std::string& id) {
  ASSIGN_OR_RETURN(auto rows,
                   s.Query("SELECT revision, body FROM networks WHERE network_id = ?", {id}));
  return FirstStored<v1::Network>(rows);
}

absl::StatusOr<std::optional<Stored<v1::Network>>> MembershipRepository::GetNamedNetwork(
    Session& s, absl::string_view name) {
  absl::StatusOr<NetworkName> parsed = ParseNetworkName(name, "name");
  if (!parsed.ok()) return std::optional<Stored<v1::Network>>();
  return GetNetwork(s, parsed->network);
}

absl::StatusOr<v1::Network> MembershipRepository::UpdateNetwork(Session& s, const std::string& id,
                                                                const v1::Network& network,
                                                                int64_t revision) {
  RETURN_IF_ERROR(ExpectOneRow(s.Execute("UPDATE networks SET revision = revision + 1, body = ? "
                                         "WHERE network_id = ? AND revision = ?",
                                         {StoredBody(network), id, revision}),
                               "the network"));
  v1::Network updated = network;
  updated.set_etag(EtagFor(updated.name(), revision + 1));
  return updated;
}

absl::StatusOr<Page<v1::Network>> MembershipRepository::ListNetworks(
    Session& s, const ListQuery& q, const std::string& only_network) {
  std::string sql = "SELECT revision, body, network_id FROM networks WHERE network_id > ?";
  std::vector<Value> params = {q.after_key};
  if (!only_network.empty()) {
    sql += " AND network_id = ?";
    params.push_back(only_network);
  }
  sql += " ORDER BY network_id LIMIT ?";
  params.push_back(int64_t{q.page_size + 1});
  ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
  return ToPage<v1::Network>(rows, q.page_size);
}

absl::Status MembershipRepository::InsertApiKey(Session& s, const std::string& network,
                                                const std::string& id,
                                                const std::string& secret_hash,
                                                const v1::ApiKey& key) {
  return s
      .Execute(
          "INSERT INTO api_keys (network_id, id, secret_hash, person, body) "
          "VALUES (?, ?, ?, ?, ?)",
          {network, id, secret_hash, key.person(), EncodeBody(key)})
      .status();
}

absl::StatusOr<std::optional<StoredApiKey>> MembershipRepository::FindApiKeyByHash(
    Session& s, const std::string& secret_hash) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT network_id, body FROM api_keys "
                                      "WHERE secret_hash = ?",
                                      {secret_hash}));
  if (rows.empty()) return std::optional<StoredApiKey>();
  ASSIGN_OR_RETURN(v1::ApiKey key, Decode<v1::ApiKey>(rows[0].Text(1)));
  return std::optional<StoredApiKey>(StoredApiKey{std::move(key), rows[0].Text(0)});
}

absl::StatusOr<std::optional<v1::ApiKey>> MembershipRepository::GetApiKey(
    Session& s, const std::string& network, const std::string& id) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT body FROM api_keys WHERE network_id = ? AND id = ?",
                                      {network, id}));
  if (rows.empty()) return std::optional<v1::ApiKey>();
  ASSIGN_OR_RETURN(v1::ApiKey key, Decode<v1::ApiKey>(rows[0].Text(0)));
  return std::optional<v1::ApiKey>(std::move(key));
}

absl::Status MembershipRepository::UpdateApiKey(Session& s, const std::string& network,
                                                const std::string& id, const v1::ApiKey& key) {
  return ExpectOneRow(s.Execute("UPDATE api_keys SET body = ? WHERE network_id = ? AND id = ?",
                                {EncodeBody(key), network, id}),
                      "the API key");
}

absl::StatusOr<Page<v1::ApiKey>> MembershipRepository::ListApiKeys(Session& s,
                                                                   const std::string& network,
                                                                   const ListQuery& q) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 0, body, id FROM api_keys "
                                      "WHERE network_id = ? AND id > ? ORDER BY id LIMIT ?",
                                      {network, q.after_key, int64_t{q.page_size + 1}}));
  Page<v1::ApiKey> page;
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < q.page_size; ++i) {
    ASSIGN_OR_RETURN(v1::ApiKey key, Decode<v1::ApiKey>(rows[i].Text(1)));
    page.items.push_back(std::move(key));
  }
  if (static_cast<int>(rows.size()) > q.page_size) page.last_key = rows[q.page_size - 1].Text(2);
  return page;
}

absl::StatusOr<Page<v1::Coalition>> MembershipRepository::ListCoalitions(
    Session& s, const std::string& network, const v1::ListCoalitionsRequest& filter,
    const std::vector<std::string>* only_ids, const ListQuery& q) {
  std::string sql = "SELECT revision, body, id FROM coalitions WHERE network_id = ? AND id > ?";
  std::vector<Value> params = {network, q.after_key};
  if (!filter.state().empty()) {
    sql += " AND state_code = ?";
    params.push_back(filter.state());
  }
  if (!filter.region().empty()) {
    sql += " AND region = ?";
    params.push_back(filter.region());
  }
  if (filter.status() != v1::COALITION_STATUS_UNSPECIFIED) {
    sql += " AND status = ?";
    params.push_back(int64_t{filter.status()});
  }
  if (only_ids != nullptr) {
    if (only_ids->empty()) return Page<v1::Coalition>();
    sql += " AND id IN (";
    for (size_t i = 0; i < only_ids->size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      params.push_back((*only_ids)[i]);
    }
    sql += ")";
  }
  sql += " ORDER BY id LIMIT ?";
  params.push_back(int64_t{q.page_size + 1});
  ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
  return ToPage<v1::Coalition>(rows, q.page_size);
}

absl::StatusOr<std::optional<Stored<v1::Membership>>> MembershipRepository::FindMembershipOf(
    Session& s, const std::string& network, const std::string& coalition,
    const std::string& member) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT revision, body FROM memberships "
                                      "WHERE network_id = ? AND coalition_id = ? AND member = ?",
                                      {network, coalition, member}));
  return FirstStored<v1::Membership>(rows);
}

absl::StatusOr<std::vector<v1::Membership>> MembershipRepository::MembershipsOfMember(
    Session& s, const std::string& network, const std::string& member) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT revision, body FROM memberships "
                                      "WHERE network_id = ? AND member = ? ORDER BY coalition_id",
                                      {network, member}));
  std::vector<v1::Membership> out;
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(Stored<v1::Membership> stored, DecodeStored<v1::Membership>(row));
    out.push_back(std::move(stored.resource));
  }
  return out;
}

absl::StatusOr<bool> MembershipRepository::MemberHasMemberships(Session& s,
                                                                const std::string& network,
                                                                const std::string& member) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 1 FROM memberships WHERE network_id = ? AND "
                                      "member = ? LIMIT 1",
                                      {network, member}));
  return !rows.empty();
}

absl::StatusOr<std::optional<Stored<v1::Actor>>> MembershipRepository::FindActorBySubject(
    Session& s, const std::string& network, const std::string& coalition,
    const std::string& subject) {
  // actors_subject (network_id, subject) finds the few actors that are this subject.
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT revision, body FROM actors "
                                      "WHERE network_id = ? AND subject = ? AND coalition_id = ? "
                                      "ORDER BY id LIMIT 1",
                                      {network, subject, coalition}));
  return FirstStored<v1::Actor>(rows);
}

absl::Status MembershipRepository::InsertActorRevision(Session& s, const std::string& network,
                                                       const std::string& coalition,
                                                       const std::string& actor,
                                                       const v1::ActorRevision& revision) {
  return s
      .Execute(
          "INSERT INTO actor_revisions (network_id, coalition_id, actor_id, revision, body) "
          "VALUES (?, ?, ?, ?, ?)",
          {network, coalition, actor, revision.revision(), EncodeBody(revision)})
      .status();
}

absl::StatusOr<Page<v1::ActorRevision>> MembershipRepository::ListActorRevisions(
    Session& s, const std::string& network, const std::string& coalition, const std::string& actor,
    const ListQuery& q) {
  int64_t after = 0;
  if (!q.after_key.empty() && !absl::SimpleAtoi(q.after_key, &after)) {
    return InvalidField("page_token", "is not a token this list returned");
  }
  ASSIGN_OR_RETURN(auto rows,
                   s.Query("SELECT revision, body FROM actor_revisions "
                           "WHERE network_id = ? AND coalition_id = ? AND actor_id = ? "
                           "AND revision > ? ORDER BY revision LIMIT ?",
                           {network, coalition, actor, after, int64_t{q.page_size + 1}}));
  Page<v1::ActorRevision> page;
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < q.page_size; ++i) {
    ASSIGN_OR_RETURN(v1::ActorRevision revision, Decode<v1::ActorRevision>(rows[i].Text(1)));
    page.items.push_back(std::move(revision));
  }
  if (static_cast<int>(rows.size()) > q.page_size) {
    page.last_key = absl::StrCat(rows[q.page_size - 1].Int(0));
  }
  return page;
}

absl::StatusOr<std::optional<Stored<v1::Person>>> MembershipRepository::FindPersonByEmail(
    Session& s, const std::string& network, const std::string& email) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT revision, body FROM people "
                                      "WHERE network_id = ? AND email_key = ?",
                                      {network, NormalizeEmail(email)}));
  return FirstStored<v1::Person>(rows);
}

absl::StatusOr<Page<v1::Person>> MembershipRepository::ListPeople(Session& s,
                                                                  const std::string& network,
                                                                  const PeopleFilter& filter,
                                                                  const ListQuery& q) {
  std::string sql = "SELECT revision, body, id FROM people WHERE network_id = ? AND id > ?";
  std::vector<Value> params = {network, q.after_key};
  if (!filter.name_contains.empty()) {
    sql += " AND name_key LIKE ? ESCAPE '\\'";
    params.push_back(LikeContains(filter.name_contains));
  }
  if (!filter.email.empty()) {
    sql += " AND email_key = ?";
    params.push_back(NormalizeEmail(filter.email));
  }
  if (filter.stakeholder_type != v1::STAKEHOLDER_TYPE_UNSPECIFIED) {
    sql += " AND stakeholder_type = ?";
    params.push_back(int64_t{filter.stakeholder_type});
  }
  sql += " ORDER BY id LIMIT ?";
  params.push_back(int64_t{q.page_size + 1});
  ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
  return ToPage<v1::Person>(rows, q.page_size);
}

absl::StatusOr<std::optional<Stored<v1::Organization>>>
MembershipRepository::FindOrganizationByName(Session& s, const std::string& network,
                                             const std::string& display_name) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT revision, body FROM organizations "
                                      "WHERE network_id = ? AND name_key = ? ORDER BY id LIMIT 1",
                                      {network, FoldCase(display_name)}));
  return FirstStored<v1::Organization>(rows);
}

absl::StatusOr<bool> MembershipRepository::OrganizationHasPeople(Session& s,
                                                                 const std::string& network,
                                                                 const std::string& organization) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 1 FROM people WHERE network_id = ? AND "
                                      "organization_id = ? LIMIT 1",
                                      {network, organization}));
  return !rows.empty();
}

absl::StatusOr<bool> MembershipRepository::IsMappedAsActor(Session& s, const std::string& network,
                                                           const std::string& subject) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 1 FROM actors WHERE network_id = ? AND subject = ? "
                                      "LIMIT 1",
                                      {network, subject}));
  return !rows.empty();
}

absl::StatusOr<bool> MembershipRepository::HasKeysActingAs(Session& s, const std::string& network,
                                                           const std::string& person) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT 1 FROM api_keys WHERE network_id = ? AND person = ? "
                                      "LIMIT 1",
                                      {network, person}));
  return !rows.empty();
}

absl::StatusOr<Page<v1::Organization>> MembershipRepository::ListOrganizations(
    Session& s, const std::string& network, const std::string& name_contains,
    v1::StakeholderType type, const ListQuery& q) {
  std::string sql = "SELECT revision, body, id FROM organizations WHERE network_id = ? AND id > ?";
  std::vector<Value> params = {network, q.after_key};
  if (!name_contains.empty()) {
    sql += " AND name_key LIKE ? ESCAPE '\\'";
    params.push_back(LikeContains(name_contains));
  }
  if (type != v1::STAKEHOLDER_TYPE_UNSPECIFIED) {
    sql += " AND stakeholder_type = ?";
    params.push_back(int64_t{type});
  }
  sql += " ORDER BY id LIMIT ?";
  params.push_back(int64_t{q.page_size + 1});
  ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
  return ToPage<v1::Organization>(rows, q.page_size);
}

}  // namespace coalition::membership
