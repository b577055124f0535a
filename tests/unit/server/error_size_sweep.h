#ifndef COALITION_TESTS_UNIT_SERVER_ERROR_SIZE_SWEEP_H_
#define COALITION_TESTS_UNIT_SERVER_ERROR_SIZE_SWEEP_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/support/status.h>
#include <grpcpp/support/string_ref.h>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

// Sends every method of a service the worst request it can be given, so that a test can check
// that each error still reaches a default client: one whose metadata limit is 8 KiB.
namespace coalition::testing {

// What a default gRPC client accepts in the metadata of a response (GRPC_ARG_MAX_METADATA_SIZE).
inline constexpr size_t kDefaultClientMetadataBytes = 8 * 1024;
// How many elements a list of a hostile request gets: far over every limit of the API, or
// within every one (the smallest is 20), where each element is checked and each is bad.
inline constexpr int kListOverEveryLimit = 5000;
inline constexpr int kListWithinEveryLimit = 20;

// How a hostile request is built: every list full of invalid elements (lists inside the first
// element only, to stay within a request's 4 MiB), every string text of characters that grow
// when escaped (over every text limit where there is room), every number and enum out of range.
struct HostileShape {
  // When set, the request's own references (a top-level name, parent, coalition or person, and
  // the name of the resource it carries) name this existing resource, and its etag is left
  // empty, so that validation gets past them to the rest.
  std::string real_name;
  // With a real name, what else of the request's top level is left empty, since each of its
  // fields could refuse the request on its own before the resource it carries is looked at.
  enum class TopLevel {
    kHostile,
    kQuietButTheMask,  // the fields that are neither lists nor messages: ids, notes, filters
    kQuiet,            // those and the update mask
  };
  TopLevel top_level = TopLevel::kHostile;
  // Which field of each oneof is set (modulo the oneof's size), and whether numbers sit at the
  // bottom (even) or the top (odd) of their range.
  int choice = 0;
  int list_length = kListOverEveryLimit;
};

// Lowers shape.list_length when the request would not fit in a message a server accepts.
std::unique_ptr<google::protobuf::Message> HostileRequest(
    const google::protobuf::Descriptor* descriptor, HostileShape& shape);

// The bytes a response's metadata takes as HTTP/2 counts a header list (RFC 7540, 6.5.2),
// which is what a client's limit is held to: each entry's key and value as sent (a binary value
// base64-encoded, grpc-message percent-encoded) plus 32 bytes, for the initial and trailing
// metadata and the :status and content-type that a trailers-only error carries with them.
// gRPC C++ counts less, so this bound holds for it and for stricter clients alike.
size_t ResponseMetadataBytes(const std::multimap<grpc::string_ref, grpc::string_ref>& initial,
                             const std::multimap<grpc::string_ref, grpc::string_ref>& trailing,
                             const grpc::Status& status);

struct ErrorSweep {
  std::shared_ptr<grpc::Channel> channel;
  const google::protobuf::ServiceDescriptor* service = nullptr;
  // A key that may call every method of the service.
  std::string key;
  // Existing resources, each tried as the real_name of a HostileShape; made anew for each
  // method, since a Delete given a real name deletes it.
  std::function<std::vector<std::string>()> real_names;
};

struct SweptCall {
  std::string method;   // "MembershipService/CreateTeam"
  std::string request;  // how it was built: "no key", "garbage, lists of 20, #1", a real name
  grpc::Status status;
  size_t metadata_bytes = 0;
  bool accepted_stream = false;    // a streaming response the server started, cut by the deadline
  bool lists_over_limits = false;  // every list had kListOverEveryLimit elements
};

// Calls every method of `sweep.service` (streaming ones too) through a generic stub with a
// default channel: with no key, with a key and request id of kilobytes of junk, then with the
// key on garbage and on each real name.
std::vector<SweptCall> SweepErrors(const ErrorSweep& sweep);

// What is wrong with the answer a swept call got, or "" when it is an error the server chose
// (its own code, its details agreeing) that a default client received whole, and, for lists
// over their limits, one that counted a violation per list rather than one per element.
std::string ErrorProblem(const SweptCall& call);

// Each method with a problem, as "Method: request: problem; request: problem".
std::vector<std::string> MethodsWithProblems(const std::vector<SweptCall>& calls);

}  // namespace coalition::testing

#endif  // COALITION_TESTS_UNIT_SERVER_ERROR_SIZE_SWEEP_H_
