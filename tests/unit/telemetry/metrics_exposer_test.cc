#include "libs/telemetry/metrics_exposer.h"

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/telemetry/http_get.h"

namespace coalition::telemetry {
namespace {

using ::testing::HasSubstr;

TEST(MetricsExposerTest, ServesTheRegistryOnMetricsOverHttp) {
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus::BuildCounter()
      .Name("coalition_test_events_total")
      .Help("Events in a test.")
      .Register(*registry)
      .Add({{"kind", "demo"}})
      .Increment(3);

  absl::StatusOr<std::unique_ptr<MetricsExposer>> exposer =
      MetricsExposer::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(exposer.ok()) << exposer.status();
  ASSERT_GT((*exposer)->port(), 0);
  EXPECT_THAT((*exposer)->GetListeningPorts(), ::testing::ElementsAre((*exposer)->port()));

  const std::string response = testing::HttpGet((*exposer)->port(), "/metrics");
  EXPECT_THAT(response, HasSubstr("200 OK"));
  EXPECT_THAT(response, HasSubstr("coalition_test_events_total{kind=\"demo\"} 3"));
}

TEST(MetricsExposerTest, AddressInUseIsUnavailable) {
  auto registry = std::make_shared<prometheus::Registry>();
  absl::StatusOr<std::unique_ptr<MetricsExposer>> first =
      MetricsExposer::Start("127.0.0.1:0", registry);
  ASSERT_TRUE(first.ok()) << first.status();

  absl::StatusOr<std::unique_ptr<MetricsExposer>> second =
      MetricsExposer::Start(absl::StrCat("127.0.0.1:", (*first)->port()), registry);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST(MetricsExposerTest, MalformedAddressIsInvalidArgument) {
  auto registry = std::make_shared<prometheus::Registry>();
  for (const char* address : {"9090", ":9090", "127.0.0.1:http", "127.0.0.1:70000"}) {
    EXPECT_EQ(MetricsExposer::Start(address, registry).status().code(),
              absl::StatusCode::kInvalidArgument)
        << address;
  }
}

}  // namespace
}  // namespace coalition::telemetry
