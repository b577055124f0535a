#include "tests/unit/server/error_size_sweep.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/client_context.h>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "libs/core/status.h"
#include "tests/unit/telemetry/generic_call.h"

namespace coalition::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::Reflection;

// Deep enough for every resource of the API (campaign, peak goal, tactic, linked commitment).
constexpr int kMaxDepth = 5;
// Under the servers' 4 MiB message limit, so that what is refused is the content.
constexpr size_t kMaxRequestBytes = 3 * 1024 * 1024;
// Text of a singular field, and of the first element of a list: over every text limit, in
// characters and in bytes. The other elements of a list within every limit get text over every
// name limit; those of a list over every limit, a short name.
constexpr size_t kLongTextBytes = 20000;
constexpr size_t kElementTextBytes = 1000;

// Characters that a limit in characters, one in bytes, trimming and percent-encoding each count
// differently: one to four bytes, a combining accent, a zero-width space, a replacement
// character, a control, quotes, a slash and the percent sign itself. All valid UTF-8, so that
// the request parses and the server's own checks meet it.
constexpr char kHostileCharacters[] =
    "%\xC3\xA9\xE2\x80\x8B\xEF\xBF\xBD\xF0\x9F\x98\x80\x65\xCC\x81\x7F\t\"\\/";

// A request's references to other resources, which a real name replaces.
bool IsReferenceField(const FieldDescriptor* field) {
  return field->name() == "name" || field->name() == "parent" || field->name() == "coalition" ||
         field->name() == "person";
}

// Element `index` of a list is different from the others, so that none is a duplicate; text of
// `bytes` (0: a short name of no shape the API knows).
std::string HostileText(int index, size_t bytes) {
  if (bytes == 0) return absl::StrCat("networks/", kHostileCharacters, index);
  std::string text = absl::StrCat(index);
  while (text.size() < bytes) text.append(kHostileCharacters);
  return text;
}

class HostileBuilder {
 public:
  explicit HostileBuilder(const HostileShape& shape) : shape_(shape) {}

  // `text_bytes` is the size of the message's strings. Only the first element of a list is
  // `deep`, with lists of its own: the others would multiply the request's size.
  void Fill(Message& message, int depth, size_t text_bytes, bool deep) const {
    const Descriptor* descriptor = message.GetDescriptor();
    const Reflection* reflection = message.GetReflection();
    for (int i = 0; i < descriptor->field_count(); ++i) {
      const FieldDescriptor* field = descriptor->field(i);
      if (const auto* oneof = field->real_containing_oneof();
          oneof != nullptr && field->index_in_oneof() != shape_.choice % oneof->field_count()) {
        continue;
      }
      const bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
      if (is_message && depth >= kMaxDepth) continue;
      if (!field->is_repeated()) {
        if (is_message) {
          Fill(*reflection->MutableMessage(&message, field), depth + 1, text_bytes, deep);
        } else {
          SetScalar(message, field, 0, text_bytes);
        }
        continue;
      }
      if (!deep) continue;
      const int length = shape_.list_length;
      const size_t element_bytes = length <= kListWithinEveryLimit ? kElementTextBytes : 0;
      for (int k = 0; k < length; ++k) {
        const size_t bytes = k == 0 ? text_bytes : element_bytes;
        if (is_message) {
          Fill(*reflection->AddMessage(&message, field), depth + 1, bytes, k == 0);
        } else {
          SetScalar(message, field, k, bytes);
        }
      }
    }
  }

