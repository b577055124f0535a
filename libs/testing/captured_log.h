#ifndef COALITION_LIBS_TESTING_CAPTURED_LOG_H_
#define COALITION_LIBS_TESTING_CAPTURED_LOG_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace coalition::testing {

// The log lines (libs/telemetry/log.h) written while it lives, instead of stderr.
class CapturedLog {
 public:
  CapturedLog();
  ~CapturedLog();
  CapturedLog(const CapturedLog&) = delete;
  CapturedLog& operator=(const CapturedLog&) = delete;

  std::vector<std::string> Lines();
  // Every line parsed as JSON.
  std::vector<nlohmann::json> Parsed();
  // The parsed lines whose "msg" is `msg`.
  std::vector<nlohmann::json> WithMessage(const std::string& msg);

 private:
  absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_CAPTURED_LOG_H_
