#include "libs/core/proto_body.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace coalition {

std::string EncodeBody(const google::protobuf::Message& message) {
  return absl::Base64Escape(message.SerializeAsString());
}

absl::Status DecodeBody(const std::string& body, google::protobuf::Message* message) {
  std::string bytes;
  if (!absl::Base64Unescape(body, &bytes) || !message->ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("a stored ", message->GetDescriptor()->name(), " cannot be read"));
  }
  return absl::OkStatus();
}

}  // namespace coalition
