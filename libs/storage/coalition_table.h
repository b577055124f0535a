#ifndef COALITION_LIBS_STORAGE_COALITION_TABLE_H_
#define COALITION_LIBS_STORAGE_COALITION_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "libs/core/etag.h"
#include "libs/core/proto_body.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/storage/database.h"

// How the services store a resource: one row per resource in a table keyed (network_id,
// coalition_id, id) for what lives under a coalition, or (network_id, id) for what lives
// directly under a network, with a revision for optimistic concurrency and the
// resource itself as its encoded proto body. A table may add columns of its own, derived from
// the resource, to filter and order on. Keyset pages order by a unique column: the id, or a
// column whose value ends with the id (for example "<due day>/<id>").
namespace coalition::storage {

template <typename T>
struct Stored {
  T resource;
  int64_t revision = 0;
};

template <typename T>
struct Page {
  std::vector<T> items;
  std::string last_key;  // empty when no page follows
};

struct ListQuery {
  std::string after_key;  // the last_key of the previous page; "" for the first
  int page_size = 50;
  bool descending = false;  // newest first, for columns that grow with time
};

using Columns = std::vector<std::pair<std::string, Value>>;

template <typename T>
absl::StatusOr<T> DecodeResource(const std::string& body) {
  T resource;
  RETURN_IF_ERROR(DecodeBody(body, &resource));
  return resource;
}

// Rows are (revision, body, ...); the etag is derived from the name and revision.
template <typename T>
absl::StatusOr<Stored<T>> DecodeStored(const Row& row) {
  ASSIGN_OR_RETURN(T resource, DecodeResource<T>(row.Text(1)));
  const int64_t revision = row.Int(0);
  resource.set_etag(EtagFor(resource.name(), revision));
  return Stored<T>{std::move(resource), revision};
}

template <typename T>
absl::StatusOr<std::optional<Stored<T>>> FirstStored(const std::vector<Row>& rows) {
  if (rows.empty()) return std::optional<Stored<T>>();
  ASSIGN_OR_RETURN(Stored<T> stored, DecodeStored<T>(rows[0]));
  return std::optional<Stored<T>>(std::move(stored));
}

template <typename T>
absl::StatusOr<std::vector<T>> DecodeAll(const std::vector<Row>& rows) {
  std::vector<T> out;
  out.reserve(rows.size());
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(Stored<T> stored, DecodeStored<T>(row));
    out.push_back(std::move(stored.resource));
  }
  return out;
}

// Keyset pages: rows are (revision, body, key) in key order, one row past the page telling
// whether another page follows.
template <typename T>
absl::StatusOr<Page<T>> ToPage(const std::vector<Row>& rows, int page_size) {
  Page<T> page;
  for (size_t i = 0; i < rows.size() && static_cast<int>(i) < page_size; ++i) {
    ASSIGN_OR_RETURN(Stored<T> stored, DecodeStored<T>(rows[i]));
    page.items.push_back(std::move(stored.resource));
  }
  if (static_cast<int>(rows.size()) > page_size) page.last_key = rows[page_size - 1].Text(2);
  return page;
}

// The body without its etag: the etag is computed on read, never stored.
template <typename T>
std::string StoredBody(const T& resource) {
  T copy = resource;
  copy.clear_etag();
  return EncodeBody(copy);
}

// An UPDATE guarded by the revision read earlier changed nothing: someone else wrote first.
inline absl::Status ExpectOneRow(absl::StatusOr<int64_t> changed, absl::string_view what) {
  if (!changed.ok()) return changed.status();
  if (*changed != 1) {
    return absl::AbortedError(absl::StrCat(what, " changed during the update; retry"));
  }
  return absl::OkStatus();
}

namespace internal {

// The statements of a table whose rows are keyed by `key` (leading (column, value) pairs,
// network_id first) and an id. CoalitionTable and NetworkTable below are its two shapes.
template <typename Traits>
class KeyedTable {
 public:
  using T = typename Traits::Resource;

  static absl::Status Insert(Session& s, const Columns& key, const std::string& id,
                             const T& resource) {
    std::vector<std::string> columns;
    std::vector<Value> params;
    for (const auto& [column, value] : key) {
      columns.push_back(column);
      params.push_back(value);
    }
    columns.insert(columns.end(), {"id", "revision", "body"});
    params.insert(params.end(), {id, int64_t{1}, StoredBody(resource)});
    for (auto& [column, value] : Traits::Columns(resource, id)) {
      columns.push_back(column);
      params.push_back(value);
    }
    std::string placeholders = "?";
    for (size_t i = 1; i < columns.size(); ++i) placeholders += ", ?";
    return s
        .Execute(absl::StrCat("INSERT INTO ", Traits::kTable, " (", absl::StrJoin(columns, ", "),
                              ") VALUES (", placeholders, ")"),
                 params)
        .status();
  }

