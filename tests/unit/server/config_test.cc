#include "libs/server/config.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/executor.h"

namespace coalition::server {
namespace {

using ::testing::HasSubstr;

ServiceSpec MembershipSpec() {
  ServiceSpec spec;
  spec.name = "membership";
  spec.default_listen = "0.0.0.0:50051";
  spec.default_metrics_listen = "0.0.0.0:9091";
  spec.grpc_services = {"coalition.membership.v1.MembershipService"};
  spec.extra_flags = {
      {"create_admin_key", "false", "Print a new network-admin API key at startup.", true, nullptr},
      {"admin_network", "", "Network the admin key is for.", false, nullptr},
  };
  return spec;
}

EnvironmentLookup Env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](absl::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

absl::StatusOr<Config> Parse(std::vector<std::string> args,
                             std::map<std::string, std::string> env = {}) {
  return ParseConfig(MembershipSpec(), args, Env(std::move(env)));
}

TEST(ConfigTest, DefaultsComeFromTheServiceSpec) {
  absl::StatusOr<Config> config = Parse({});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "0.0.0.0:50051");
  EXPECT_EQ(config->metrics_listen, "0.0.0.0:9091");
  EXPECT_EQ(config->store, "sqlite:./data/membership.db");
  EXPECT_EQ(config->redis, "");
  EXPECT_EQ(config->tls_cert, "");
  EXPECT_EQ(config->drain_timeout, absl::Seconds(10));
  EXPECT_EQ(config->log_level, telemetry::LogLevel::kInfo);
  EXPECT_EQ(config->max_message_bytes, 4 * 1024 * 1024);
  EXPECT_EQ(config->max_concurrent_streams, 100);
  EXPECT_EQ(config->handler_threads, kDefaultHandlerThreads);
  EXPECT_EQ(config->handler_queue, kDefaultHandlerQueue);
  EXPECT_FALSE(config->ExtraBool("create_admin_key"));
  EXPECT_FALSE(config->help);
}

TEST(ConfigTest, EnvironmentVariablesSetEveryFlag) {
  absl::StatusOr<Config> config = Parse({}, {{"COALITION_LISTEN", "127.0.0.1:6000"},
                                             {"COALITION_METRICS_LISTEN", "off"},
                                             {"COALITION_STORE", "postgres://u:p@db:5432/m"},
                                             {"COALITION_REDIS", "redis:6379"},
                                             {"COALITION_DRAIN_TIMEOUT", "1500ms"},
                                             {"COALITION_LOG_LEVEL", "debug"},
                                             {"COALITION_MAX_MESSAGE_BYTES", "1024"},
                                             {"COALITION_MAX_CONCURRENT_STREAMS", "7"},
                                             {"COALITION_HANDLER_THREADS", "4"},
                                             {"COALITION_HANDLER_QUEUE", "0"},
                                             {"COALITION_ADMIN_NETWORK", "networks/n1"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:6000");
  EXPECT_EQ(config->metrics_listen, "off");
  EXPECT_EQ(config->store, "postgres://u:p@db:5432/m");
  EXPECT_EQ(config->redis, "redis:6379");
  EXPECT_EQ(config->drain_timeout, absl::Milliseconds(1500));
  EXPECT_EQ(config->log_level, telemetry::LogLevel::kDebug);
  EXPECT_EQ(config->max_message_bytes, 1024);
  EXPECT_EQ(config->max_concurrent_streams, 7);
  EXPECT_EQ(config->handler_threads, 4);
  EXPECT_EQ(config->handler_queue, 0);
  EXPECT_EQ(config->Extra("admin_network"), "networks/n1");
}

TEST(ConfigTest, CommandLineFlagBeatsEnvironment) {
  absl::StatusOr<Config> config =
      Parse({"--listen=127.0.0.1:7000"}, {{"COALITION_LISTEN", "127.0.0.1:6000"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "127.0.0.1:7000");
}

TEST(ConfigTest, EmptyEnvironmentVariableCountsAsUnset) {
  absl::StatusOr<Config> config = Parse({}, {{"COALITION_LISTEN", ""}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->listen, "0.0.0.0:50051");
}

TEST(ConfigTest, AcceptsFlagEqualsValueAndFlagSpaceValue) {
  absl::StatusOr<Config> config =
      Parse({"--store=sqlite:/tmp/m.db", "--redis", "127.0.0.1:6379", "--log_level", "warn"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->store, "sqlite:/tmp/m.db");
  EXPECT_EQ(config->redis, "127.0.0.1:6379");
  EXPECT_EQ(config->log_level, telemetry::LogLevel::kWarn);
}

TEST(ConfigTest, ServiceFlagsParseLikeTheCommonOnes) {
  absl::StatusOr<Config> config = Parse({"--create_admin_key", "--admin_network=networks/x"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->ExtraBool("create_admin_key"));
  EXPECT_EQ(config->Extra("admin_network"), "networks/x");

  config = Parse({"--create_admin_key=false"}, {{"COALITION_CREATE_ADMIN_KEY", "true"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->ExtraBool("create_admin_key"));
}

TEST(ConfigTest, UnknownFlagIsAnErrorNamingIt) {
  absl::StatusOr<Config> config = Parse({"--lisen=127.0.0.1:1"});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("--lisen"));
}

TEST(ConfigTest, FlagWithoutItsValueIsAnError) {
  absl::StatusOr<Config> config = Parse({"--listen"});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("--listen"));

  config = Parse({"--redis", "--listen=127.0.0.1:1"});
  EXPECT_THAT(config.status().message(), HasSubstr("--redis"));
}

TEST(ConfigTest, PositionalArgumentIsAnError) {
  EXPECT_EQ(Parse({"serve"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"-listen=127.0.0.1:1"}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConfigTest, BadValuesAreErrorsNamingTheFlag) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"listen", "50051"},
      {"listen", "host:99999"},
      {"metrics_listen", "nope"},
      {"store", "mysql://x"},
      {"store", "sqlite:"},
      {"redis", "localhost"},
      {"drain_timeout", "10"},
      {"drain_timeout", "-1s"},
      {"log_level", "verbose"},
      {"max_message_bytes", "4MiB"},
      {"max_concurrent_streams", "0"},
      {"handler_threads", "0"},
      {"handler_queue", "-1"},
      {"create_admin_key", "maybe"},
  };
  for (const auto& [flag, value] : bad) {
    absl::StatusOr<Config> config = Parse({"--" + flag + "=" + value});
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << flag << "=" << value;
    EXPECT_THAT(config.status().message(), HasSubstr("--" + flag)) << flag << "=" << value;
  }
}

TEST(ConfigTest, BadEnvironmentValueSaysWhichVariableHeldIt) {
  absl::StatusOr<Config> config = Parse({}, {{"COALITION_DRAIN_TIMEOUT", "soon"}});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("--drain_timeout"));
  EXPECT_THAT(config.status().message(), HasSubstr("COALITION_DRAIN_TIMEOUT"));
}

TEST(ConfigTest, TlsCertWithoutKeyIsAnError) {
  absl::StatusOr<Config> config = Parse({"--tls_cert=/etc/tls/server.pem"});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("--tls_key"));

  config = Parse({"--tls_key=/etc/tls/server.key"});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("--tls_cert"));
}

TEST(ConfigTest, ClientCaWithoutServerCertificateIsAnError) {
  absl::StatusOr<Config> config = Parse({"--tls_client_ca=/etc/tls/ca.pem"});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("--tls_client_ca"));
}

TEST(ConfigTest, TlsFlagsTogetherAreAccepted) {
  absl::StatusOr<Config> config =
      Parse({"--tls_cert=s.pem", "--tls_key=s.key", "--tls_client_ca=ca.pem"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tls_cert, "s.pem");
  EXPECT_EQ(config->tls_key, "s.key");
  EXPECT_EQ(config->tls_client_ca, "ca.pem");
}

TEST(ConfigTest, HealthListenIsOffUnlessGivenAnAddress) {
  EXPECT_EQ(Parse({})->health_listen, "off");
  EXPECT_EQ(Parse({}, {{"COALITION_HEALTH_LISTEN", "0.0.0.0:8081"}})->health_listen,
            "0.0.0.0:8081");
  absl::StatusOr<Config> config = Parse({"--health_listen=8081"});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("--health_listen"));
}

TEST(ConfigTest, RedisPasswordFileIsReadFromItsFlagOrVariable) {
  absl::StatusOr<Config> config =
      Parse({"--redis=redis:6379"}, {{"COALITION_REDIS_PASSWORD_FILE", "/run/secrets/redis"}});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->redis_password_file, "/run/secrets/redis");
}

TEST(ConfigTest, RedisPasswordWithoutRedisIsAnError) {
  absl::StatusOr<Config> config = Parse({"--redis_password_file=/run/secrets/redis"});
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("--redis_password_file"));
}

TEST(ConfigTest, HelpIsReportedEvenWithOtherFlags) {
  absl::StatusOr<Config> config = Parse({"--listen=127.0.0.1:1", "--help"});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->help);
  EXPECT_TRUE(Parse({"-h"})->help);
}

TEST(ConfigTest, HelpTextListsEveryFlagWithItsVariableAndDefault) {
  const std::string usage = Usage(MembershipSpec(), "membership_server");
  for (const char* flag :
       {"listen", "metrics_listen", "store", "redis", "redis_password_file", "tls_cert", "tls_key",
        "tls_client_ca", "drain_timeout", "log_level", "max_message_bytes",
        "max_concurrent_streams", "create_admin_key", "admin_network"}) {
    EXPECT_THAT(usage, HasSubstr(std::string("--") + flag + "\n")) << flag;
    EXPECT_THAT(usage, HasSubstr(EnvironmentVariableFor(flag))) << flag;
  }
  EXPECT_THAT(usage, HasSubstr("default \"0.0.0.0:50051\""));
  EXPECT_THAT(usage, HasSubstr("default \"sqlite:./data/membership.db\""));
  EXPECT_THAT(usage, HasSubstr("default \"10s\""));
  EXPECT_THAT(usage, HasSubstr("Print a new network-admin API key"));
}

TEST(ConfigTest, EnvironmentVariableIsCoalitionPlusUppercaseFlag) {
  EXPECT_EQ(EnvironmentVariableFor("listen"), "COALITION_LISTEN");
  EXPECT_EQ(EnvironmentVariableFor("max_concurrent_streams"), "COALITION_MAX_CONCURRENT_STREAMS");
}

}  // namespace
}  // namespace coalition::server
