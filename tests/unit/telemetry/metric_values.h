#ifndef COALITION_TESTS_UNIT_TELEMETRY_METRIC_VALUES_H_
#define COALITION_TESTS_UNIT_TELEMETRY_METRIC_VALUES_H_

#include <cstdint>
#include <map>
#include <string>

#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

namespace coalition::testing {

using MetricLabels = std::map<std::string, std::string>;

// The sample of family `name` whose labels include all of `labels`, or null.
inline const prometheus::ClientMetric* FindSample(
    const std::vector<prometheus::MetricFamily>& families, const std::string& name,
    const MetricLabels& labels) {
  for (const prometheus::MetricFamily& family : families) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      size_t matched = 0;
      for (const prometheus::ClientMetric::Label& label : metric.label) {
        auto it = labels.find(label.name);
        if (it != labels.end() && it->second == label.value) ++matched;
      }
      if (matched == labels.size()) return &metric;
    }
  }
  return nullptr;
}

// A counter's value; 0 when it was never touched.
inline double CounterValue(prometheus::Registry& registry, const std::string& name,
                           const MetricLabels& labels) {
  const auto families = registry.Collect();
  const prometheus::ClientMetric* metric = FindSample(families, name, labels);
  return metric == nullptr ? 0 : metric->counter.value;
}

// How many observations a histogram holds; 0 when it was never touched.
inline uint64_t HistogramCount(prometheus::Registry& registry, const std::string& name,
                               const MetricLabels& labels) {
  const auto families = registry.Collect();
  const prometheus::ClientMetric* metric = FindSample(families, name, labels);
  return metric == nullptr ? 0 : metric->histogram.sample_count;
}

// The upper bounds of a histogram's buckets (the last is +Inf).
inline std::vector<double> HistogramBounds(prometheus::Registry& registry, const std::string& name,
                                           const MetricLabels& labels) {
  const auto families = registry.Collect();
  const prometheus::ClientMetric* metric = FindSample(families, name, labels);
  std::vector<double> bounds;
  if (metric == nullptr) return bounds;
  for (const auto& bucket : metric->histogram.bucket) bounds.push_back(bucket.upper_bound);
  return bounds;
}

}  // namespace coalition::testing

#endif  // COALITION_TESTS_UNIT_TELEMETRY_METRIC_VALUES_H_
