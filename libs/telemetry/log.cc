#include "libs/telemetry/log.h"

#include <atomic>
#include <cstdio>
#include <utility>

#include <grpc/support/log.h>
#include <nlohmann/json.hpp>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace coalition::telemetry {
namespace {

// Keys every line may carry; a caller's field never replaces them.
constexpr absl::string_view kFixedKeys[] = {"ts", "level", "service", "msg", "request_id"};

std::atomic<int> g_threshold{static_cast<int>(LogLevel::kInfo)};

struct LogState {
  absl::Mutex mu;
  std::string service ABSL_GUARDED_BY(mu);
  std::function<void(absl::string_view)> sink ABSL_GUARDED_BY(mu);
};

LogState& State() {
  static LogState* state = new LogState();
  return *state;
}

thread_local std::string t_request_id;

bool IsFixedKey(absl::string_view key) {
  for (absl::string_view fixed : kFixedKeys) {
    if (key == fixed) return true;
  }
  return false;
}

void LogFromGrpc(gpr_log_func_args* args) {
  LogLevel level = LogLevel::kWarn;
  if (args->severity == GPR_LOG_SEVERITY_DEBUG) level = LogLevel::kDebug;
  if (args->severity == GPR_LOG_SEVERITY_INFO) level = LogLevel::kInfo;
  Log(level, args->message == nullptr ? "" : args->message,
      {{"source", "grpc"}, {"file", args->file}, {"line", args->line}});
}

std::string Rfc3339Utc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

}  // namespace

absl::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    if (name == LogLevelName(level)) return level;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown log level \"", name, "\"; expected debug, info, warn or error"));
}

void ConfigureLogging(const LogOptions& options) {
  LogState& state = State();
  absl::MutexLock lock(&state.mu);
  state.service = options.service;
  g_threshold.store(static_cast<int>(options.level), std::memory_order_relaxed);
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) >= g_threshold.load(std::memory_order_relaxed);
}

void Log(LogLevel level, absl::string_view msg, std::initializer_list<LogField> fields) {
  if (!LogEnabled(level)) return;
  LogState& state = State();
  std::string service;
  {
    absl::MutexLock lock(&state.mu);
    service = state.service;
  }

  // ordered_json keeps the fixed keys first, which is what a person reading the stream wants.
  nlohmann::ordered_json line;
  line["ts"] = Rfc3339Utc(absl::Now());
  line["level"] = std::string(LogLevelName(level));
  if (!service.empty()) line["service"] = service;
  line["msg"] = std::string(msg);
  if (!t_request_id.empty()) line["request_id"] = t_request_id;
  for (const LogField& field : fields) {
    std::string key = IsFixedKey(field.key()) ? absl::StrCat("_", field.key()) : field.key();
    std::visit([&](const auto& value) { line[key] = value; }, field.value());
  }
  // Replacing invalid UTF-8 instead of throwing: a log call must never fail its caller.
  std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);

  absl::MutexLock lock(&state.mu);
  if (state.sink) {
    state.sink(text);
    return;
  }
  text.push_back('\n');
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

void RouteGrpcLogsToJson() { gpr_set_log_function(&LogFromGrpc); }

void SetLogSinkForTesting(std::function<void(absl::string_view line)> sink) {
  LogState& state = State();
  absl::MutexLock lock(&state.mu);
  state.sink = std::move(sink);
}

absl::string_view CurrentRequestId() { return t_request_id; }

ScopedRequestId::ScopedRequestId(std::string request_id)
    : previous_(std::exchange(t_request_id, std::move(request_id))) {}

ScopedRequestId::~ScopedRequestId() { t_request_id = std::move(previous_); }

}  // namespace coalition::telemetry
