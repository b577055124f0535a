#ifndef COALITION_LIBS_CORE_VALIDATION_H_
#define COALITION_LIBS_CORE_VALIDATION_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"
#include "libs/core/status.h"

// Checks shared by every service's request validation. Each adds a violation naming the field.
namespace coalition {

inline constexpr size_t kMaxNameLength = 200;   // display names, metrics, titles
inline constexpr size_t kMaxTextLength = 4000;  // notes, sentences, minutes paragraphs
inline constexpr size_t kMaxRequestIdLength = 100;
// The bytes a text limit allows per character: UTF-8's longest code point. A text is checked in
// bytes as well as in code points, so that what is stored is bounded whatever the text holds.
inline constexpr size_t kMaxBytesPerCharacter = 4;

// Length in characters (UTF-8 code points); proto3 has already checked the encoding.
size_t Utf8Length(absl::string_view text);

void RequireText(FieldViolations& v, std::string field, absl::string_view value, size_t max_length);
void LimitText(FieldViolations& v, std::string field, absl::string_view value, size_t max_length);
// Adds a violation when a list is longer than `max_count`. Returns how many of its elements to
// check one by one: all of them, or none for a list over its limit, whose per-element errors
// would only repeat the same point thousands of times.
int LimitItems(FieldViolations& v, std::string field, int count, int max_count);
// Empty is allowed (no request id); otherwise printable ASCII up to kMaxRequestIdLength.
void CheckRequestId(FieldViolations& v, absl::string_view request_id);

// A reference to a resource directly under network `network_id`
// (networks/{n}/{collection}/{id}): its shape and its network. Empty is allowed unless
// `required`.
void CheckNetworkRef(FieldViolations& v, const std::string& field, absl::string_view name,
                     absl::string_view collection, absl::string_view network_id,
                     bool required = false);
// A reference to a resource of `collection` in one coalition
// (networks/{n}/coalitions/{c}/{collection}/{id}): its shape and its coalition.
void CheckCoalitionRef(FieldViolations& v, const std::string& field, absl::string_view name,
                       absl::string_view collection, absl::string_view network_id,
                       absl::string_view coalition_id, bool required = false);

bool IsValidEmail(absl::string_view email);

// `text` lowercased letter by letter, beyond ASCII too ("Ángela" -> "ángela"), so that name
// searches ignore case in every language the names come in. Invalid UTF-8 bytes are kept.
std::string FoldCase(absl::string_view text);
// Two-letter USPS codes of the states, DC and the territories and freely associated states.
bool IsUsJurisdictionCode(absl::string_view code);

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_VALIDATION_H_
