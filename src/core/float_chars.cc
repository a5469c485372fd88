#include "core/float_chars.h"

#include <errno.h>
#include <locale.h>
#include <stdlib.h>

#include <cmath>
#include <limits>
#include <string>

#if defined(__APPLE__)
#include <xlocale.h>
#endif

namespace lyn {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Whether [p, last) starts with `word` (lowercase ASCII), in any case.
bool starts_with_word(const char* p, const char* last, const char* word) {
  for (; *word; ++word, ++p) {
    if (p == last || (*p | 0x20) != *word) return false;
  }
  return true;
}

// The "C" locale, made once: strtod alone would follow a setlocale() call.
locale_t c_locale() {
  static locale_t loc = ::newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(0));
  return loc;
}

}  // namespace

std::from_chars_result portable_double_from_chars(const char* first, const char* last,
                                                  double& out) {
  const char* p = first;
  const bool neg = p != last && *p == '-';
  if (neg) ++p;
  if (p != last && (*p | 0x20) == 'i') {
    if (!starts_with_word(p, last, "inf")) return {first, std::errc::invalid_argument};
    const char* end = starts_with_word(p, last, "infinity") ? p + 8 : p + 3;
    out = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return {end, std::errc()};
  }
  if (p != last && (*p | 0x20) == 'n') {
    if (!starts_with_word(p, last, "nan")) return {first, std::errc::invalid_argument};
    const char* end = p + 3;
    if (end != last && *end == '(') {
      const char* q = end + 1;
      while (q != last && (is_digit(*q) || ((*q | 0x20) >= 'a' && (*q | 0x20) <= 'z') || *q == '_'))
        ++q;
      if (q != last && *q == ')') end = q + 1;
    }
    out =
        neg ? -std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::quiet_NaN();
    return {end, std::errc()};
  }
  std::size_t digits = 0;
  while (p != last && is_digit(*p)) ++p, ++digits;
  if (p != last && *p == '.') {
    ++p;
    while (p != last && is_digit(*p)) ++p, ++digits;
  }
  if (digits == 0) return {first, std::errc::invalid_argument};
  if (p != last && (*p | 0x20) == 'e') {
    const char* q = p + 1;
    if (q != last && (*q == '+' || *q == '-')) ++q;
    if (q != last && is_digit(*q)) {
      while (q != last && is_digit(*q)) ++q;
      p = q;
    }
  }
  // strtod_l needs a terminated string; the match holds only the grammar
  // above, so strtod_l reads exactly all of it.
  const std::string text(first, p);
  errno = 0;
  const double v = ::strtod_l(text.c_str(), nullptr, c_locale());
  if (errno == ERANGE && (v == 0 || std::isinf(v))) return {p, std::errc::result_out_of_range};
  out = v;
  return {p, std::errc()};
}

std::from_chars_result double_from_chars(const char* first, const char* last, double& out) {
#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
  return std::from_chars(first, last, out);
#else
  return portable_double_from_chars(first, last, out);
#endif
}

}  // namespace lyn
