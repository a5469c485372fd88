#include "assess/liquid/bigint.h"

#include <algorithm>
#include <vector>

namespace lyn::liquid {

namespace {

constexpr uint32_t kBase = 1000000000;

struct Big {
  bool neg = false;
  std::vector<uint32_t> mag;  // little-endian base 1e9; empty is zero
};

Big parse(std::string_view s) {
  Big b;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) b.neg = s[i++] == '-';
  std::string_view d = s.substr(i);
  for (size_t end = d.size(); end > 0;) {
    size_t start = end >= 9 ? end - 9 : 0;
    uint32_t chunk = 0;
    for (size_t k = start; k < end; ++k) chunk = chunk * 10 + static_cast<uint32_t>(d[k] - '0');
    b.mag.push_back(chunk);
    end = start;
  }
  while (!b.mag.empty() && b.mag.back() == 0) b.mag.pop_back();
  if (b.mag.empty()) b.neg = false;
  return b;
}

std::string str(const Big& b) {
  if (b.mag.empty()) return "0";
  std::string out = b.neg ? "-" : "";
  out += std::to_string(b.mag.back());
  for (size_t i = b.mag.size() - 1; i-- > 0;) {
    std::string part = std::to_string(b.mag[i]);
    out.append(9 - part.size(), '0');
    out += part;
  }
  return out;
}

int cmp_mag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

std::vector<uint32_t> add_mag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> r;
  uint64_t carry = 0;
  for (size_t i = 0; i < std::max(a.size(), b.size()) || carry; ++i) {
    uint64_t s = carry + (i < a.size() ? a[i] : 0) + (i < b.size() ? b[i] : 0);
    r.push_back(static_cast<uint32_t>(s % kBase));
    carry = s / kBase;
  }
  return r;
}

// a - b with |a| >= |b|.
std::vector<uint32_t> sub_mag(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<uint32_t> r;
  int64_t borrow = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    int64_t s = static_cast<int64_t>(a[i]) - borrow - (i < b.size() ? b[i] : 0);
    borrow = s < 0;
    if (s < 0) s += kBase;
    r.push_back(static_cast<uint32_t>(s));
  }
  while (!r.empty() && r.back() == 0) r.pop_back();
  return r;
}

Big add(const Big& a, const Big& b) {
  Big r;
  if (a.neg == b.neg) {
    r.neg = a.neg;
    r.mag = add_mag(a.mag, b.mag);
  } else if (cmp_mag(a.mag, b.mag) >= 0) {
    r.neg = a.neg;
    r.mag = sub_mag(a.mag, b.mag);
  } else {
    r.neg = b.neg;
    r.mag = sub_mag(b.mag, a.mag);
  }
  if (r.mag.empty()) r.neg = false;
  return r;
}

}  // namespace

std::string big_add(std::string_view a, std::string_view b) {
  return str(add(parse(a), parse(b)));
}

std::string big_sub(std::string_view a, std::string_view b) {
  Big y = parse(b);
  if (!y.mag.empty()) y.neg = !y.neg;
  return str(add(parse(a), y));
}

std::string big_mul(std::string_view a, std::string_view b) {
  Big x = parse(a), y = parse(b);
  Big r;
  if (x.mag.empty() || y.mag.empty()) return "0";
  std::vector<uint64_t> acc(x.mag.size() + y.mag.size() + 1, 0);
  for (size_t i = 0; i < x.mag.size(); ++i) {
    uint64_t carry = 0;
    for (size_t j = 0; j < y.mag.size() || carry; ++j) {
      uint64_t cur = acc[i + j] + carry + (j < y.mag.size() ? uint64_t(x.mag[i]) * y.mag[j] : 0);
      acc[i + j] = cur % kBase;
      carry = cur / kBase;
    }
  }
  for (uint64_t v : acc) r.mag.push_back(static_cast<uint32_t>(v));
  while (!r.mag.empty() && r.mag.back() == 0) r.mag.pop_back();
  r.neg = x.neg != y.neg;
  return str(r);
}

namespace {

// Truncating division of |a| by d > 0; returns the remainder.
uint64_t div_small(std::vector<uint32_t>& mag, uint64_t d) {
  unsigned __int128 rem = 0;
  for (size_t i = mag.size(); i-- > 0;) {
    unsigned __int128 cur = rem * kBase + mag[i];
    mag[i] = static_cast<uint32_t>(cur / d);
    rem = cur % d;
  }
  while (!mag.empty() && mag.back() == 0) mag.pop_back();
  return static_cast<uint64_t>(rem);
}

bool floor_divmod(std::string_view a, int64_t b, Big& q, Big& r) {
  if (b == 0) return false;
  Big x = parse(a);
  uint64_t d = b < 0 ? static_cast<uint64_t>(-(b + 1)) + 1 : static_cast<uint64_t>(b);
  q = x;
  uint64_t rem = div_small(q.mag, d);
  q.neg = x.neg != (b < 0) && !q.mag.empty();
  r = parse(std::to_string(rem));
  r.neg = x.neg && rem != 0;
  // Python floors: adjust when the remainder's sign differs from b's.
  if (rem != 0 && (x.neg != (b < 0))) {
    q = add(q, parse("-1"));
    r = add(r, parse(std::to_string(b)));
  }
  return true;
}

}  // namespace

std::optional<std::string> big_floordiv(std::string_view a, int64_t b) {
  Big q, r;
  if (!floor_divmod(a, b, q, r)) return std::nullopt;
  return str(q);
}

std::optional<std::string> big_mod(std::string_view a, int64_t b) {
  Big q, r;
  if (!floor_divmod(a, b, q, r)) return std::nullopt;
  return str(r);
}

}  // namespace lyn::liquid
