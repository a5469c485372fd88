#include "assess/liquid/decimal.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <string>

#include "assess/liquid/bigint.h"
#include "assess/liquid/filters.h"

namespace lyn::liquid {

namespace {

constexpr size_t kPrecision = 28;  // decimal.DefaultContext.prec
constexpr long kEmax = 999999;     // decimal.DefaultContext.Emax

[[noreturn]] void raise(const char* condition) {
  throw FatalError{"InvalidOperation", std::string("[<class 'decimal.") + condition + "'>]"};
}

bool is_zero(const Decimal& d) {
  return d.kind == Decimal::Kind::kFinite && d.coefficient == "0";
}

std::string strip_zeros(std::string s) {
  size_t k = s.find_first_not_of('0');
  return k == std::string::npos ? "0" : s.substr(k);
}

// Compares non-negative digit strings without leading zeros.
int compare_digits(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : a.compare(b) > 0 ? 1 : 0;
}

std::string increment(std::string s) {
  for (size_t i = s.size(); i-- > 0;) {
    if (s[i] != '9') {
      ++s[i];
      return s;
    }
    s[i] = '0';
  }
  return "1" + s;
}

// Decimal._fix: rounds to the context's precision (ROUND_HALF_EVEN) and
// raises Overflow past Emax.
Decimal fixed(Decimal d) {
  if (d.kind != Decimal::Kind::kFinite) return d;
  d.coefficient = strip_zeros(d.coefficient);
  if (d.coefficient.size() > kPrecision) {
    size_t drop = d.coefficient.size() - kPrecision;
    std::string keep = d.coefficient.substr(0, kPrecision);
    char first = d.coefficient[kPrecision];
    bool rest = d.coefficient.find_first_not_of('0', kPrecision + 1) != std::string::npos;
    bool odd = (keep.back() - '0') % 2 == 1;
    if (first > '5' || (first == '5' && (rest || odd))) keep = increment(keep);
    if (keep.size() > kPrecision) {
      keep.pop_back();
      ++drop;
    }
    d.coefficient = keep;
    d.exponent += static_cast<long>(drop);
  }
  if (!is_zero(d) && d.exponent + static_cast<long>(d.coefficient.size()) - 1 > kEmax)
    throw FatalError{"Overflow", "[<class 'decimal.Overflow'>]"};
  return d;
}

// A signed digit string for bigint.h.
std::string signed_digits(const Decimal& d) {
  return (d.negative && d.coefficient != "0" ? "-" : "") + d.coefficient;
}

Decimal add(Decimal a, Decimal b) {
  using K = Decimal::Kind;
  if (a.kind == K::kSignalingNaN || b.kind == K::kSignalingNaN) raise("InvalidOperation");
  if (a.kind == K::kNaN) return a;
  if (b.kind == K::kNaN) return b;
  if (a.kind == K::kInfinity || b.kind == K::kInfinity) {
    if (a.kind == K::kInfinity && b.kind == K::kInfinity && a.negative != b.negative)
      raise("InvalidOperation");
    return a.kind == K::kInfinity ? a : b;
  }
  long exp = std::min(a.exponent, b.exponent);
  if (is_zero(a) && is_zero(b)) {
    Decimal z;
    z.negative = a.negative && b.negative;
    z.exponent = exp;
    return z;
  }
  if (is_zero(a)) return fixed(b);
  if (is_zero(b)) return fixed(a);
  // Decimal's _normalize: an operand far below the other's last kept digit
  // only matters as a sticky digit.
  Decimal& big = a.exponent >= b.exponent ? a : b;
  Decimal& small = a.exponent >= b.exponent ? b : a;
  long e = big.exponent + std::min(-1L, static_cast<long>(big.coefficient.size()) -
                                            static_cast<long>(kPrecision) - 2);
  if (static_cast<long>(small.coefficient.size()) + small.exponent - 1 < e) {
    small.coefficient = "1";
    small.exponent = e;
  }
  big.coefficient.append(static_cast<size_t>(big.exponent - small.exponent), '0');
  big.exponent = small.exponent;
  std::string sum = big_add(signed_digits(a), signed_digits(b));
  Decimal r;
  r.negative = sum[0] == '-';
  r.coefficient = strip_zeros(r.negative ? sum.substr(1) : sum);
  r.exponent = small.exponent;
  if (r.coefficient == "0") r.negative = false;  // x + -x is +0 (not ROUND_FLOOR)
  return fixed(r);
}

Decimal multiply(const Decimal& a, const Decimal& b) {
  using K = Decimal::Kind;
  if (a.kind == K::kSignalingNaN || b.kind == K::kSignalingNaN) raise("InvalidOperation");
  if (a.kind == K::kNaN) return a;
  if (b.kind == K::kNaN) return b;
  Decimal r;
  r.negative = a.negative != b.negative;
  if (a.kind == K::kInfinity || b.kind == K::kInfinity) {
    if (is_zero(a) || is_zero(b)) raise("InvalidOperation");
    r.kind = K::kInfinity;
    return r;
  }
  std::string p = big_mul(a.coefficient, b.coefficient);
  r.coefficient = strip_zeros(p[0] == '-' ? p.substr(1) : p);
  r.exponent = a.exponent + b.exponent;
  return fixed(r);
}

// divmod of non-negative digit strings when the quotient has at most
// kPrecision digits; nullopt when it has more.
std::optional<std::string> remainder_digits(const std::string& x, const std::string& y) {
  std::string cur = "0";
  size_t qdigits = 0;
  for (char c : x) {
    cur = strip_zeros(cur + c);
    int q = 0;
    while (compare_digits(cur, y) >= 0) {
      cur = strip_zeros(big_sub(cur, y));
      ++q;
    }
    if (q || qdigits) ++qdigits;
    if (qdigits > kPrecision) return std::nullopt;
  }
  return cur;
}

Decimal remainder(const Decimal& a, const Decimal& b) {
  using K = Decimal::Kind;
  if (a.kind == K::kSignalingNaN || b.kind == K::kSignalingNaN) raise("InvalidOperation");
  if (a.kind == K::kNaN) return a;
  if (b.kind == K::kNaN) return b;
  if (a.kind == K::kInfinity) raise("InvalidOperation");
  if (is_zero(b)) raise(is_zero(a) ? "DivisionUndefined" : "InvalidOperation");
  if (b.kind == K::kInfinity) return fixed(a);
  long ideal = std::min(a.exponent, b.exponent);
  long adjusted_diff = (a.exponent + static_cast<long>(a.coefficient.size())) -
                       (b.exponent + static_cast<long>(b.coefficient.size()));
  Decimal r;
  r.negative = a.negative;
  r.exponent = ideal;
  if (is_zero(a) || adjusted_diff <= -2) {
    // |a| < |b|: the remainder is a itself.
    r.coefficient = a.coefficient + std::string(static_cast<size_t>(a.exponent - ideal), '0');
    return fixed(r);
  }
  if (adjusted_diff > static_cast<long>(kPrecision)) raise("DivisionImpossible");
  std::string x = a.coefficient + std::string(static_cast<size_t>(a.exponent - ideal), '0');
  std::string y = b.coefficient + std::string(static_cast<size_t>(b.exponent - ideal), '0');
  auto rem = remainder_digits(x, y);
  if (!rem) raise("DivisionImpossible");
  r.coefficient = *rem;
  return fixed(r);
}

// Python's int(s) for ASCII text (whitespace, sign, digits with single
// underscores between them): the signed digits, or nullopt.
std::optional<std::string> py_int_digits(std::string_view s) {
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  std::string out;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s[i] == '-') out += '-';
    ++i;
  }
  if (i == s.size()) return std::nullopt;
  std::string digits;
  for (; i < s.size(); ++i) {
    if (s[i] == '_') {
      if (digits.empty() || i + 1 == s.size() ||
          !std::isdigit(static_cast<unsigned char>(s[i + 1])))
        return std::nullopt;
      continue;
    }
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    digits += s[i];
  }
  return out + strip_zeros(digits);
}

