#include "assess/liquid/decimal.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "assess/liquid/filters.h"

namespace lyn::liquid {

namespace {

using U = unsigned __int128;

struct Dec {
  bool neg = false;
  U mant = 0;
  int exp = 0;
};

// Parses Python's str() of an int or float ("3", "0.1", "1e-05", "-2.5e+20").
bool parse_dec(const std::string& s, Dec& d) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) d.neg = s[i++] == '-';
  bool any = false;
  int frac = 0;
  bool in_frac = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      if (d.mant > (~U(0)) / 10 - 10) return false;
      d.mant = d.mant * 10 + static_cast<unsigned>(c - '0');
      if (in_frac) ++frac;
      any = true;
    } else if (c == '.' && !in_frac) {
      in_frac = true;
    } else if (c == 'e' || c == 'E') {
      d.exp = std::atoi(s.c_str() + i + 1);
      break;
    } else {
      return false;
    }
  }
  d.exp -= frac;
  return any;
}

bool scale(U& m, int by) {
  for (int k = 0; k < by; ++k) {
    if (m > (~U(0)) / 10) return false;
    m *= 10;
  }
  return true;
}

double to_double(const Dec& d) {
  std::string digits;
  U m = d.mant;
  if (m == 0) digits = "0";
  while (m) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  }
  std::string s = (d.neg ? "-" : "") + digits + "e" + std::to_string(d.exp);
  return std::strtod(s.c_str(), nullptr);
}

std::string operand_str(const RValue& v) {
  if (v.is_integral()) return integral_str(v);
  return lyn::py_float_repr(v.as_float());
}

double fallback(double a, double b, DecimalOp op) {
  switch (op) {
    case DecimalOp::kAdd:
      return a + b;
    case DecimalOp::kSub:
      return a - b;
    case DecimalOp::kMul:
      return a * b;
    case DecimalOp::kMod:
      return std::fmod(a, b);
  }
  return 0;
}

}  // namespace

double decimal_op(const RValue& a, const RValue& b, DecimalOp op) {
  double da = a.to_double(), db = b.to_double();
  if (!std::isfinite(da) || !std::isfinite(db)) {
    if (op == DecimalOp::kMod)
      throw FatalError{"InvalidOperation", "[<class 'decimal.InvalidOperation'>]"};
    return fallback(da, db, op);
  }
  Dec x, y;
  if (!parse_dec(operand_str(a), x) || !parse_dec(operand_str(b), y)) {
    if (op == DecimalOp::kMod && db == 0)
      throw FatalError{"InvalidOperation", "[<class 'decimal.InvalidOperation'>]"};
    return fallback(da, db, op);
  }
  if (op == DecimalOp::kMul) {
    Dec r;
    r.neg = x.neg != y.neg;
    if (x.mant != 0 && y.mant > (~U(0)) / x.mant) return da * db;
    r.mant = x.mant * y.mant;
    r.exp = x.exp + y.exp;
    return to_double(r);
  }
  if (op == DecimalOp::kMod && y.mant == 0)
    throw FatalError{"InvalidOperation", "[<class 'decimal.InvalidOperation'>]"};
  int e = std::min(x.exp, y.exp);
  if (!scale(x.mant, x.exp - e) || !scale(y.mant, y.exp - e)) return fallback(da, db, op);
  Dec r;
  r.exp = e;
  if (op == DecimalOp::kMod) {
    r.neg = x.neg;
    r.mant = x.mant % y.mant;
    return to_double(r);
  }
  bool yneg = op == DecimalOp::kSub ? !y.neg : y.neg;
  if (x.neg == yneg) {
    r.neg = x.neg;
    if (x.mant > ~U(0) - y.mant) return fallback(da, db, op);
    r.mant = x.mant + y.mant;
    if (r.mant == 0) r.neg = x.neg && yneg;
  } else if (x.mant >= y.mant) {
    r.neg = x.neg;
    r.mant = x.mant - y.mant;
    if (r.mant == 0) r.neg = false;
  } else {
    r.neg = yneg;
    r.mant = y.mant - x.mant;
  }
  return to_double(r);
}

}  // namespace lyn::liquid
