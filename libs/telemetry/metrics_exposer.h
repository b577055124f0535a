#ifndef COALITION_LIBS_TELEMETRY_METRICS_EXPOSER_H_
#define COALITION_LIBS_TELEMETRY_METRICS_EXPOSER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace coalition::telemetry {

// Serves a registry as Prometheus text on http://HOST:PORT/metrics until destroyed.
class MetricsExposer {
 public:
  // `address` is "HOST:PORT"; port 0 picks a free port (see port()). UNAVAILABLE when the
  // address cannot be bound, INVALID_ARGUMENT when it is malformed.
  static absl::StatusOr<std::unique_ptr<MetricsExposer>> Start(
      absl::string_view address, std::shared_ptr<prometheus::Registry> registry);

  ~MetricsExposer();
  MetricsExposer(const MetricsExposer&) = delete;
  MetricsExposer& operator=(const MetricsExposer&) = delete;

  // The ports actually bound.
  std::vector<int> GetListeningPorts() const;
  // The first bound port, 0 when none.
  int port() const;

 private:
  MetricsExposer(std::unique_ptr<prometheus::Exposer> exposer,
                 std::shared_ptr<prometheus::Registry> registry);

  std::unique_ptr<prometheus::Exposer> exposer_;
  std::shared_ptr<prometheus::Registry> registry_;
};

}  // namespace coalition::telemetry

#endif  // COALITION_LIBS_TELEMETRY_METRICS_EXPOSER_H_
