#ifndef COALITION_LIBS_TESTING_METRICS_H_
#define COALITION_LIBS_TESTING_METRICS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "prometheus/registry.h"

namespace coalition::testing {

using MetricLabels = std::map<std::string, std::string>;

// The value of the counter `name` whose labels are exactly `labels`, read through Collect() as
// a scrape would; 0 if there is none yet.
double CounterValue(const prometheus::Registry& registry, absl::string_view name,
                    const MetricLabels& labels = {});

// How many observations the histogram `name` with exactly `labels` has; 0 if there is none.
uint64_t HistogramCount(const prometheus::Registry& registry, absl::string_view name,
                        const MetricLabels& labels = {});

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_METRICS_H_
