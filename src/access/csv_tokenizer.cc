#include "access/csv_tokenizer.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace lyn::access {

Error csv_parser_error(std::string message) {
  return Error{"ParserError", std::move(message), 400};
}

namespace {

constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kNewlineMask = kOnes * '\n';
constexpr uint64_t kReturnMask = kOnes * '\r';

// Nonzero when some byte of `w` equals the byte repeated in `mask`.
inline uint64_t has_byte(uint64_t w, uint64_t mask) {
  uint64_t x = w ^ mask;
  return (x - kOnes) & ~x & 0x8080808080808080ULL;
}

}  // namespace

CsvTokenizer::CsvTokenizer(std::string_view text, char delimiter, char quotechar)
    : text_(text),
      delim_(delimiter),
      quote_(quotechar),
      delim_mask_(kOnes * static_cast<unsigned char>(delimiter)) {
  special_[static_cast<unsigned char>(delimiter)] = true;
  special_[static_cast<unsigned char>('\n')] = true;
  special_[static_cast<unsigned char>('\r')] = true;
}

size_t CsvTokenizer::line_of_row() const {
  size_t line = 1;
  for (size_t i = 0; i < row_pos_ && i < text_.size(); ++i)
    if (text_[i] == '\n' || (text_[i] == '\r' && (i + 1 >= text_.size() || text_[i + 1] != '\n')))
      ++line;
  return line;
}

size_t CsvTokenizer::field_end(const char* s, size_t i, size_t n) const {
#if defined(__SSE2__)
  // Sixteen bytes at a time: a mask of the bytes that end a field.
  const __m128i d = _mm_set1_epi8(delim_), nl = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
  while (i + 16 <= n) {
    __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    int m = _mm_movemask_epi8(_mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, d), _mm_cmpeq_epi8(x, nl)), _mm_cmpeq_epi8(x, cr)));
    if (m) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(m)));
    i += 16;
  }
#else
  // Eight bytes at a time while none of them ends the field.
  while (i + 8 <= n) {
    uint64_t w;
    std::memcpy(&w, s + i, 8);
    if (has_byte(w, delim_mask_) | has_byte(w, kNewlineMask) | has_byte(w, kReturnMask)) break;
    i += 8;
  }
#endif
  while (i < n && !special_[static_cast<unsigned char>(s[i])]) ++i;
  return i;
}

Result<bool> CsvTokenizer::next(std::vector<std::string_view>& row) {
  row.clear();
  const char* s = text_.data();
  const size_t n = text_.size();
  const char delim = delim_, quote = quote_;
  size_t i = pos_;
  // Blank lines (and lines of only spaces/tabs) are skipped.
  while (i < n) {
    char c0 = s[i];
    if (c0 == '\n') {
      ++i;
      continue;
    }
    if (c0 == '\r') {
      ++i;
      if (i < n && s[i] == '\n') ++i;
      continue;
    }
    // pandas' WHITESPACE_LINE state: a line of spaces and tabs other than
    // the delimiter is blank (with a tab delimiter, " " is; "\t" is not).
    if ((c0 == ' ' || c0 == '\t') && c0 != delim) {
      size_t j = i;
      while (j < n && (s[j] == ' ' || s[j] == '\t') && s[j] != delim) ++j;
      if (j == n || s[j] == '\n' || s[j] == '\r') {
        i = j;
        continue;
      }
    }
    break;
  }
  if (i >= n) {
    pos_ = i;
    return false;
  }
  row_pos_ = i;
  while (true) {
    std::string_view field;
    if (i < n && s[i] == quote) {
      const size_t start = ++i;
      size_t side_start = 0;
      bool copied = false;
      size_t end = 0;
      while (true) {
        const void* q = i < n ? std::memchr(s + i, quote, n - i) : nullptr;
        if (!q)
          return csv_parser_error(
              "Error tokenizing data. C error: EOF inside string starting at row " +
              std::to_string(rows_));
        size_t qpos = static_cast<size_t>(static_cast<const char*>(q) - s);
        if (qpos + 1 < n && s[qpos + 1] == quote) {
          if (!copied) {
            if (side_.capacity() < n) side_.reserve(n);
            side_start = side_.size();
            side_.append(s + start, qpos + 1 - start);
            copied = true;
          } else {
            side_.append(s + i, qpos + 1 - i);
          }
          i = qpos + 2;
          continue;
        }
        if (copied) side_.append(s + i, qpos - i);
        end = qpos;
        i = qpos + 1;
        break;
      }
      // Text after the closing quote joins the field, as pandas does.
      if (i < n && !special_[static_cast<unsigned char>(s[i])]) {
        if (!copied) {
          if (side_.capacity() < n) side_.reserve(n);
          side_start = side_.size();
          side_.append(s + start, end - start);
          copied = true;
        }
        size_t j = i;
        while (j < n && !special_[static_cast<unsigned char>(s[j])]) ++j;
        side_.append(s + i, j - i);
        i = j;
      }
      field = copied ? std::string_view(side_.data() + side_start, side_.size() - side_start)
                     : std::string_view(s + start, end - start);
    } else {
      const size_t start = i;
      i = field_end(s, i, n);
      field = std::string_view(s + start, i - start);
    }
    row.push_back(field);
    if (i >= n) break;
    char c = s[i];
    if (c == delim) {
      ++i;
      continue;
    }
    // End of line.
    ++i;
    if (c == '\r' && i < n && s[i] == '\n') ++i;
    break;
  }
  pos_ = i;
  ++rows_;
  return true;
}

}  // namespace lyn::access
