#include "libs/telemetry/metrics_exposer.h"

#include <exception>
#include <utility>

#include <prometheus/exposer.h>
#include <prometheus/registry.h>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace coalition::telemetry {

absl::StatusOr<std::unique_ptr<MetricsExposer>> MetricsExposer::Start(
    absl::string_view address, std::shared_ptr<prometheus::Registry> registry) {
  const size_t colon = address.rfind(':');
  int port = -1;
  if (colon == absl::string_view::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics address \"", address, "\" is not HOST:PORT"));
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  // civetweb reports a failed bind by throwing; nothing else in this project throws.
  try {
    exposer = std::make_unique<prometheus::Exposer>(std::string(address), /*num_threads=*/2);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve metrics on ", address, ": ", e.what()));
  }
  exposer->RegisterCollectable(registry);
  return std::unique_ptr<MetricsExposer>(
      new MetricsExposer(std::move(exposer), std::move(registry)));
}

MetricsExposer::MetricsExposer(std::unique_ptr<prometheus::Exposer> exposer,
                               std::shared_ptr<prometheus::Registry> registry)
    : exposer_(std::move(exposer)), registry_(std::move(registry)) {}

MetricsExposer::~MetricsExposer() = default;

std::vector<int> MetricsExposer::GetListeningPorts() const { return exposer_->GetListeningPorts(); }

int MetricsExposer::port() const {
  std::vector<int> ports = GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

}  // namespace coalition::telemetry