 private:
  // Element `index` of a list (0 for a singular field): out of range, unknown, or text.
  void SetScalar(Message& message, const FieldDescriptor* field, int index,
                 size_t text_bytes) const {
    const Reflection* r = message.GetReflection();
    const bool repeated = field->is_repeated();
    // Even choices take the minimum of each type, odd ones the maximum; NaN or infinity.
    const bool low = (shape_.choice + index) % 2 == 0;
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        const int32_t v = low ? std::numeric_limits<int32_t>::min() + index
                              : std::numeric_limits<int32_t>::max() - index;
        repeated ? r->AddInt32(&message, field, v) : r->SetInt32(&message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        const int64_t v = low ? std::numeric_limits<int64_t>::min() + index
                              : std::numeric_limits<int64_t>::max() - index;
        repeated ? r->AddInt64(&message, field, v) : r->SetInt64(&message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        const uint32_t v = std::numeric_limits<uint32_t>::max() - index;
        repeated ? r->AddUInt32(&message, field, v) : r->SetUInt32(&message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        const uint64_t v = std::numeric_limits<uint64_t>::max() - index;
        repeated ? r->AddUInt64(&message, field, v) : r->SetUInt64(&message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        const double v = low ? std::numeric_limits<double>::quiet_NaN()
                             : std::numeric_limits<double>::infinity();
        repeated ? r->AddDouble(&message, field, v) : r->SetDouble(&message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        const float v =
            low ? std::numeric_limits<float>::quiet_NaN() : std::numeric_limits<float>::infinity();
        repeated ? r->AddFloat(&message, field, v) : r->SetFloat(&message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL:
        repeated ? r->AddBool(&message, field, true) : r->SetBool(&message, field, true);
        break;
      case FieldDescriptor::CPPTYPE_ENUM: {
        // Proto3 enums are open: an unknown number reaches the server as it is.
        const int v = 1000 + index;
        repeated ? r->AddEnumValue(&message, field, v) : r->SetEnumValue(&message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string text = HostileText(index, text_bytes);
        repeated ? r->AddString(&message, field, std::move(text))
                 : r->SetString(&message, field, std::move(text));
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        break;
    }
  }

  const HostileShape& shape_;
};

// Points the request's references at shape.real_name and empties what shape.top_level says.
void UseRealName(Message& request, const HostileShape& shape) {
  const Descriptor* descriptor = request.GetDescriptor();
  const Reflection* reflection = request.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated()) continue;
    const bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING && IsReferenceField(field)) {
      reflection->SetString(&request, field, shape.real_name);
    } else if (field->name() == "etag" ||
               (shape.top_level != HostileShape::TopLevel::kHostile && !is_message) ||
               (shape.top_level == HostileShape::TopLevel::kQuiet &&
                field->name() == "update_mask")) {
      reflection->ClearField(&request, field);
    } else if (is_message && reflection->HasField(request, field)) {
      Message* resource = reflection->MutableMessage(&request, field);
      const Descriptor* type = resource->GetDescriptor();
      for (const char* own : {"name", "etag"}) {
        const FieldDescriptor* f = type->FindFieldByName(own);
        if (f == nullptr || f->is_repeated() || f->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
          continue;
        }
        resource->GetReflection()->SetString(resource, f,
                                             f->name() == "name" ? shape.real_name : "");
      }
    }
  }
}

size_t EntryBytes(grpc::string_ref key, size_t value_bytes) {
  constexpr size_t kHttp2EntryOverhead = 32;  // RFC 7541, section 4.1
  return key.size() + value_bytes + kHttp2EntryOverhead;
}

size_t WireValueBytes(grpc::string_ref key, grpc::string_ref value) {
  const absl::string_view k(key.data(), key.size());
  if (absl::EndsWith(k, "-bin")) return (value.size() * 4 + 2) / 3;  // unpadded base64
  return value.size();
}

// grpc-message as sent: every byte outside printable ASCII, and '%', as %XX.
size_t PercentEncodedBytes(const std::string& message) {
  size_t n = 0;
  for (unsigned char c : message) n += (c < 0x20 || c > 0x7e || c == '%') ? 3 : 1;
  return n;
}

// N of the "; and N more" that ends a message naming only the first violations; 0 without it.
int ViolationsLeftOut(absl::string_view message) {
  constexpr absl::string_view kAnd = "; and ";
  constexpr absl::string_view kMore = " more";
  const size_t at = message.rfind(kAnd);
  if (at == absl::string_view::npos || !absl::EndsWith(message, kMore)) return 0;
  const absl::string_view count =
      message.substr(at + kAnd.size(), message.size() - at - kAnd.size() - kMore.size());
  int n = 0;
  return absl::SimpleAtoi(count, &n) ? n : 0;
}

const char* TopLevelLabel(HostileShape::TopLevel top_level) {
  switch (top_level) {
    case HostileShape::TopLevel::kHostile:
      return "";
    case HostileShape::TopLevel::kQuietButTheMask:
      return ", quiet but the mask";
    case HostileShape::TopLevel::kQuiet:
      return ", quiet";
  }
  return "";
}

int MaxOneofSize(const Descriptor* descriptor) {
  int size = 1;
  for (int i = 0; i < descriptor->oneof_decl_count(); ++i) {
    if (descriptor->oneof_decl(i)->is_synthetic()) continue;  // a proto3 optional
    size = std::max(size, descriptor->oneof_decl(i)->field_count());
  }
  return size;
}

// Call metadata of printable ASCII (all gRPC lets a client send), a few KiB of it: an API key no
// server made, and a request id no server would echo.
std::string HostileHeader(absl::string_view prefix) {
  std::string value(prefix);
  for (char c = ' '; value.size() < 3000; c = c == '~' ? ' ' : c + 1) value.push_back(c);
  return value;
}

SweptCall Call(const ErrorSweep& sweep, const MethodDescriptor* method, std::string label,
               const std::string& request, int list_length, const std::string& key,
               const std::string& request_id = "") {
  std::vector<std::string> requests = {request};
  if (method->client_streaming()) requests.push_back(request);
  grpc::ClientContext context;
  if (!key.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", key));
  if (!request_id.empty()) context.AddMetadata("x-request-id", request_id);
  // A stream the server accepts stays open: a short deadline ends it.
  context.set_deadline(std::chrono::system_clock::now() + (method->server_streaming()
                                                               ? std::chrono::seconds(3)
                                                               : std::chrono::seconds(30)));
  const GenericCallResult result =
      GenericCall(sweep.channel, context,
                  absl::StrCat("/", method->service()->full_name(), "/", method->name()), requests);
  SweptCall call;
  call.method = absl::StrCat(method->service()->name(), "/", method->name());
  call.request = std::move(label);
  call.status = result.status;
  call.metadata_bytes = ResponseMetadataBytes(context.GetServerInitialMetadata(),
                                              context.GetServerTrailingMetadata(), result.status);
  call.lists_over_limits = list_length == kListOverEveryLimit;
  call.accepted_stream = method->server_streaming() &&
                         result.status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
  return call;
}

}  // namespace

std::unique_ptr<Message> HostileRequest(const Descriptor* descriptor, HostileShape& shape) {
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
  while (true) {
    std::unique_ptr<Message> request(prototype->New());
    HostileBuilder(shape).Fill(*request, 0, kLongTextBytes, true);
    if (!shape.real_name.empty()) UseRealName(*request, shape);
    if (request->ByteSizeLong() <= kMaxRequestBytes || shape.list_length <= 1) return request;
    shape.list_length /= 2;
  }
}

size_t ResponseMetadataBytes(const std::multimap<grpc::string_ref, grpc::string_ref>& initial,
                             const std::multimap<grpc::string_ref, grpc::string_ref>& trailing,
                             const grpc::Status& status) {
  size_t bytes = EntryBytes(":status", 3) + EntryBytes("content-type", 16);
  for (const auto* metadata : {&initial, &trailing}) {
    for (const auto& [key, value] : *metadata) {
      if (key == "grpc-status" || key == "grpc-message") continue;  // counted below
      bytes += EntryBytes(key, WireValueBytes(key, value));
    }
  }
  bytes += EntryBytes("grpc-status", absl::StrCat(static_cast<int>(status.error_code())).size());
  if (!status.error_message().empty()) {
    bytes += EntryBytes("grpc-message", PercentEncodedBytes(status.error_message()));
  }
  return bytes;
}

std::vector<SweptCall> SweepErrors(const ErrorSweep& sweep) {
  std::vector<SweptCall> calls;
  for (int m = 0; m < sweep.service->method_count(); ++m) {
    const MethodDescriptor* method = sweep.service->method(m);
    const std::vector<std::string> real_names = sweep.real_names();
    // Garbage at each end of every number's range, then the same with each real name and each
    // top level. Building is the slow part: each garbage request is built once.
    for (int choice = 0; choice < std::max(2, MaxOneofSize(method->input_type())); ++choice) {
      for (int length : {kListOverEveryLimit, kListWithinEveryLimit}) {
        HostileShape shape;
        shape.choice = choice;
        shape.list_length = length;
        const std::unique_ptr<Message> garbage = HostileRequest(method->input_type(), shape);
        const int fitted = shape.list_length;
        const std::string suffix = absl::StrCat(", lists of ", fitted, ", #", choice);
        const std::string request = garbage->SerializeAsString();
        if (choice == 0 && length == kListOverEveryLimit) {
          calls.push_back(Call(sweep, method, "no key", request, fitted, ""));
          calls.push_back(Call(sweep, method, "hostile key and request id", request, fitted,
                               HostileHeader("ck_"), HostileHeader("")));
        }
        calls.push_back(
            Call(sweep, method, absl::StrCat("garbage", suffix), request, fitted, sweep.key));
        for (const std::string& name : real_names) {
          using TopLevel = HostileShape::TopLevel;
          for (TopLevel top_level :
               {TopLevel::kHostile, TopLevel::kQuietButTheMask, TopLevel::kQuiet}) {
            shape.real_name = name;
            shape.top_level = top_level;
            std::unique_ptr<Message> named(garbage->New());
            named->CopyFrom(*garbage);
            UseRealName(*named, shape);
            calls.push_back(Call(sweep, method,
                                 absl::StrCat(name, TopLevelLabel(top_level), suffix),
                                 named->SerializeAsString(), fitted, sweep.key));
          }
        }
      }
    }
  }
  return calls;
}

std::string ErrorProblem(const SweptCall& call) {
  const grpc::Status& status = call.status;
  const std::string got =
      absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
                   " \"", TruncateUtf8(status.error_message(), 200), "\"");
  if (call.metadata_bytes >= kDefaultClientMetadataBytes) {
    return absl::StrCat(call.metadata_bytes, " bytes of metadata, ", got);
  }
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      if (call.accepted_stream) return "";
      [[fallthrough]];
    default:
      // RESOURCE_EXHAUSTED here is the client refusing what it was sent; INTERNAL or UNKNOWN a
      // server that did not recognise the request as bad.
      return absl::StrCat("not an error the API gives for a bad request: ", got);
  }
  if (status.error_details().empty()) return "";
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "details that do not parse";
  if (details.code() != static_cast<int>(status.error_code()) ||
      details.message() != status.error_message()) {
    return absl::StrCat("details (code ", details.code(), ") that disagree with ", got);
  }
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    if (static_cast<size_t>(bad_request.field_violations_size()) > kMaxFieldViolations) {
      return absl::StrCat(bad_request.field_violations_size(), " field violations");
    }
    // A request has far fewer fields than this: more violations means one per element.
    const int counted = bad_request.field_violations_size() + ViolationsLeftOut(details.message());
    if (call.lists_over_limits && counted >= kListOverEveryLimit / 10) {
      return absl::StrCat(counted, " violations counted: lists over their limit were checked ",
                          "element by element, ", got);
    }
    for (const auto& violation : bad_request.field_violations()) {
      if (violation.field().empty()) return absl::StrCat("a violation naming no field, ", got);
    }
  }
  return "";
}

std::vector<std::string> MethodsWithProblems(const std::vector<SweptCall>& calls) {
  std::map<std::string, std::vector<std::string>> problems;
  for (const SweptCall& call : calls) {
    std::string problem = ErrorProblem(call);
    if (!problem.empty()) {
      problems[call.method].push_back(absl::StrCat(call.request, ": ", problem));
    }
  }
  std::vector<std::string> out;
  for (const auto& [method, list] : problems) {
    out.push_back(absl::StrCat(method, ": ", absl::StrJoin(list, "; ")));
  }
  return out;
}

}  // namespace coalition::testing
