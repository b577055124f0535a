#include "libs/testing/metrics.h"

#include <vector>

#include "prometheus/client_metric.h"
#include "prometheus/metric_family.h"

namespace coalition::testing {
namespace {

const prometheus::ClientMetric* Find(const std::vector<prometheus::MetricFamily>& families,
                                     absl::string_view name, const MetricLabels& labels) {
  for (const prometheus::MetricFamily& family : families) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      MetricLabels found;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        found[label.name] = label.value;
      }
      if (found == labels) return &metric;
    }
  }
  return nullptr;
}

}  // namespace

double CounterValue(const prometheus::Registry& registry, absl::string_view name,
                    const MetricLabels& labels) {
  const std::vector<prometheus::MetricFamily> families = registry.Collect();
  const prometheus::ClientMetric* metric = Find(families, name, labels);
  return metric != nullptr ? metric->counter.value : 0;
}

uint64_t HistogramCount(const prometheus::Registry& registry, absl::string_view name,
                        const MetricLabels& labels) {
  const std::vector<prometheus::MetricFamily> families = registry.Collect();
  const prometheus::ClientMetric* metric = Find(families, name, labels);
  return metric != nullptr ? metric->histogram.sample_count : 0;
}

}  // namespace coalition::testing
