#ifndef COALITION_TOOLS_DEMO_DEMO_RANDOM_H_
#define COALITION_TOOLS_DEMO_DEMO_RANDOM_H_

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "absl/types/span.h"

namespace coalition::demo {

// Uses std::mt19937, whose output the standard fixes, but not std::uniform_int_distribution or
// std::shuffle, whose results differ between standard libraries: a seed must give the same
// network on every machine, because a re-run finds its roster rows again by email.
class DemoRandom {
 public:
  explicit DemoRandom(uint32_t seed) : engine_(seed) {}

  // Uniform in [low, high]; the modulo bias is irrelevant for demo data.
  int Between(int low, int high) {
    return low + static_cast<int>(engine_() % static_cast<uint32_t>(high - low + 1));
  }
  bool Percent(int percent) { return Between(1, 100) <= percent; }

  template <typename T>
  const T& Pick(absl::Span<const T> items) {
    return items[Between(0, static_cast<int>(items.size()) - 1)];
  }

  template <typename T>
  void Shuffle(std::vector<T>& items) {
    for (size_t i = items.size(); i > 1; --i) {
      std::swap(items[i - 1], items[Between(0, static_cast<int>(i) - 1)]);
    }
  }

  // `count` distinct items, in random order.
  template <typename T>
  std::vector<T> Sample(absl::Span<const T> items, int count) {
    std::vector<T> copy(items.begin(), items.end());
    Shuffle(copy);
    copy.resize(std::min(copy.size(), static_cast<size_t>(count)));
    return copy;
  }

 private:
  std::mt19937 engine_;
};

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_DEMO_RANDOM_H_
