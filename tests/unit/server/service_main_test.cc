#include "libs/server/service_main.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <prometheus/registry.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/temp_dir.h"
#include "tests/unit/server/fake_membership.h"
#include "tests/unit/telemetry/http_get.h"

extern char** environ;

namespace coalition::server {
namespace {

using ::coalition::membership::v1::CreateNetworkRequest;
using ::coalition::membership::v1::GetNetworkRequest;
using ::coalition::membership::v1::MembershipService;
using ::coalition::membership::v1::Network;
using ::coalition::testing::FakeMembership;
using ::coalition::testing::kMembershipService;
using ::testing::HasSubstr;

ServiceSpec FakeSpec() {
  ServiceSpec spec;
  spec.name = "fake";
  spec.default_listen = "127.0.0.1:0";
  spec.default_metrics_listen = "127.0.0.1:0";
  spec.grpc_services = {kMembershipService};
  return spec;
}

Config InMemoryConfig() {
  absl::StatusOr<Config> config =
      ParseConfig(FakeSpec(), {"--store=sqlite::memory:", "--drain_timeout=5s"},
                  [](absl::string_view) { return std::optional<std::string>(); });
  return *config;
}

ServiceFactory FakeFactory() {
  return [](Runtime&) -> absl::StatusOr<ServiceList> {
    ServiceList services;
    services.push_back(std::make_unique<FakeMembership>());
    return services;
  };
}

// Serve on its own thread, as a main would run it.
class ServingThread {
 public:
  ServingThread(const Config& config, ServiceFactory factory)
      : thread_([this, config, factory = std::move(factory)] {
          status_ = Serve(FakeSpec(), config, factory, shutdown_, [this](const ServingInfo& info) {
            info_ = info;
            serving_.Notify();
          });
          done_.Notify();
        }) {}

  ~ServingThread() {
    shutdown_.Request("test over");
    thread_.join();
  }

  // Waits until serving or failed; true when serving.
  bool WaitUntilServing() {
    while (!serving_.HasBeenNotified() && !done_.HasBeenNotified())
      absl::SleepFor(absl::Milliseconds(5));
    return serving_.HasBeenNotified();
  }

  absl::Status StopAndWait() {
    shutdown_.Request("test");
    done_.WaitForNotification();
    return status_;
  }

  const ServingInfo& info() const { return info_; }
  absl::Status status() {
    done_.WaitForNotification();
    return status_;
  }