  static absl::StatusOr<std::optional<Stored<T>>> Get(Session& s, const Columns& key,
                                                      const std::string& id) {
    std::vector<Value> params;
    const std::string where = WhereKey(key, id, &params);
    ASSIGN_OR_RETURN(auto rows, s.Query(absl::StrCat("SELECT revision, body FROM ", Traits::kTable,
                                                     " WHERE ", where),
                                        params));
    return FirstStored<T>(rows);
  }

  static absl::StatusOr<T> Update(Session& s, const Columns& key, const std::string& id,
                                  const T& resource, int64_t revision) {
    std::string sets = "revision = revision + 1, body = ?";
    std::vector<Value> params = {StoredBody(resource)};
    for (auto& [column, value] : Traits::Columns(resource, id)) {
      absl::StrAppend(&sets, ", ", column, " = ?");
      params.push_back(value);
    }
    const std::string where = WhereKey(key, id, &params);
    params.push_back(revision);
    RETURN_IF_ERROR(ExpectOneRow(s.Execute(absl::StrCat("UPDATE ", Traits::kTable, " SET ", sets,
                                                        " WHERE ", where, " AND revision = ?"),
                                           params),
                                 resource.GetDescriptor()->name()));
    T updated = resource;
    updated.set_etag(EtagFor(updated.name(), revision + 1));
    return updated;
  }

  static absl::Status Delete(Session& s, const Columns& key, const std::string& id) {
    std::vector<Value> params;
    const std::string where = WhereKey(key, id, &params);
    return s.Execute(absl::StrCat("DELETE FROM ", Traits::kTable, " WHERE ", where), params)
        .status();
  }

  static absl::StatusOr<Page<T>> List(Session& s, const Columns& key, const Columns& filters,
                                      const ListQuery& q) {
    const std::string order = Traits::kOrderColumn;
    std::vector<Value> params;
    std::string sql = absl::StrCat("SELECT revision, body, ", order, " FROM ", Traits::kTable,
                                   " WHERE ", WhereKey(key, "", &params));
    if (!q.after_key.empty() || !q.descending) {
      absl::StrAppend(&sql, " AND ", order, q.descending ? " < ?" : " > ?");
      params.push_back(q.after_key);
    }
    AppendFilters(filters, &sql, &params);
    absl::StrAppend(&sql, " ORDER BY ", order, q.descending ? " DESC" : "", " LIMIT ?");
    params.push_back(int64_t{q.page_size + 1});
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    return ToPage<T>(rows, q.page_size);
  }

  static absl::StatusOr<std::vector<T>> All(Session& s, const Columns& key,
                                            const Columns& filters) {
    std::vector<Value> params;
    std::string sql = absl::StrCat("SELECT revision, body FROM ", Traits::kTable, " WHERE ",
                                   WhereKey(key, "", &params));
    AppendFilters(filters, &sql, &params);
    absl::StrAppend(&sql, " ORDER BY ", Traits::kOrderColumn);
    ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
    return DecodeAll<T>(rows);
  }

 private:
  // "a = ? AND b = ?[ AND id = ?]" for the key (and the id, when given).
  static std::string WhereKey(const Columns& key, const std::string& id,
                              std::vector<Value>* params) {
    std::string where;
    for (const auto& [column, value] : key) {
      absl::StrAppend(&where, where.empty() ? "" : " AND ", column, " = ?");
      params->push_back(value);
    }
    if (!id.empty()) {
      absl::StrAppend(&where, " AND id = ?");
      params->push_back(id);
    }
    return where;
  }

  static void AppendFilters(const Columns& filters, std::string* sql, std::vector<Value>* params) {
    for (const auto& [column, value] : filters) {
      absl::StrAppend(sql, " AND ", column, " = ?");
      params->push_back(value);
    }
  }
};

}  // namespace internal

// The statements of one table of resources under a coalition, keyed (network_id, coalition_id,
// id). `Traits` says:
//   using Resource = ...;                        the proto message stored
//   static constexpr const char* kTable;        the table
//   static constexpr const char* kCollection;   the collection in resource names, e.g. "teams"
//   static constexpr const char* kOrderColumn;  "id", or a unique column listed in Columns()
//   static Columns Columns(const Resource&, const std::string& id);  the extra columns
template <typename Traits>
class CoalitionTable {
 public:
  using T = typename Traits::Resource;
  static constexpr const char* kCollection = Traits::kCollection;

