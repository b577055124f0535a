#include "libs/core/field_mask.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/field_mask_util.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"

namespace coalition {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::util::FieldMaskUtil;

// What of an unknown path a violation quotes, so that its description still says what is wrong
// within kMaxViolationTextBytes.
constexpr size_t kMaxQuotedPathBytes = 64;

bool IsPopulated(const Message& message, const FieldDescriptor* field) {
  const auto* reflection = message.GetReflection();
  if (field->is_repeated()) return reflection->FieldSize(message, field) > 0;
  return reflection->HasField(message, field);
}

bool PathAllowed(const std::string& path, const std::vector<std::string>& updatable) {
  for (const std::string& allowed : updatable) {
    if (path == allowed || absl::StartsWith(path, absl::StrCat(allowed, "."))) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> EffectiveUpdatePaths(
    const Message& patch, const google::protobuf::FieldMask& mask,
    const std::vector<std::string>& updatable) {
  std::vector<std::string> paths;
  if (mask.paths().empty()) {
    const auto* descriptor = patch.GetDescriptor();
    for (const std::string& allowed : updatable) {
      if (absl::StrContains(allowed, '.')) continue;
      const FieldDescriptor* field = descriptor->FindFieldByName(allowed);
      if (field != nullptr && IsPopulated(patch, field)) paths.push_back(allowed);
    }
    return paths;
  }
  FieldViolations violations;
  const int count = LimitItems(violations, "update_mask", mask.paths_size(), kMaxUpdateMaskPaths);
  for (int i = 0; i < count; ++i) {
    const std::string& path = mask.paths(i);
    if (path == "*") {
      paths.insert(paths.end(), updatable.begin(), updatable.end());
      continue;
    }
    if (!FieldMaskUtil::GetFieldDescriptors(patch.GetDescriptor(), path, nullptr)) {
      violations.Add("update_mask",
                     absl::StrCat("\"", TruncateUtf8(path, kMaxQuotedPathBytes),
                                  "\" is not a field of ", patch.GetDescriptor()->name()));
    } else if (!PathAllowed(path, updatable)) {
      violations.Add("update_mask", absl::StrCat("\"", path, "\" cannot be updated"));
    } else {
      paths.push_back(path);
    }
  }
  RETURN_IF_ERROR(violations.ToStatus());
  return paths;
}

absl::Status ApplyFieldMask(const Message& patch, const google::protobuf::FieldMask& mask,
                            const std::vector<std::string>& updatable, Message* target) {
  ASSIGN_OR_RETURN(std::vector<std::string> paths, EffectiveUpdatePaths(patch, mask, updatable));
  google::protobuf::FieldMask effective;
  for (const std::string& path : paths) effective.add_paths(path);
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(patch, effective, options, target);
  return absl::OkStatus();
}

}  // namespace coalition
