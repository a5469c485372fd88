// Miscellaneous filters (default, size, date) and lynguine's own filters
// (url_escape, markdownify, relative_url, absolute_url, to_i).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "assess/liquid/date_format.h"
#include "assess/liquid/filter_util.h"
#include "assess/liquid/limits.h"
#include "assess/liquid/number.h"
#include "core/markdown_html.h"
#include "core/url.h"

namespace lyn::liquid {

namespace {

RValue f_default(const RValue& in, const Args& a, const KwArgs& kw) {
  const RValue* af = kwarg(kw, "allow_false");
  bool allow_false = af && af->truthy();
  RValue dflt = a.empty() ? RValue(std::string()) : a[0];
  if (in.is_bool() && !in.as_bool()) return allow_false ? in : dflt;
  if (in.is_none()) return dflt;
  // Empty.__eq__: an empty str, list or dict (an empty range is kept).
  if ((in.is_string() || (in.is_list() && !in.is_range()) || in.is_map()) && in.size() == 0)
    return dflt;
  // The `empty` and `blank` keywords are objects python-liquid's default
  // keeps.
  return in;
}

RValue f_size(const RValue& in, const Args&, const KwArgs&) {
  if (in.is_string() || in.is_list() || in.is_map()) return RValue(static_cast<int64_t>(in.size()));
  return RValue(0);
}

// datetime.fromtimestamp of an int (TZ=UTC): Python's OverflowError past
// time_t, OSError where the C library cannot convert it, ValueError for a
// year outside 1..9999 (the year as glibc's int computes it), checked for
// the time itself and then for the time a day earlier (CPython's probe for
// a fold in local time).
std::optional<ParsedDate> timestamp_date(const RValue& ts, std::string& error_type,
                                         std::string& message) {
  Int t = 0;
  if (ts.is_big() || (t = ts.is_bool() ? Int(ts.as_bool()) : ts.as_int()) > INT64_MAX ||
      t < INT64_MIN) {
    error_type = "OverflowError";
    message = "timestamp out of range for platform time_t";
    return std::nullopt;
  }
  for (Int probe : {t, t - 86400}) {
    std::time_t tt = static_cast<std::time_t>(probe);
    std::tm tm{};
    if (probe < INT64_MIN || !gmtime_r(&tt, &tm)) {
      error_type = "OSError";
      message = "[Errno 75] Value too large for defined data type";
      return std::nullopt;
    }
    int32_t year = static_cast<int32_t>(static_cast<uint32_t>(tm.tm_year) + 1900u);
    if (year < 1 || year > 9999) {
      error_type = "ValueError";
      message = "year " + std::to_string(year) + " is out of range";
      return std::nullopt;
    }
  }
  return from_timestamp(static_cast<double>(t));
}

// python-liquid's date: "now"/"today"; a string of digits is a Unix
// timestamp (any failure raises); other strings go through dateutil (one
// that does not parse comes back unchanged); an int or bool is a timestamp
// (past time_t, or where the C library gives up, it comes back as str());
// anything else is an argument error.
RValue f_date(const RValue& in, const Args& a, const KwArgs&) {
  std::string fmt = py_str(a[0]);
  std::optional<ParsedDate> d;
  if (in.is_undefined()) return RValue(std::string());
  std::string error_type, message;
  if (in.is_string()) {
    std::string s(in.str());
    bool digits = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
    if (s == "now" || s == "today") {
      d = from_timestamp(static_cast<double>(std::time(nullptr)));
    } else if (digits) {
      d = timestamp_date(int_from_digits(s), error_type, message);
      if (!d) throw FatalError{error_type, message};
    } else {
      d = parse_date(s);
    }
    if (!d) return in;
  } else if (in.is_integral() || in.is_bool()) {
    d = timestamp_date(in, error_type, message);
    if (!d) {
      if (error_type == "ValueError") throw FatalError{error_type, message};
      return RValue(py_str(in));
    }
  } else if (const Value* v = in.ref(); v && (v->is_date() || v->is_datetime())) {
    ParsedDate pd;
    if (v->is_date()) {
      pd.dt.year = v->as_date().year;
      pd.dt.month = v->as_date().month;
      pd.dt.day = v->as_date().day;
    } else {
      pd.dt = v->as_datetime();
      pd.is_utc = pd.dt.has_tz && pd.dt.tz_offset_seconds == 0;
    }
    d = pd;
  } else {
    throw FilterError{"date: expected a date or datetime"};
  }
  return RValue(py_strftime(*d, fmt));
}

RValue f_url_escape(const RValue& in, const Args&, const KwArgs&) {
  return RValue(url_quote(in_str(in), "/"));
}

// How deep the Markdown converter would recurse on `text`: per line, its
// blockquote markers plus the indentation after them (a list level per two
// columns, counted generously).
uint64_t markdown_nesting(std::string_view text) {
  uint64_t deepest = 0;
  size_t i = 0;
  while (i < text.size()) {
    uint64_t level = 0, indent = 0;
    for (; i < text.size() && text[i] != '\n'; ++i) {
      if (text[i] == '>') {
        ++level;
        indent = 0;  // spaces between markers are not indentation
      } else if (text[i] == ' ' || text[i] == '\t')
        indent += text[i] == '\t' ? 4 : 1;
      else
        break;
    }
    deepest = std::max(deepest, level + indent / 2);
    while (i < text.size() && text[i] != '\n') ++i;
    ++i;
  }
  return deepest;
}

RValue f_markdownify(const RValue& in, const Args&, const KwArgs&) {
  std::string text = in_str(in);
  // The converter recurses once per nested blockquote or list: refuse input
  // that would take it deeper than the nesting limit (Python-Markdown runs
  // out of recursion there too).
  uint64_t max = Budget::current().limits().liquid_nesting_depth;
  if (uint64_t depth = markdown_nesting(text); max && depth > max)
    throw_limit(Limit::kLiquidNestingDepth, max,
                "markdownify: Markdown nested " + std::to_string(depth) + " levels deep");
  return RValue(markdown_to_html(text));
}

std::string lstrip_slash(std::string s) {
  size_t i = 0;
  while (i < s.size() && s[i] == '/') ++i;
  return s.substr(i);
}

RValue f_relative_url(const RValue& in, const Args&, const KwArgs&) {
  return RValue(url_join("/notebooks/", lstrip_slash(in_str(in))));
}

RValue f_absolute_url(const RValue& in, const Args&, const KwArgs&) {
  return RValue(url_join("http://localhost:8888/notebooks/", lstrip_slash(in_str(in))));
}

// lynguine's to_i: int(float(str(x))); empty or undefined gives 0.
RValue f_to_i(const RValue& in, const Args&, const KwArgs&) {
  std::string s = in_str(in);
  if (s.empty()) return RValue(0);  // "", nil and undefined
  std::optional<double> f =
      in.is_number() ? std::optional<double>(in.to_double()) : parse_py_float(s);
  if (!f) throw FatalError{"ValueError", "Invalid input for conversion to integer: '" + s + "'"};
  if (std::isinf(*f)) throw FatalError{"OverflowError", "cannot convert float infinity to integer"};
  if (std::isnan(*f)) throw FatalError{"ValueError", "cannot convert float NaN to integer"};
  double t = std::trunc(*f);
  if (std::fabs(t) < 1e38) return RValue(static_cast<Int>(t));
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.0f", t);
  return int_from_digits(buf);
}

// python-liquid's extra filters: safe marks text as not to be escaped (a
// no-op without autoescape, as lynguine renders), escapejs writes the
// characters a JavaScript string literal must not hold as \uXXXX.
RValue f_safe(const RValue& in, const Args&, const KwArgs&) {
  return RValue(in_str(in));
}

RValue f_escapejs(const RValue& in, const Args&, const KwArgs&) {
  std::string s = in_str(in), out;
  static const char* kEscaped = "\\'\"><&=-;`";
  auto escape = [&](unsigned cp) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\u%04X", cp);
    out += buf;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 32 || std::strchr(kEscaped, c)) {
      escape(c);
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      escape(static_cast<unsigned char>(s[i + 2]) == 0xA8 ? 0x2028 : 0x2029);  // separators
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return RValue(out);
}

}  // namespace

const std::vector<FilterDef>& misc_filters() {
  static const std::vector<FilterDef> defs = {
      {"default", f_default, 0, 1},
      {"size", f_size, 0, 0},
      {"date", f_date, 1, 1},
      {"url_escape", f_url_escape, 0, 0},
      {"markdownify", f_markdownify, 0, 0},
      {"relative_url", f_relative_url, 0, 0},
      {"absolute_url", f_absolute_url, 0, 0},
      {"to_i", f_to_i, 0, 0},
      {"safe", f_safe, 0, 0},
      {"escapejs", f_escapejs, 0, 0},
  };
  return defs;
}

}  // namespace lyn::liquid