  static absl::Status Insert(Session& s, const std::string& network, const std::string& coalition,
                             const std::string& id, const T& resource) {
    return Rows::Insert(s, Key(network, coalition), id, resource);
  }

  static absl::StatusOr<std::optional<Stored<T>>> Get(Session& s, const std::string& network,
                                                      const std::string& coalition,
                                                      const std::string& id) {
    return Rows::Get(s, Key(network, coalition), id);
  }

  // The resource stored under its full name (networks/{n}/coalitions/{c}/{kCollection}/{id});
  // nullopt for a name of another shape, as for one that is not there.
  static absl::StatusOr<std::optional<Stored<T>>> GetNamed(Session& s, absl::string_view name) {
    absl::StatusOr<CoalitionChildName> parsed =
        ParseCoalitionChild(Traits::kCollection, name, "name");
    if (!parsed.ok()) return std::optional<Stored<T>>();
    return Get(s, parsed->network, parsed->coalition, parsed->id);
  }

  // Writes `resource` over the row at `revision` and returns it with its new etag; ABORTED when
  // the row is no longer at `revision`.
  static absl::StatusOr<T> Update(Session& s, const std::string& network,
                                  const std::string& coalition, const std::string& id,
                                  const T& resource, int64_t revision) {
    return Rows::Update(s, Key(network, coalition), id, resource, revision);
  }

  static absl::Status Delete(Session& s, const std::string& network, const std::string& coalition,
                             const std::string& id) {
    return Rows::Delete(s, Key(network, coalition), id);
  }

  // A page in kOrderColumn order. `filters` are (column, value) pairs from the code, never
  // from the client; an empty `coalition` lists across the network.
  static absl::StatusOr<Page<T>> List(Session& s, const std::string& network,
                                      const std::string& coalition, const Columns& filters,
                                      const ListQuery& q) {
    Columns key = {{"network_id", network}};
    if (!coalition.empty()) key.emplace_back("coalition_id", coalition);
    return Rows::List(s, key, filters, q);
  }

  // Every row of the coalition matching `filters`, in kOrderColumn order. For sets bounded by
  // the size of one coalition (rosters, a year of meetings).
  static absl::StatusOr<std::vector<T>> All(Session& s, const std::string& network,
                                            const std::string& coalition,
                                            const Columns& filters = {}) {
    return Rows::All(s, Key(network, coalition), filters);
  }

 private:
  using Rows = internal::KeyedTable<Traits>;
  static Columns Key(const std::string& network, const std::string& coalition) {
    return {{"network_id", network}, {"coalition_id", coalition}};
  }
};

// The statements of one table of resources directly under a network (coalitions, people,
// organizations), keyed (network_id, id); `Traits` as for CoalitionTable.
template <typename Traits>
class NetworkTable {
 public:
  using T = typename Traits::Resource;
  static constexpr const char* kCollection = Traits::kCollection;

  static absl::Status Insert(Session& s, const std::string& network, const std::string& id,
                             const T& resource) {
    return Rows::Insert(s, Key(network), id, resource);
  }

  static absl::StatusOr<std::optional<Stored<T>>> Get(Session& s, const std::string& network,
                                                      const std::string& id) {
    return Rows::Get(s, Key(network), id);
  }

  // The resource stored under its full name (networks/{n}/{kCollection}/{id}); nullopt for a
  // name of another shape, as for one that is not there.
  static absl::StatusOr<std::optional<Stored<T>>> GetNamed(Session& s, absl::string_view name) {
    absl::StatusOr<NetworkChildName> parsed = ParseNetworkChild(Traits::kCollection, name, "name");
    if (!parsed.ok()) return std::optional<Stored<T>>();
    return Get(s, parsed->network, parsed->id);
  }

  // Writes `resource` over the row at `revision` and returns it with its new etag; ABORTED when
  // the row is no longer at `revision`.
  static absl::StatusOr<T> Update(Session& s, const std::string& network, const std::string& id,
                                  const T& resource, int64_t revision) {
    return Rows::Update(s, Key(network), id, resource, revision);
  }

  static absl::Status Delete(Session& s, const std::string& network, const std::string& id) {
    return Rows::Delete(s, Key(network), id);
  }

  // A page in kOrderColumn order; `filters` as for CoalitionTable::List.
  static absl::StatusOr<Page<T>> List(Session& s, const std::string& network,
                                      const Columns& filters, const ListQuery& q) {
    return Rows::List(s, Key(network), filters, q);
  }

 private:
  using Rows = internal::KeyedTable<Traits>;
  static Columns Key(const std::string& network) { return {{"network_id", network}}; }
};

}  // namespace coalition::storage

#endif  // COALITION_LIBS_STORAGE_COALITION_TABLE_H_
