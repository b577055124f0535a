#include "libs/testing/captured_log.h"

#include "libs/telemetry/log.h"

namespace coalition::testing {

CapturedLog::CapturedLog() {
  telemetry::SetLogSinkForTesting([this](absl::string_view line) {
    absl::MutexLock lock(&mu_);
    lines_.emplace_back(line);
  });
}

CapturedLog::~CapturedLog() { telemetry::SetLogSinkForTesting(nullptr); }

std::vector<std::string> CapturedLog::Lines() {
  absl::MutexLock lock(&mu_);
  return lines_;
}

std::vector<nlohmann::json> CapturedLog::Parsed() {
  std::vector<nlohmann::json> out;
  for (const std::string& line : Lines()) out.push_back(nlohmann::json::parse(line));
  return out;
}

std::vector<nlohmann::json> CapturedLog::WithMessage(const std::string& msg) {
  std::vector<nlohmann::json> out;
  for (nlohmann::json& line : Parsed()) {
    if (line["msg"] == msg) out.push_back(std::move(line));
  }
  return out;
}

}  // namespace coalition::testing
