#include "libs/telemetry/log.h"

#include <string>
#include <thread>
#include <vector>

#include <grpc/grpc.h>
#include <grpc/support/log.h>
#include <nlohmann/json.hpp>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/testing/captured_log.h"

namespace coalition::telemetry {
namespace {

using ::coalition::testing::CapturedLog;
using ::testing::SizeIs;

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override { ConfigureLogging({"membership", LogLevel::kInfo}); }
  void TearDown() override { ConfigureLogging({"", LogLevel::kInfo}); }
};

TEST_F(LogTest, LineIsOneJsonObjectWithTimestampLevelServiceAndMessage) {
  CapturedLog log;
  LogInfo("listening");

  std::vector<nlohmann::json> lines = log.Parsed();
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_EQ(lines[0]["level"], "info");
  EXPECT_EQ(lines[0]["service"], "membership");
  EXPECT_EQ(lines[0]["msg"], "listening");
  EXPECT_FALSE(lines[0].contains("request_id"));
  absl::Time ts;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, lines[0]["ts"].get<std::string>(), &ts, &error))
      << error;
  EXPECT_THAT(lines[0]["ts"].get<std::string>(), ::testing::EndsWith("Z"));
  EXPECT_LT(absl::AbsDuration(absl::Now() - ts), absl::Minutes(1));
}

TEST_F(LogTest, FieldsKeepTheirJsonTypes) {
  CapturedLog log;
  LogWarn("slow", {{"method", "/a.B/C"},
                   {"port", 50051},
                   {"bytes", size_t{7}},
                   {"duration_ms", 1.5},
                   {"tls", true},
                   {"drain", absl::Seconds(10)}});

  nlohmann::json line = log.Parsed().at(0);
  EXPECT_EQ(line["level"], "warn");
  EXPECT_EQ(line["method"], "/a.B/C");
  EXPECT_EQ(line["port"], 50051);
  EXPECT_EQ(line["bytes"], 7);
  EXPECT_EQ(line["duration_ms"], 1.5);
  EXPECT_EQ(line["tls"], true);
  EXPECT_EQ(line["drain"], "10s");
}

TEST_F(LogTest, FixedKeysCannotBeOverwrittenByFields) {
  CapturedLog log;
  LogInfo("real", {{"msg", "forged"}, {"level", "error"}});

  nlohmann::json line = log.Parsed().at(0);
  EXPECT_EQ(line["msg"], "real");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["_msg"], "forged");
  EXPECT_EQ(line["_level"], "error");
}

TEST_F(LogTest, LinesBelowTheThresholdAreDropped) {
  ConfigureLogging({"membership", LogLevel::kWarn});
  CapturedLog log;
  LogDebug("debug");
  LogInfo("info");
  LogWarn("warn");
  LogError("error");

  std::vector<nlohmann::json> lines = log.Parsed();
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_EQ(lines[0]["msg"], "warn");
  EXPECT_EQ(lines[1]["level"], "error");
  EXPECT_FALSE(LogEnabled(LogLevel::kInfo));
  EXPECT_TRUE(LogEnabled(LogLevel::kError));
}

TEST_F(LogTest, LinesCarryTheCurrentRequestIdWhileItIsSet) {
  CapturedLog log;
  {
    ScopedRequestId outer("req-1");
    LogInfo("outer");
    {
      ScopedRequestId inner("req-2");
      LogInfo("inner");
    }
    LogInfo("outer again");
  }
  LogInfo("outside");

  std::vector<nlohmann::json> lines = log.Parsed();
  ASSERT_THAT(lines, SizeIs(4));
  EXPECT_EQ(lines[0]["request_id"], "req-1");
  EXPECT_EQ(lines[1]["request_id"], "req-2");
  EXPECT_EQ(lines[2]["request_id"], "req-1");
  EXPECT_FALSE(lines[3].contains("request_id"));
  EXPECT_EQ(CurrentRequestId(), "");
}

TEST_F(LogTest, RequestIdIsPerThread) {
  ScopedRequestId mine("main-thread");
  std::string seen_elsewhere = "unset";
  std::thread([&] { seen_elsewhere = std::string(CurrentRequestId()); }).join();
  EXPECT_EQ(seen_elsewhere, "");
  EXPECT_EQ(CurrentRequestId(), "main-thread");
}

TEST_F(LogTest, QuotesNewlinesAndInvalidUtf8StayInsideOneLine) {
  CapturedLog log;
  LogInfo("a \"quoted\"\nmessage", {{"bad", std::string("\xff\xfe")}});

  std::vector<std::string> raw = log.Lines();
  ASSERT_THAT(raw, SizeIs(1));
  EXPECT_EQ(raw[0].find('\n'), std::string::npos);
  nlohmann::json line = nlohmann::json::parse(raw[0]);
  EXPECT_EQ(line["msg"], "a \"quoted\"\nmessage");
}

TEST_F(LogTest, ConcurrentLinesNeverInterleave) {
  CapturedLog log;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 100; ++i) LogInfo("tick", {{"thread", t}, {"i", i}});
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<nlohmann::json> lines = log.Parsed();  // each parses on its own
  EXPECT_THAT(lines, SizeIs(800));
}

TEST_F(LogTest, GrpcOwnMessagesBecomeJsonLines) {
  RouteGrpcLogsToJson();
  grpc_init();  // gRPC drops its messages until initialized
  CapturedLog log;
  gpr_log(GPR_ERROR, "handshake failed with %s", "a peer");
  grpc_shutdown();

  std::vector<nlohmann::json> lines = log.Parsed();
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_EQ(lines[0]["msg"], "handshake failed with a peer");
  EXPECT_EQ(lines[0]["level"], "warn");
  EXPECT_EQ(lines[0]["source"], "grpc");
  EXPECT_TRUE(lines[0]["line"].is_number());
}

TEST(LogLevelTest, ParsesItsOwnNamesOnly) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    EXPECT_EQ(*ParseLogLevel(LogLevelName(level)), level);
  }
  EXPECT_EQ(ParseLogLevel("verbose").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseLogLevel("INFO").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace coalition::telemetry
