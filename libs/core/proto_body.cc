#include "libs/core/proto_body.h"

#include <memory>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace coalition {

std::string EncodeBody(const google::protobuf::Message& message) {
  // Fields this build does not know would bypass every validation limit, so they are never
  // stored; a copy is made only when there are some.
  if (HasUnknownFields(message)) {
    std::unique_ptr<google::protobuf::Message> known(message.New());
    known->CopyFrom(message);
    known->DiscardUnknownFields();
    return absl::Base64Escape(known->SerializeAsString());
  }
  return absl::Base64Escape(message.SerializeAsString());
}

bool HasUnknownFields(const google::protobuf::Message& message) {
  const google::protobuf::Reflection* reflection = message.GetReflection();
  if (!reflection->GetUnknownFields(message).empty()) return true;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        if (HasUnknownFields(reflection->GetRepeatedMessage(message, field, i))) return true;
      }
    } else if (HasUnknownFields(reflection->GetMessage(message, field))) {
      return true;
    }
  }
  return false;
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
