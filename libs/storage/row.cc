#include <cmath>
#include <limits>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/storage/database.h"

// Lenient conversions: SQLite's type affinity can hand back a column in a neighbouring type
// (an integral DOUBLE PRECISION value, a number stored in a TEXT column), and PostgreSQL
// always hands back the declared type, so reading a column the same way works on both.
namespace coalition::storage {

int64_t Row::Int(size_t i) const {
  const Value& value = values_.at(i);
  if (const auto* integer = std::get_if<int64_t>(&value)) return *integer;
  if (const auto* real = std::get_if<double>(&value)) {
    // Converting NaN or an out-of-range double is undefined behaviour.
    constexpr double kLimit = 9.2233720368547758e18;
    if (!std::isfinite(*real) || *real >= kLimit || *real < -kLimit) return 0;
    return static_cast<int64_t>(*real);
  }
  if (const auto* text = std::get_if<std::string>(&value)) {
    int64_t parsed = 0;
    return absl::SimpleAtoi(*text, &parsed) ? parsed : 0;
  }
  return 0;
}

double Row::Real(size_t i) const {
  const Value& value = values_.at(i);
  if (const auto* real = std::get_if<double>(&value)) return *real;
  if (const auto* integer = std::get_if<int64_t>(&value)) return static_cast<double>(*integer);
  if (const auto* text = std::get_if<std::string>(&value)) {
    double parsed = 0;
    return absl::SimpleAtod(*text, &parsed) ? parsed : 0.0;
  }
  return 0.0;
}

std::string Row::Text(size_t i) const {
  const Value& value = values_.at(i);
  if (const auto* text = std::get_if<std::string>(&value)) return *text;
  if (const auto* integer = std::get_if<int64_t>(&value)) return absl::StrCat(*integer);
  // 17 significant digits: the text parses back to the same double.
  if (const auto* real = std::get_if<double>(&value)) return absl::StrFormat("%.17g", *real);
  return "";
}

}  // namespace coalition::storage