 private:
  ShutdownRequest shutdown_;
  absl::Notification serving_;
  absl::Notification done_;
  ServingInfo info_;
  absl::Status status_;
  std::thread thread_;
};

TEST(ServeTest, ServesGrpcHealthAndMetricsUntilShutdownIsRequested) {
  ServingThread serving(InMemoryConfig(), FakeFactory());
  ASSERT_TRUE(serving.WaitUntilServing()) << serving.status();
  ASSERT_GT(serving.info().port, 0);
  ASSERT_GT(serving.info().metrics_port, 0);

  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", serving.info().port),
                                     grpc::InsecureChannelCredentials());
  grpc::ClientContext health_context;
  grpc::health::v1::HealthCheckRequest health_request;
  grpc::health::v1::HealthCheckResponse health_response;
  health_request.set_service(kMembershipService);
  ASSERT_TRUE(grpc::health::v1::Health::NewStub(channel)
                  ->Check(&health_context, health_request, &health_response)
                  .ok());
  EXPECT_EQ(health_response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  grpc::ClientContext context;
  GetNetworkRequest request;
  request.set_name("networks/a");
  Network response;
  ASSERT_TRUE(MembershipService::NewStub(channel)->GetNetwork(&context, request, &response).ok());

  const std::string metrics = testing::HttpGet(serving.info().metrics_port, "/metrics");
  EXPECT_THAT(metrics, HasSubstr("grpc_server_handled_total{grpc_code=\"OK\","
                                 "grpc_method=\"GetNetwork\",grpc_service=\"" +
                                 std::string(kMembershipService) + "\",grpc_type=\"unary\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("grpc_server_handling_seconds_bucket"));

  EXPECT_TRUE(serving.StopAndWait().ok());
}

TEST(ServeTest, FactoryReceivesConfigStoreCacheRegistryAndClock) {
  bool checked = false;
  Config config = InMemoryConfig();
  ServingThread serving(config, [&](Runtime& runtime) -> absl::StatusOr<ServiceList> {
    EXPECT_EQ(runtime.config.store, "sqlite::memory:");
    EXPECT_NE(runtime.database, nullptr);
    EXPECT_EQ(runtime.database->backend(), "sqlite");
    EXPECT_NE(runtime.cache, nullptr);
    EXPECT_NE(runtime.registry, nullptr);
    EXPECT_NE(runtime.clock, nullptr);
    checked = true;
    return ServiceList();
  });
  ASSERT_TRUE(serving.WaitUntilServing()) << serving.status();
  EXPECT_TRUE(checked);
}

TEST(ServeTest, FactoryErrorIsAStartupFailure) {
  ServingThread serving(InMemoryConfig(), [](Runtime&) -> absl::StatusOr<ServiceList> {
    return absl::FailedPreconditionError("no admin key configured");
  });
  EXPECT_FALSE(serving.WaitUntilServing());
  EXPECT_EQ(serving.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ServeTest, BusyListenAddressIsAStartupFailureNamingTheFlag) {
  ServingThread first(InMemoryConfig(), FakeFactory());
  ASSERT_TRUE(first.WaitUntilServing()) << first.status();

  Config config = InMemoryConfig();
  config.listen = absl::StrCat("127.0.0.1:", first.info().port);
  ServingThread second(config, FakeFactory());
  EXPECT_FALSE(second.WaitUntilServing());
  EXPECT_THAT(second.status().message(), HasSubstr("--listen"));
}

TEST(ServeTest, HealthListenServesHealthOnAPortOfItsOwn) {
  Config config = InMemoryConfig();
  config.health_listen = "127.0.0.1:0";
  ServingThread serving(config, FakeFactory());
  ASSERT_TRUE(serving.WaitUntilServing()) << serving.status();
  ASSERT_GT(serving.info().health_port, 0);
  EXPECT_NE(serving.info().health_port, serving.info().port);

  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", serving.info().health_port),
                                     grpc::InsecureChannelCredentials());
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  request.set_service(kMembershipService);
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(grpc::health::v1::Health::NewStub(channel)->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  Config busy = InMemoryConfig();
  busy.health_listen = absl::StrCat("127.0.0.1:", serving.info().health_port);
  ServingThread second(busy, FakeFactory());
  EXPECT_FALSE(second.WaitUntilServing());
  EXPECT_THAT(std::string(second.status().message()), ::testing::StartsWith("--health_listen"));
}

TEST(ServeTest, CreatesTheDirectoryOfASqliteStore) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / absl::StrCat("coalition_serve_", getpid());
  Config config = InMemoryConfig();
  config.store = absl::StrCat("sqlite:", (dir / "nested" / "fake.db").string());
  {
    ServingThread serving(config, FakeFactory());
    ASSERT_TRUE(serving.WaitUntilServing()) << serving.status();
    EXPECT_TRUE(std::filesystem::is_directory(dir / "nested"));
  }
  std::filesystem::remove_all(dir);
}

// The password file's content, less its trailing newline, reaches Redis as AUTH.
TEST(OpenRuntimeTest, CacheAuthenticatesWithThePasswordFile) {
  absl::StatusOr<std::unique_ptr<testing::RedisServer>> redis =
      testing::RedisServer::Start("from-the-file");
  ASSERT_TRUE(redis.ok()) << redis.status();
  absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("redis-password");
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string password_file = dir->path() + "/redis-password";
  std::ofstream(password_file) << "from-the-file\n";
  Config config = InMemoryConfig();
  config.redis = absl::StrCat("127.0.0.1:", (*redis)->port());
  config.redis_password_file = password_file;
  auto registry = std::make_shared<prometheus::Registry>();
  absl::StatusOr<std::unique_ptr<Runtime>> runtime = OpenRuntime(FakeSpec(), config, registry);
  ASSERT_TRUE(runtime.ok()) << runtime.status();

  int loads = 0;
  auto load = [&]() -> absl::StatusOr<std::string> {
    ++loads;
    return std::string("roster");
  };
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(*(*runtime)->cache->GetOrLoad("k", absl::Minutes(1), load), "roster");
  EXPECT_EQ(loads, 1);
}

TEST(OpenRuntimeTest, UnreadableRedisPasswordFileIsAnErrorNamingTheFlag) {
  Config config = InMemoryConfig();
  config.redis = "127.0.0.1:6379";
  config.redis_password_file = "/nonexistent/redis-password";
  absl::StatusOr<std::unique_ptr<Runtime>> runtime =
      OpenRuntime(FakeSpec(), config, std::make_shared<prometheus::Registry>());
  EXPECT_EQ(runtime.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(runtime.status().message(), HasSubstr("--redis_password_file"));
}

TEST(ShutdownRequestTest, KeepsTheFirstReason) {
  ShutdownRequest shutdown;
  EXPECT_FALSE(shutdown.requested());
  shutdown.Request("SIGTERM");
  shutdown.Request("SIGINT");
  EXPECT_TRUE(shutdown.requested());
  EXPECT_EQ(shutdown.Wait(), "SIGTERM");
}

// fake_service_main (RunService) as a child process with its stdout and stderr piped back.
class ServiceProcess {
 public:
  ServiceProcess(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    int out[2];
    int err[2];
    EXPECT_EQ(pipe(out), 0);
    EXPECT_EQ(pipe(err), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, err[0]);

    std::vector<std::string> argv_strings = {FAKE_SERVICE_MAIN};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_strings = env;
    for (char** e = environ; *e != nullptr; ++e) {
      if (std::string(*e).rfind("COALITION_", 0) != 0) env_strings.emplace_back(*e);
    }
    std::vector<char*> envp;
    for (std::string& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    EXPECT_EQ(posix_spawn(&pid_, FAKE_SERVICE_MAIN, &actions, nullptr, argv.data(), envp.data()),
              0);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    close(err[1]);
    stdout_fd_ = out[0];
    stderr_fd_ = err[0];
  }

  ~ServiceProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    close(stdout_fd_);
    close(stderr_fd_);
  }

  // Reads stderr until a JSON log line with this "msg" appears; nullopt at EOF or timeout.
  std::optional<nlohmann::json> WaitForLog(const std::string& msg,
                                           absl::Duration timeout = absl::Seconds(20)) {
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      size_t newline;
      while ((newline = stderr_buffer_.find('\n')) != std::string::npos) {
        std::string line = stderr_buffer_.substr(0, newline);
        stderr_buffer_.erase(0, newline + 1);
        stderr_seen_ += line + "\n";
        nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_object() && parsed.value("msg", "") == msg) return parsed;
      }
      if (!ReadSome(stderr_fd_, &stderr_buffer_, deadline)) return std::nullopt;
    }
    return std::nullopt;
  }

  // Waits for the exit; returns the exit code (-1 if killed by a signal).
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    exited_ = true;
    while (ReadSome(stderr_fd_, &stderr_buffer_, absl::Now() + absl::Seconds(5))) {
    }
    while (ReadSome(stdout_fd_, &stdout_, absl::Now() + absl::Seconds(5))) {
    }
    stderr_seen_ += stderr_buffer_;
    stderr_buffer_.clear();
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void Signal(int signal) { kill(pid_, signal); }
  const std::string& stdout_text() const { return stdout_; }
  const std::string& stderr_text() const { return stderr_seen_; }

 private:
  static bool ReadSome(int fd, std::string* out, absl::Time deadline) {
    pollfd p = {fd, POLLIN, 0};
    const int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (ms <= 0 || poll(&p, 1, ms) <= 0) return false;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) return false;
    out->append(buffer, n);
    return true;
  }

  pid_t pid_ = -1;
  bool exited_ = false;
  int stdout_fd_ = -1;
  int stderr_fd_ = -1;
  std::string stdout_;
  std::string stderr_buffer_;
  std::string stderr_seen_;
};

TEST(RunServiceTest, HelpPrintsEveryFlagWithItsVariableAndExitsZero) {
  ServiceProcess process({"--help"});
  EXPECT_EQ(process.Wait(), 0);
  for (const char* flag :
       {"listen", "metrics_listen", "store", "redis", "tls_cert", "tls_key", "tls_client_ca",
        "drain_timeout", "log_level", "max_message_bytes", "max_concurrent_streams",
        "handler_threads", "handler_queue", "greeting"}) {
    EXPECT_THAT(process.stdout_text(), HasSubstr(absl::StrCat("--", flag, "\n")));
    EXPECT_THAT(process.stdout_text(), HasSubstr(EnvironmentVariableFor(flag)));
  }
}

TEST(RunServiceTest, UnknownFlagExitsTwoNamingIt) {
  ServiceProcess process({"--bogus=1"});
  EXPECT_EQ(process.Wait(), 2);
  EXPECT_THAT(process.stderr_text(), HasSubstr("--bogus"));
}

TEST(RunServiceTest, StartupFailureExitsOneWithAnErrorLine) {
  ServiceProcess process({"--store=sqlite:/proc/no/such/dir/fake.db"});
  std::optional<nlohmann::json> failed = process.WaitForLog("startup failed");
  ASSERT_TRUE(failed.has_value()) << process.stderr_text();
  EXPECT_EQ((*failed)["level"], "error");
  EXPECT_THAT((*failed)["error"].get<std::string>(), HasSubstr("--store"));
  EXPECT_EQ(process.Wait(), 1);
}

TEST(RunServiceTest, EnvironmentConfiguresTheServicesOwnFlags) {
  ServiceProcess process({"--store=sqlite::memory:"}, {"COALITION_GREETING=bonjour"});
  std::optional<nlohmann::json> factory = process.WaitForLog("factory called");
  ASSERT_TRUE(factory.has_value()) << process.stderr_text();
  EXPECT_EQ((*factory)["greeting"], "bonjour");
  EXPECT_EQ((*factory)["service"], "fake");
}

TEST(RunServiceTest, HandlerFlagsSizeTheExecutor) {
  // One thread and no queue: while a call works, the next one is refused at once.
  ServiceProcess process(
      {"--store=sqlite::memory:", "--handler_threads=1", "--handler_queue", "0"});
  std::optional<nlohmann::json> serving = process.WaitForLog("serving");
  ASSERT_TRUE(serving.has_value()) << process.stderr_text();
  auto stub = MembershipService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*serving)["port"].get<int>()),
                          grpc::InsecureChannelCredentials()));
  grpc::Status slow;
  std::thread call([&] {
    // The one thread may not be idle yet the instant the server starts serving: ask again.
    for (int attempt = 0; attempt < 100; ++attempt) {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
      CreateNetworkRequest request;
      request.mutable_network()->set_display_name("2s");
      Network response;
      slow = stub->CreateNetwork(&context, request, &response);
      if (slow.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
  });
  if (!process.WaitForLog("network work started").has_value()) {
    call.join();
    FAIL() << process.stderr_text();
  }
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
  GetNetworkRequest request;
  request.set_name("networks/n1");
  Network response;
  const grpc::Status refused = stub->GetNetwork(&context, request, &response);
  call.join();
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  EXPECT_TRUE(slow.ok()) << slow.error_message();
}

TEST(RunServiceTest, SigtermLetsTheCallInFlightFinishThenExitsZero) {
  ServiceProcess process({"--store=sqlite::memory:", "--drain_timeout", "10s"});
  std::optional<nlohmann::json> serving = process.WaitForLog("serving");
  ASSERT_TRUE(serving.has_value()) << process.stderr_text();
  const int port = (*serving)["port"].get<int>();

  grpc::Status status;
  std::thread call([&] {
    auto stub = MembershipService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    CreateNetworkRequest request;
    request.mutable_network()->set_display_name("1s");
    Network response;
    status = stub->CreateNetwork(&context, request, &response);
  });
  ASSERT_TRUE(process.WaitForLog("network work started").has_value()) << process.stderr_text();
  process.Signal(SIGTERM);
  call.join();

  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(process.Wait(), 0);
  EXPECT_THAT(process.stderr_text(), HasSubstr("\"signal\":\"SIGTERM\""));
  EXPECT_THAT(process.stderr_text(), HasSubstr("\"msg\":\"draining\""));
  EXPECT_THAT(process.stderr_text(), HasSubstr("\"msg\":\"shut down\""));
}

}  // namespace
}  // namespace coalition::server
