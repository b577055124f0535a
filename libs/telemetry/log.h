#ifndef COALITION_LIBS_TELEMETRY_LOG_H_
#define COALITION_LIBS_TELEMETRY_LOG_H_

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <type_traits>
#include <variant>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace coalition::telemetry {

// Structured logs: one JSON object per line on stderr, for example
//   {"ts":"2026-01-01T00:00:00.000Z","level":"info","service":"membership",
//    "msg":"request","request_id":"...","method":"/x.v1.S/Get","code":"OK"}
// Never log a person together with anonymous content (docs/architecture.md#anonymity).

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// "debug", "info", "warn", "error".
absl::string_view LogLevelName(LogLevel level);
// The reverse of LogLevelName; INVALID_ARGUMENT otherwise.
absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name);

// One key/value pair of a log line. Strings, integers, floating point and booleans keep their
// JSON type, so queries over the logs can compare numbers.
class LogField {
 public:
  using Value = std::variant<std::string, int64_t, uint64_t, double, bool>;

  LogField(absl::string_view key, absl::string_view value)
      : key_(key), value_(std::string(value)) {}
  LogField(absl::string_view key, const char* value)
      : key_(key), value_(std::string(value == nullptr ? "" : value)) {}
  LogField(absl::string_view key, const std::string& value) : key_(key), value_(value) {}
  LogField(absl::string_view key, bool value) : key_(key), value_(value) {}
  LogField(absl::string_view key, double value) : key_(key), value_(value) {}
  LogField(absl::string_view key, absl::Duration value)
      : key_(key), value_(absl::FormatDuration(value)) {}
  template <class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  LogField(absl::string_view key, T value) : key_(key), value_(Widen(value)) {}

  const std::string& key() const { return key_; }
  const Value& value() const { return value_; }

 private:
  template <class T>
  static Value Widen(T value) {
    if constexpr (std::is_signed_v<T>) {
      return static_cast<int64_t>(value);
    } else {
      return static_cast<uint64_t>(value);
    }
  }

  std::string key_;
  Value value_;
};

struct LogOptions {
  std::string service;
  LogLevel level = LogLevel::kInfo;
};

// Sets the service name and threshold for every later line. Safe to call at any time.
void ConfigureLogging(const LogOptions& options);

// Whether a line at `level` would be written; lets callers skip building costly fields.
bool LogEnabled(LogLevel level);

// Writes one line when `level` reaches the threshold. Thread-safe: lines never interleave.
// A field named like a fixed key (ts, level, service, msg, request_id) is written with a
// leading underscore rather than replacing it.
void Log(LogLevel level, absl::string_view msg, std::initializer_list<LogField> fields = {});

inline void LogDebug(absl::string_view msg, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kDebug, msg, fields);
}
inline void LogInfo(absl::string_view msg, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kInfo, msg, fields);
}
inline void LogWarn(absl::string_view msg, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kWarn, msg, fields);
}
inline void LogError(absl::string_view msg, std::initializer_list<LogField> fields = {}) {
  Log(LogLevel::kError, msg, fields);
}

// Sends gRPC's own log messages (bind failures, TLS handshake errors) through Log, so stderr
// stays one JSON object per line. gRPC errors are mostly a peer's fault, hence level warn.
void RouteGrpcLogsToJson();

// Where lines go instead of stderr (each without its trailing newline); an empty function
// restores stderr. For tests that read the lines back.
void SetLogSinkForTesting(std::function<void(absl::string_view line)> sink);

// The request id of the call this thread is serving, "" outside a call. Every log line written
// while one is set carries it as "request_id".
absl::string_view CurrentRequestId();

// Sets the current request id for its lifetime and restores the previous one afterwards.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string request_id);
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  std::string previous_;
};

}  // namespace coalition::telemetry

#endif  // COALITION_LIBS_TELEMETRY_LOG_H_
