#ifndef COALITION_LIBS_CORE_PROTO_BODY_H_
#define COALITION_LIBS_CORE_PROTO_BODY_H_

#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace coalition {

// A resource is stored as its binary proto in a TEXT column, base64-encoded: compact, quick to
// parse, and valid text for every backend. Fields that queries filter or sort on are kept in
// their own indexed columns beside it. Unknown fields (sent by a client, at any depth) are
// dropped: they would be stored past every validation limit.
std::string EncodeBody(const google::protobuf::Message& message);
// Whether the message or any message inside it carries fields its type does not declare.
bool HasUnknownFields(const google::protobuf::Message& message);
// DATA_LOSS when the stored text is not a message of that type.
absl::Status DecodeBody(const std::string& body, google::protobuf::Message* message);

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_PROTO_BODY_H_