Decimal from_signed_digits(const std::string& s) {
  Decimal d;
  d.negative = !s.empty() && s[0] == '-';
  d.coefficient = strip_zeros(d.negative ? s.substr(1) : s);
  return d;
}

}  // namespace

std::optional<Decimal> decimal_from_text(std::string_view text) {
  auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  std::string s;
  for (char c : text)
    if (c != '_') s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Decimal d;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) d.negative = s[i++] == '-';
  std::string rest = s.substr(i);
  if (rest == "inf" || rest == "infinity") {
    d.kind = Decimal::Kind::kInfinity;
    return d;
  }
  for (const char* nan : {"nan", "snan"}) {
    std::string_view n(nan);
    if (rest.compare(0, n.size(), n) == 0 &&
        rest.find_first_not_of("0123456789", n.size()) == std::string::npos) {
      d.kind = n == "nan" ? Decimal::Kind::kNaN : Decimal::Kind::kSignalingNaN;
      return d;
    }
  }
  std::string digits;
  long frac = 0;
  bool dot = false, any = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      any = true;
      if (dot) ++frac;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return std::nullopt;
  long exp = 0;
  if (i < s.size()) {
    if (s[i] != 'e') return std::nullopt;
    ++i;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == s.size()) return std::nullopt;
    for (; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      // Saturates far beyond any exponent a double (or Emax) can use.
      if (exp < 1000000000L) exp = exp * 10 + (s[i] - '0');
    }
    if (neg) exp = -exp;
  }
  d.coefficient = strip_zeros(digits);
  d.exponent = exp - frac;
  return d;
}

