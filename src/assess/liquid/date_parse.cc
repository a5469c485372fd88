// parse_date: python-dateutil 2.8.2's parser.parse(timestr) with its
// defaults (no dayfirst, no yearfirst, not fuzzy), as python-liquid's `date`
// filter calls it: the timelex tokenizer, the numeric-token rules (YYYYMMDD,
// HHMMSS, HH:MM[:SS[.ss]], 01-01-01, 12h, a lone number as year, month or
// day...), the year/month/day resolution, two-digit years within 50 years
// of now, and the build on top of today at midnight (UTC). A string dateutil
// rejects gives nullopt.
#include <algorithm>
#include <cctype>
#include <climits>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "assess/liquid/date_format.h"
#include "assess/liquid/filters.h"
#include "core/case.h"

namespace lyn::liquid {

namespace {

// Python's ValueError/IndexError inside _parse: the string does not parse.
struct Reject {};

bool is_alpha(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80;
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// _timelex.split.
std::vector<std::string> timelex(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == '\0') ++i;
    if (i >= s.size()) break;
    std::string token(1, s[i]);
    char state = 0;  // 'a' word, '0' number, 'A' word with dots, 'N' number with dots
    bool seen_letters = false;
    if (is_alpha(s[i])) {
      state = 'a';
    } else if (is_digit(s[i])) {
      state = '0';
    } else if (is_space(s[i])) {
      token = " ";
    }
    ++i;
    while (state && i < s.size()) {
      char c = s[i];
      if (c == '\0') {
        ++i;
        continue;
      }
      if (state == 'a') {
        seen_letters = true;
        if (is_alpha(c)) {
          token += c;
        } else if (c == '.') {
          token += c;
          state = 'A';
        } else {
          break;
        }
      } else if (state == '0') {
        if (is_digit(c)) {
          token += c;
        } else if (c == '.' || (c == ',' && token.size() >= 2)) {
          token += c;
          state = 'N';
        } else {
          break;
        }
      } else if (state == 'A') {
        seen_letters = true;
        if (c == '.' || is_alpha(c)) {
          token += c;
        } else if (is_digit(c) && token.back() == '.') {
          token += c;
          state = 'N';
        } else {
          break;
        }
      } else {  // 'N'
        if (c == '.' || is_digit(c)) {
          token += c;
        } else if (is_alpha(c) && token.back() == '.') {
          token += c;
          state = 'A';
        } else {
          break;
        }
      }
      ++i;
    }
    bool dotted = state == 'A' || state == 'N';
    if (dotted && (seen_letters || std::count(token.begin(), token.end(), '.') > 1 ||
                   token.back() == '.' || token.back() == ',')) {
      // re.split("([.,])"): the pieces and the separators, empty pieces dropped.
      std::string piece;
      bool first = true;
      for (char c : token) {
        if (c == '.' || c == ',') {
          if (first || !piece.empty()) out.push_back(piece);
          first = false;
          piece.clear();
          out.push_back(std::string(1, c));
        } else {
          piece += c;
        }
      }
      if (!piece.empty()) out.push_back(piece);
      continue;
    }
    if (state == 'N' && token.find('.') == std::string::npos)
      std::replace(token.begin(), token.end(), ',', '.');
    out.push_back(token);
  }
  return out;
}

// An int of Python's int(str) for the digit strings the parser meets;
// beyond a C long, OverflowError later on.
int64_t py_int(const std::string& s) {
  if (!all_digits(s)) throw Reject{};
  int64_t v = 0;
  for (char c : s) {
    if (v > (INT64_MAX - (c - '0')) / 10) return INT64_MAX;
    v = v * 10 + (c - '0');
  }
  return v;
}

// A decimal token ("12", "1.5"): its integer part and fraction digits.
struct Num {
  int64_t whole = 0;
  std::string frac;  // digits after the point, trailing zeros dropped
  bool has_frac() const { return !frac.empty(); }
  // int(60 * (value % 1)).
  int64_t sixty_frac() const {
    __int128 f = 0, scale = 1;
    for (size_t k = 0; k < frac.size() && k < 30; ++k) {
      f = f * 10 + (frac[k] - '0');
      scale *= 10;
    }
    return static_cast<int64_t>(f * 60 / scale);
  }
  bool less_than(int64_t n) const { return whole < n; }
  bool greater_than(int64_t n) const { return whole > n || (whole == n && has_frac()); }
};

// float(token) succeeds: a digit run with at most one point, or inf/nan
// (which _to_decimal then rejects).
bool numeric(const std::string& t, bool& finite) {
  std::string w = ascii_lower(t);
  if (w == "inf" || w == "infinity" || w == "nan") {
    finite = false;
    return true;
  }
  finite = true;
  size_t dots = std::count(t.begin(), t.end(), '.');
  size_t digits = std::count_if(t.begin(), t.end(), is_digit);
  return dots <= 1 && digits > 0 && digits + dots == t.size();
}

Num to_num(const std::string& t) {
  Num n;
  size_t dot = t.find('.');
  n.whole = py_int(dot == std::string::npos ? t : (dot == 0 ? "0" : t.substr(0, dot)));
  if (dot != std::string::npos) {
    n.frac = t.substr(dot + 1);
    while (!n.frac.empty() && n.frac.back() == '0') n.frac.pop_back();
  }
  return n;
}

const char* const kJump[] = {" ",   ".",  ",", ";", "-",  "/",  "'",  "at", "on",
                             "and", "ad", "m", "t", "of", "st", "nd", "rd", "th"};

bool jump(const std::string& t) {
  std::string w = ascii_lower(t);
  for (const char* j : kJump)
    if (w == j) return true;
  return false;
}

int weekday(const std::string& t) {
  static const char* kDays[][2] = {{"mon", "monday"},   {"tue", "tuesday"}, {"wed", "wednesday"},
                                   {"thu", "thursday"}, {"fri", "friday"},  {"sat", "saturday"},
                                   {"sun", "sunday"}};
  std::string w = ascii_lower(t);
  for (int i = 0; i < 7; ++i)
    if (w == kDays[i][0] || w == kDays[i][1]) return i;
  return -1;
}

int month(const std::string& t) {
  static const char* kMonths[][3] = {
      {"jan", "january", ""}, {"feb", "february", ""}, {"mar", "march", ""},
      {"apr", "april", ""},   {"may", "may", ""},      {"jun", "june", ""},
      {"jul", "july", ""},    {"aug", "august", ""},   {"sep", "sept", "september"},
      {"oct", "october", ""}, {"nov", "november", ""}, {"dec", "december", ""}};
  std::string w = ascii_lower(t);
  for (int i = 0; i < 12; ++i)
    for (const char* m : kMonths[i])
      if (*m && w == m) return i + 1;
  return 0;
}

int hms(const std::string& t) {
  std::string w = ascii_lower(t);
  if (w == "h" || w == "hour" || w == "hours") return 0;
  if (w == "m" || w == "minute" || w == "minutes") return 1;
  if (w == "s" || w == "second" || w == "seconds") return 2;
  return -1;
}

int ampm(const std::string& t) {
  std::string w = ascii_lower(t);
  if (w == "am" || w == "a") return 0;
  if (w == "pm" || w == "p") return 1;
  return -1;
}

bool utc_zone(const std::string& t) {
  std::string w = ascii_lower(t);
  return w == "utc" || w == "gmt" || w == "z";
}

bool leap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t month_days(int64_t y, int64_t m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// dateutil's _ymd: the date numbers with what is known of each.
struct Ymd {
  std::vector<int64_t> v;
  bool century_specified = false;
  int y = -1, m = -1, d = -1;  // indices of labelled members

  bool could_be_day(const Num& value) const {
    if (d >= 0) return false;
    if (value.whole < 1) return false;
    int64_t max = 31;
    if (m >= 0) max = month_days(y >= 0 ? v[y] : 2000, v[m]);
    return !value.greater_than(max);
  }
  // append(val, label) with a digit string.
  void append_str(const std::string& s, char label = 0) {
    if (all_digits(s) && s.size() > 2) {
      century_specified = true;
      if (label && label != 'Y') throw Reject{};
      label = 'Y';
    }
    push(py_int(s), label);
  }
  // append(val, label) with a number (int() truncates).
  void append_num(const Num& n, char label = 0) {
    if (n.greater_than(100)) {
      century_specified = true;
      if (label && label != 'Y') throw Reject{};
      label = 'Y';
    }
    push(n.whole, label);
  }
  void push(int64_t val, char label) {
    v.push_back(val);
    int idx = static_cast<int>(v.size()) - 1;
    int* slot = label == 'M' ? &m : label == 'D' ? &d : label == 'Y' ? &y : nullptr;
    if (!slot) return;
    if (*slot >= 0) throw Reject{};
    *slot = idx;
  }

  // resolve_ymd(yearfirst=False, dayfirst=False): year, month, day or -1.
  void resolve(int64_t& year, int64_t& mon, int64_t& day) const {
    year = mon = day = -1;
    size_t n = v.size();
    int known = (y >= 0) + (m >= 0) + (d >= 0);
    if ((known > 0 && static_cast<size_t>(known) == n) || (n == 3 && known == 2)) {
      int yi = y, mi = m, di = d;
      if (n == 3 && known == 2) {  // the one left is the third
        int missing = 3 - (yi >= 0 ? yi : 0) - (mi >= 0 ? mi : 0) - (di >= 0 ? di : 0);
        if (yi < 0) yi = missing;
        if (mi < 0) mi = missing;
        if (di < 0) di = missing;
      }
      if (yi >= 0) year = v[yi];
      if (mi >= 0) mon = v[mi];
      if (di >= 0) day = v[di];
      return;
    }
    if (n > 3) throw Reject{};
    if (n == 1 || (m >= 0 && n == 2)) {
      int64_t other;
      if (m >= 0) {
        mon = v[m];
        other = v[m == 0 ? n - 1 : m - 1];
      } else {
        other = v[0];
      }
      if (n > 1 || m < 0) (other > 31 ? year : day) = other;
    } else if (n == 2) {
      if (v[0] > 31) {
        year = v[0], mon = v[1];
      } else if (v[1] > 31) {
        mon = v[0], year = v[1];
      } else {
        mon = v[0], day = v[1];
      }
    } else if (n == 3) {
      if (m == 0) {
        if (v[1] > 31)
          mon = v[0], year = v[1], day = v[2];
        else
          mon = v[0], day = v[1], year = v[2];
      } else if (m == 1) {
        if (v[0] > 31)
          year = v[0], mon = v[1], day = v[2];
        else
          day = v[0], mon = v[1], year = v[2];
      } else if (m == 2) {
        if (v[1] > 31)
          day = v[0], year = v[1], mon = v[2];
        else
          year = v[0], day = v[1], mon = v[2];
      } else if (v[0] > 31 || y == 0) {
        year = v[0], mon = v[1], day = v[2];
      } else if (v[0] > 12) {
        day = v[0], mon = v[1], year = v[2];
      } else {
        mon = v[0], day = v[1], year = v[2];
      }
    }
  }
};

// parser._result: -1 (or empty) is None.
struct Res {
  int64_t year = -1, month = -1, day = -1, hour = -1, minute = -1, second = -1, microsecond = -1;
  int weekday = -1, ampm = -1;
  bool has_tzname = false, has_tzoffset = false;
  std::string tzname;
  int tzoffset = 0;
  bool century_specified = false;
};

struct Parser {
  std::vector<std::string> l;
  Res res;
  Ymd ymd;

  const std::string& at(size_t i) const {
    if (i >= l.size()) throw Reject{};  // IndexError
    return l[i];
  }

  static std::pair<int64_t, int64_t> parsems(const std::string& value) {
    size_t dot = value.find('.');
    if (dot == std::string::npos) return {py_int(value), 0};
    std::string f = value.substr(dot + 1);
    if (f.find('.') != std::string::npos) throw Reject{};
    f.resize(std::max<size_t>(f.size(), 6), '0');
    return {py_int(value.substr(0, dot)), py_int(f.substr(0, 6))};
  }

  void min_sec(const Num& value) {
    res.minute = value.whole;
    res.second = value.has_frac() ? value.sixty_frac() : -1;
  }

  static int64_t adjust_ampm(int64_t hour, int ap) {
    if (hour < 12 && ap == 1) hour += 12;
    if (hour == 12 && ap == 0) hour = 0;
    return hour;
  }

  int find_hms_idx(size_t idx) const {
    size_t n = l.size();
    if (idx + 1 < n && hms(l[idx + 1]) >= 0) return static_cast<int>(idx + 1);
    if (idx + 2 < n && l[idx + 1] == " " && hms(l[idx + 2]) >= 0) return static_cast<int>(idx + 2);
    if (idx > 0 && hms(l[idx - 1]) >= 0) return static_cast<int>(idx - 1);
    if (1 < idx && idx == n - 1 && l[idx - 1] == " " && hms(l[idx - 2]) >= 0)
      return static_cast<int>(idx - 2);
    return -1;
  }

  bool could_be_tzname(const std::string& token, bool offset_known) const {
    if (res.hour < 0 || res.has_tzname || offset_known || token.size() > 5) return false;
    if (token == "UTC" || token == "GMT" || token == "Z" || token == "z") return true;
    return std::all_of(token.begin(), token.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  }

  size_t numeric_token(size_t idx) {
    const std::string s = l[idx];
    bool finite;
    numeric(s, finite);
    if (!finite) throw Reject{};
    Num value = to_num(s);
    size_t len_li = s.size(), n = l.size();
    if (ymd.v.size() == 3 && (len_li == 2 || len_li == 4) && res.hour < 0 &&
        (idx + 1 >= n || (l[idx + 1] != ":" && hms(l[idx + 1]) < 0))) {
      res.hour = py_int(s.substr(0, 2));
      if (len_li == 4) res.minute = py_int(s.substr(2));
    } else if (len_li == 6 || (len_li > 6 && s.find('.') == 6)) {
      if (ymd.v.empty() && s.find('.') == std::string::npos) {
        ymd.append_str(s.substr(0, 2));
        ymd.append_str(s.substr(2, 2));
        ymd.append_str(s.substr(4));
      } else {
        res.hour = py_int(s.substr(0, 2));
        res.minute = py_int(s.substr(2, 2));
        auto [sec, us] = parsems(s.substr(4));
        res.second = sec, res.microsecond = us;
      }
    } else if (len_li == 8 || len_li == 12 || len_li == 14) {
      ymd.append_str(s.substr(0, 4), 'Y');
      ymd.append_str(s.substr(4, 2));
      ymd.append_str(s.substr(6, 2));
      if (len_li > 8) {
        res.hour = py_int(s.substr(8, 2));
        res.minute = py_int(s.substr(10, 2));
        if (len_li > 12) res.second = py_int(s.substr(12));
      }
    } else if (int hms_idx = find_hms_idx(idx); hms_idx >= 0) {
      int h;
      if (static_cast<size_t>(hms_idx) > idx) {
        h = hms(l[hms_idx]);
        idx = hms_idx;
      } else {
        h = hms(l[hms_idx]) + 1;
      }
      if (h == 0) {
        res.hour = value.whole;
        if (value.has_frac()) res.minute = value.sixty_frac();
      } else if (h == 1) {
        min_sec(value);
      } else if (h == 2) {
        auto [sec, us] = parsems(s);
        res.second = sec, res.microsecond = us;
      }
    } else if (idx + 2 < n && l[idx + 1] == ":") {
      res.hour = value.whole;
      bool fin;
      if (!numeric(l[idx + 2], fin) || !fin) throw Reject{};
      min_sec(to_num(l[idx + 2]));
      if (idx + 4 < n && l[idx + 3] == ":") {
        auto [sec, us] = parsems(l[idx + 4]);
        res.second = sec, res.microsecond = us;
        idx += 2;
      }
      idx += 2;
    } else if (idx + 1 < n && (l[idx + 1] == "-" || l[idx + 1] == "/" || l[idx + 1] == ".")) {
      std::string sep = l[idx + 1];
      ymd.append_str(s);
      if (idx + 2 < n && !jump(l[idx + 2])) {
        if (all_digits(l[idx + 2])) {
          ymd.append_str(l[idx + 2]);
        } else if (int mo = month(l[idx + 2])) {
          ymd.push(mo, 'M');
        } else {
          throw Reject{};
        }
        if (idx + 3 < n && l[idx + 3] == sep) {
          if (int mo = month(at(idx + 4)))
            ymd.push(mo, 'M');
          else
            ymd.append_str(l[idx + 4]);
          idx += 2;
        }
        idx += 1;
      }
      idx += 1;
    } else if (idx + 1 >= n || jump(l[idx + 1])) {
      if (idx + 2 < n && ampm(l[idx + 2]) >= 0) {
        res.hour = adjust_ampm(value.whole, ampm(l[idx + 2]));
        idx += 1;
      } else {
        ymd.append_num(value);
      }
      idx += 1;
    } else if (ampm(l[idx + 1]) >= 0 && value.less_than(24)) {
      res.hour = adjust_ampm(value.whole, ampm(l[idx + 1]));
      idx += 1;
    } else if (ymd.could_be_day(value)) {
      ymd.append_num(value);
    } else {
      throw Reject{};
    }
    return idx;
  }

  void parse() {
    size_t n = l.size();
    for (size_t i = 0; i < n; ++i) {
      bool finite;
      if (numeric(l[i], finite)) {
        i = numeric_token(i);
      } else if (int wd = weekday(l[i]); wd >= 0) {
        res.weekday = wd;
      } else if (int mo = month(l[i])) {
        ymd.push(mo, 'M');
        if (i + 1 < n) {
          if (l[i + 1] == "-" || l[i + 1] == "/") {
            std::string sep = l[i + 1];
            ymd.append_str(at(i + 2));
            if (i + 3 < n && l[i + 3] == sep) {
              ymd.append_str(at(i + 4));
              i += 2;
            }
            i += 2;
          } else if (i + 4 < n && l[i + 1] == " " && l[i + 3] == " " &&
                     ascii_lower(l[i + 2]) == "of") {
            if (all_digits(l[i + 4]))
              ymd.append_str(std::to_string(convert_year(py_int(l[i + 4]), false)), 'Y');
            i += 4;
          }
        }
      } else if (int ap = ampm(l[i]); ap >= 0) {
        if (res.hour < 0 || res.hour > 12) throw Reject{};
        res.hour = adjust_ampm(res.hour, ap);
        res.ampm = ap;
      } else if (could_be_tzname(l[i], res.has_tzoffset)) {
        res.has_tzname = true;
        res.tzname = l[i];
        bool zero = l[i] == "UTC" || l[i] == "GMT" || l[i] == "Z" || l[i] == "z";
        res.has_tzoffset = zero;
        res.tzoffset = 0;
        if (i + 1 < n && (l[i + 1] == "+" || l[i + 1] == "-")) {
          // "GMT+3" means "my time +3 is GMT".
          l[i + 1] = l[i + 1] == "+" ? "-" : "+";
          res.has_tzoffset = false;
          if (utc_zone(res.tzname)) {
            res.has_tzname = false;
            res.tzname.clear();
          }
        }
      } else if (res.hour >= 0 && (l[i] == "+" || l[i] == "-")) {
        int sign = l[i] == "+" ? 1 : -1;
        const std::string& off = at(i + 1);
        int64_t h, m = 0;
        if (off.size() == 4) {
          h = py_int(off.substr(0, 2));
          m = py_int(off.substr(2));
        } else if (i + 2 < n && l[i + 2] == ":") {
          h = py_int(off);
          m = py_int(at(i + 3));
          i += 2;
        } else if (off.size() <= 2) {
          h = py_int(off);
        } else {
          throw Reject{};
        }
        if (h > 1000000 || m > 1000000) throw Reject{};
        res.has_tzoffset = true;
        res.tzoffset = static_cast<int>(sign * (h * 3600 + m * 60));
        if (i + 5 < n && jump(l[i + 2]) && l[i + 3] == "(" && l[i + 5] == ")" &&
            l[i + 4].size() >= 3 && could_be_tzname(l[i + 4], false)) {
          res.has_tzname = true;
          res.tzname = l[i + 4];
          i += 4;
        }
        i += 1;
      } else if (!jump(l[i])) {
        throw Reject{};
      }
    }
    ymd.resolve(res.year, res.month, res.day);
    res.century_specified = ymd.century_specified;
  }

  // parserinfo.convertyear: a two-digit year within 50 years of now.
  static int64_t convert_year(int64_t year, bool century_specified) {
    if (year < 100 && !century_specified) {
      std::time_t now = std::time(nullptr);
      std::tm tm{};
      gmtime_r(&now, &tm);
      int64_t this_year = tm.tm_year + 1900;
      year += this_year / 100 * 100;
      if (year >= this_year + 50)
        year -= 100;
      else if (year < this_year - 50)
        year += 100;
    }
    return year;
  }
};

}  // namespace

std::optional<ParsedDate> parse_date(std::string_view s) {
  Parser p;
  p.l = timelex(s);
  try {
    p.parse();
  } catch (const Reject&) {
    return std::nullopt;
  }
  Res& r = p.res;
  if (r.year >= 0) r.year = Parser::convert_year(r.year, r.century_specified);
  // parserinfo.validate.
  if ((r.has_tzoffset && r.tzoffset == 0 && !r.has_tzname) ||
      (r.has_tzname && (r.tzname == "Z" || r.tzname == "z"))) {
    r.has_tzname = true;
    r.tzname = "UTC";
    r.has_tzoffset = true;
    r.tzoffset = 0;
  } else if (!(r.has_tzoffset && r.tzoffset == 0) && r.has_tzname && utc_zone(r.tzname)) {
    r.has_tzoffset = true;
    r.tzoffset = 0;
  }
  bool any = r.year >= 0 || r.month >= 0 || r.day >= 0 || r.weekday >= 0 || r.hour >= 0 ||
             r.minute >= 0 || r.second >= 0 || r.microsecond >= 0 || r.has_tzname ||
             r.has_tzoffset || r.ampm >= 0;
  if (!any) return std::nullopt;
  // _build_naive: today at midnight with what was found replaced.
  std::time_t now = std::time(nullptr);
  std::tm today{};
  gmtime_r(&now, &today);
  int64_t year = r.year >= 0 ? r.year : today.tm_year + 1900;
  int64_t mon = r.month >= 0 ? r.month : today.tm_mon + 1;
  int64_t day = r.day >= 0 ? r.day : today.tm_mday;
  // With no day found, monthrange(year, month) comes first: a month out of
  // 1..12 is its ValueError (the text is returned unchanged) before
  // replace() meets a year too large for C.
  if (r.day < 0 && (mon < 1 || mon > 12)) return std::nullopt;
  for (int64_t v : {year, mon, day, r.hour, r.minute, r.second, r.microsecond})
    if (v > INT_MAX) throw FatalError{"OverflowError", "signed integer is greater than maximum"};
  if (year < 1 || year > 9999 || mon < 1 || mon > 12) return std::nullopt;
  if (r.day < 0 && day > month_days(year, mon)) day = month_days(year, mon);
  if (day < 1 || day > month_days(year, mon)) return std::nullopt;
  ParsedDate pd;
  DateTime& d = pd.dt;
  d.year = static_cast<int>(year);
  d.month = static_cast<int>(mon);
  d.day = static_cast<int>(day);
  d.hour = static_cast<int>(std::max<int64_t>(r.hour, 0));
  d.minute = static_cast<int>(std::max<int64_t>(r.minute, 0));
  d.second = static_cast<int>(std::max<int64_t>(r.second, 0));
  d.microsecond = static_cast<int>(std::max<int64_t>(r.microsecond, 0));
  if (d.hour > 23 || d.minute > 59 || d.second > 59 || d.microsecond > 999999) return std::nullopt;
  if (r.weekday >= 0 && r.day <= 0) {
    // relativedelta(weekday=...): the next such day, today included.
    std::tm tm{};
    tm.tm_year = d.year - 1900;
    tm.tm_mon = d.month - 1;
    tm.tm_mday = d.day;
    std::time_t t = timegm(&tm);
    gmtime_r(&t, &tm);
    int py_wd = (tm.tm_wday + 6) % 7;  // Monday is 0
    t += static_cast<std::time_t>((r.weekday - py_wd + 7) % 7) * 86400;
    gmtime_r(&t, &tm);
    if (tm.tm_year + 1900 > 9999) throw FatalError{"OverflowError", "date value out of range"};
    d.year = tm.tm_year + 1900;
    d.month = tm.tm_mon + 1;
    d.day = tm.tm_mday;
  }
  // _build_tzaware: UTC (by name, as the local zone is UTC, or by a zero
  // offset), a fixed offset, or naive for a name it does not know.
  if (r.has_tzname && r.tzname == "UTC") {
    pd.is_utc = true;
  } else if (r.has_tzoffset && r.tzoffset == 0) {
    pd.is_utc = true;
  } else if (r.has_tzoffset) {
    d.has_tz = true;
    d.tz_offset_seconds = r.tzoffset;
    pd.tz_name = r.has_tzname ? r.tzname : "";
    return pd;
  } else {
    return pd;
  }
  d.has_tz = true;
  d.tz_offset_seconds = 0;
  return pd;
}

}  // namespace lyn::liquid
