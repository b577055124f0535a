#include "libs/core/validation.h"

#include <locale.h>
#include <wctype.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/core/resource_names.h"

namespace coalition {

size_t Utf8Length(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

void RequireText(FieldViolations& v, std::string field, absl::string_view value,
                 size_t max_length) {
  if (value.find_first_not_of(" \t\r\n") == absl::string_view::npos) {
    v.Add(std::move(field), "is required");
    return;
  }
  LimitText(v, std::move(field), value, max_length);
}

void LimitText(FieldViolations& v, std::string field, absl::string_view value, size_t max_length) {
  // Bytes first: they bound what is stored whatever the text holds, and spare counting a
  // megabyte of it.
  if (value.size() > kMaxBytesPerCharacter * max_length) {
    v.Add(std::move(field), absl::StrCat("must be at most ", max_length, " characters (",
                                         kMaxBytesPerCharacter * max_length, " bytes)"));
  } else if (Utf8Length(value) > max_length) {
    v.Add(std::move(field), absl::StrCat("must be at most ", max_length, " characters"));
  }
}

int LimitItems(FieldViolations& v, std::string field, int count, int max_count) {
  if (count <= max_count) return count;
  v.Add(std::move(field), absl::StrCat("must have at most ", max_count, " items"));
  return 0;
}

void CheckRequestId(FieldViolations& v, absl::string_view request_id) {
  if (request_id.size() > kMaxRequestIdLength) {
    v.Add("request_id", absl::StrCat("must be at most ", kMaxRequestIdLength, " characters"));
    return;
  }
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7e) {
      v.Add("request_id", "must be printable ASCII without spaces");
      return;
    }
  }
}

void CheckNetworkRef(FieldViolations& v, const std::string& field, absl::string_view name,
                     absl::string_view collection, absl::string_view network_id, bool required) {
  if (name.empty()) {
    if (required) v.Add(field, "is required");
    return;
  }
  auto parsed = ParseNetworkChild(collection, name, field);
  if (!parsed.ok()) {
    v.Add(field, absl::StrCat("must look like \"networks/{network}/", collection, "/{id}\""));
  } else if (parsed->network != network_id) {
    v.Add(field, "must be in the same network");
  }
}

void CheckCoalitionRef(FieldViolations& v, const std::string& field, absl::string_view name,
                       absl::string_view collection, absl::string_view network_id,
                       absl::string_view coalition_id, bool required) {
  if (name.empty()) {
    if (required) v.Add(field, "is required");
    return;
  }
  auto parsed = ParseCoalitionChild(collection, name, field);
  if (!parsed.ok()) {
    v.Add(field, absl::StrCat("must look like \"networks/{network}/coalitions/{coalition}/",
                              collection, "/{id}\""));
  } else if (parsed->network != network_id || parsed->coalition != coalition_id) {
    v.Add(field, "must be in the same coalition");
  }
}

namespace {

// Decodes one UTF-8 sequence at text[*i]; -1 (and one byte consumed) when it is not valid.
int32_t DecodeUtf8(absl::string_view text, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(*i);
  int length = lead < 0x80           ? 1
               : (lead >> 5) == 0x6  ? 2
               : (lead >> 4) == 0xE  ? 3
               : (lead >> 3) == 0x1E ? 4
                                     : 0;
  if (length == 0 || *i + length > text.size()) {
    ++*i;
    return -1;
  }
  int32_t code = length == 1 ? lead : lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) {
    if ((byte(*i + k) & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    code = (code << 6) | (byte(*i + k) & 0x3F);
  }
  *i += length;
  return code;
}

void EncodeUtf8(int32_t code, std::string* out) {
  if (code < 0x80) {
    out->push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code >> 6)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
}

}  // namespace

std::string FoldCase(absl::string_view text) {
  // glibc's built-in C.UTF-8 locale carries the Unicode case tables; no global locale changes.
  static const locale_t kUtf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    const int32_t code = DecodeUtf8(text, &i);
    if (code < 0) {
      out.append(text.data() + start, i - start);
    } else if (code < 0x80) {
      out.push_back(static_cast<char>(code >= 'A' && code <= 'Z' ? code + 32 : code));
    } else {
      EncodeUtf8(kUtf8 != static_cast<locale_t>(0)
                     ? static_cast<int32_t>(towlower_l(static_cast<wint_t>(code), kUtf8))
                     : code,
                 &out);
    }
  }
  return out;
}

bool IsValidEmail(absl::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  const size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 ||
      email.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  const absl::string_view domain = email.substr(at + 1);
  const size_t dot = domain.rfind('.');
  if (dot == absl::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  for (char c : email) {
    if (c <= 0x20 || c == 0x7f || c == ',' || c == ';' || c == '<' || c == '>') return false;
  }
  return true;
}

bool IsUsJurisdictionCode(absl::string_view code) {
  static const auto* const kCodes = new absl::flat_hash_set<absl::string_view>{
      "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
      "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
      "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
      "VA", "WA", "WV", "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW"};
  return kCodes->contains(code);
}

}  // namespace coalition