Decimal decimal_from_number(const RValue& x) {
  if (x.is_integral()) return from_signed_digits(integral_str(x));
  // str(float) is repr(float): "0.1", "1e-05", "inf", "nan".
  auto d = decimal_from_text(lyn::py_float_repr(x.to_double()));
  return d ? *d : Decimal{};
}

Decimal decimal_apply(const Decimal& a, const Decimal& b, DecimalOp op) {
  switch (op) {
    case DecimalOp::kAdd:
      return add(a, b);
    case DecimalOp::kSub: {
      Decimal nb = b;
      nb.negative = !nb.negative;
      return add(a, nb);
    }
    case DecimalOp::kMul:
      return multiply(a, b);
    case DecimalOp::kMod:
      return remainder(a, b);
  }
  return a;
}

double decimal_to_double(const Decimal& d) {
  switch (d.kind) {
    case Decimal::Kind::kNaN:
    case Decimal::Kind::kSignalingNaN:
      return std::nan("");
    case Decimal::Kind::kInfinity:
      return d.negative ? -HUGE_VAL : HUGE_VAL;
    case Decimal::Kind::kFinite:
      break;
  }
  std::string s = (d.negative ? "-" : "") + d.coefficient + "e" + std::to_string(d.exponent);
  return std::strtod(s.c_str(), nullptr);
}

double decimal_op(const RValue& a, const RValue& b, DecimalOp op) {
  return decimal_to_double(decimal_apply(decimal_from_number(a), decimal_from_number(b), op));
}

RValue decimal_sum(const RList& items) {
  // Python's sum() from the int 0: exact ints until a Decimal joins.
  std::string total = "0";
  std::optional<Decimal> dec;
  for (const RValue& v : items) {
    std::optional<std::string> as_int;
    std::optional<Decimal> as_dec;
    if (v.is_bool()) {
      as_int = v.as_bool() ? "1" : "0";
    } else if (v.is_integral()) {
      as_int = integral_str(v);
    } else if (v.is_float()) {
      as_dec = decimal_from_number(v);
    } else if (v.is_string()) {
      as_int = py_int_digits(v.str());
      if (!as_int) {
        as_dec = decimal_from_text(v.str());
        if (!as_dec) raise("ConversionSyntax");
      }
    } else {
      as_int = "0";  // decimal_arg's default
    }
    if (!dec && as_int) {
      total = big_add(total, *as_int);
      continue;
    }
    if (!dec) dec = from_signed_digits(total);
    dec = add(*dec, as_dec ? *as_dec : from_signed_digits(*as_int));
  }
  if (dec) return RValue(decimal_to_double(*dec));
  return int_from_digits(total);
}

}  // namespace lyn::liquid
