#include "libs/cache/cache.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "absl/random/distributions.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "libs/cache/jitter.h"
#include "libs/cache/single_flight.h"
#include "libs/core/status.h"

namespace coalition::cache {
namespace {

thread_local bool anonymous_scope = false;

class PassThroughCache final : public Cache {
 public:
  absl::StatusOr<std::string> GetOrLoad(
      absl::string_view key, absl::Duration ttl,
      absl::FunctionRef<absl::StatusOr<std::string>()> load) override {
    if (AnonymousScope::Active()) return load();
    return flights_.Do(key, load);
  }

  void Invalidate(absl::string_view key) override { flights_.Forget(key); }

 private:
  SingleFlight flights_;
};

}  // namespace

AnonymousScope::AnonymousScope(bool active) : previous_(anonymous_scope) {
  anonymous_scope = previous_ || active;
}

AnonymousScope::~AnonymousScope() { anonymous_scope = previous_; }

bool AnonymousScope::Active() { return anonymous_scope; }

absl::Duration JitteredTtl(absl::Duration ttl, absl::BitGenRef gen) {
  if (ttl <= absl::ZeroDuration()) return ttl;
  const int64_t max_extra_ns = absl::ToInt64Nanoseconds(ttl / 10);
  return ttl +
         absl::Nanoseconds(absl::Uniform(absl::IntervalClosed, gen, int64_t{0}, max_extra_ns));
}

std::unique_ptr<Cache> NewPassThroughCache() { return std::make_unique<PassThroughCache>(); }

absl::StatusOr<RedisOptions> ParseRedisAddress(absl::string_view address, absl::string_view field) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) {
    return InvalidField(field, "must be HOST:PORT, e.g. redis:6379");
  }
  absl::string_view host = address.substr(0, colon);
  const absl::string_view port_text = address.substr(colon + 1);
  // An IPv6 literal is bracketed so that its colons are not taken for the port separator.
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
  } else if (absl::StrContains(host, ':')) {
    return InvalidField(field, "an IPv6 host must be in brackets, e.g. [::1]:6379");
  }
  if (host.empty()) return InvalidField(field, "must name a host before the port");
  for (char c : host) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return InvalidField(field, "host must not contain spaces or control characters");
    }
  }
  int port = 0;
  const bool digits_only = !port_text.empty() && port_text.size() <= 5 &&
                           std::all_of(port_text.begin(), port_text.end(), [](char c) {
                             return absl::ascii_isdigit(static_cast<unsigned char>(c));
                           });
  if (!digits_only || !absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535) {
    return InvalidField(field, "port must be a number from 1 to 65535");
  }
  RedisOptions options;
  options.host = std::string(host);
  options.port = port;
  return options;
}

}  // namespace coalition::cache
