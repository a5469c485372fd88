// The generators behind lynguine's `fake` reader (lynguine.util.fake.Generate):
// givenName, familyName, prefix, suffix, name, city, state, address, email,
// date, birthdate, age and phone. Each makes one realistic value of the kind
// and type lynguine's makes (mimesis, English locale): strings for names and
// places, a datetime in the current year for `date`, a date between 1934 and
// 2006 for `birthdate`, an int for `age`. The word lists are our own and
// compact; values drawn from a list are spread without repeats within one
// column while the list lasts, so a column used as an index stays unique.
//
// Thread safety: FakeRng is not shared; everything else is immutable.
#ifndef LYNGUINE_ACCESS_FAKE_GENERATORS_H_
#define LYNGUINE_ACCESS_FAKE_GENERATORS_H_

#include <cstdint>
#include <random>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace lyn::access {

// The random source for one read: seeded (our `seed` option) or from the OS.
class FakeRng {
 public:
  explicit FakeRng(uint64_t seed) : engine_(seed) {}
  // Uniform in [lo, hi], both included.
  int64_t between(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(engine_);
  }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
};

// Makes the values of one column: `rows` values of generator `gen`.
// `gen` must be one of fake_generator_names().
std::vector<Value> fake_column(std::string_view gen, size_t rows, FakeRng& rng);

// The pandas dtype a column of `gen` values gets ("datetime64[ns]" for
// date, "int64" for age, "object" otherwise).
const char* fake_dtype(std::string_view gen);

// The generator names, in lynguine's order.
const std::vector<std::string_view>& fake_generator_names();
bool is_fake_generator(std::string_view name);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_FAKE_GENERATORS_H_
