// ReadBudget: how much one request may read. Every file a reader opens is
// charged its size before it is read (whether or not the parsed-file cache
// holds it, so an answer never depends on what happens to be cached), and
// every frame a reader builds is charged its rows (the frames of a stack
// and the stack itself alike). Past a limit the request fails with a
// LimitExceeded error (HTTP 413) that names the limit and the option that
// raises it, instead of exhausting the machine.
//
// Thread safety: the counters are atomic; one budget may be charged from
// several threads (a request's readers normally run on one).
#ifndef LYNGUINE_ACCESS_READ_BUDGET_H_
#define LYNGUINE_ACCESS_READ_BUDGET_H_

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/status.h"

namespace lyn::access {

class ReadBudget {
 public:
  static constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

  ReadBudget(uint64_t max_bytes, uint64_t max_rows) : max_bytes_(max_bytes), max_rows_(max_rows) {}

  // Charges the size of the file at `path` (shown as `shown` in the error).
  // A file that cannot be stat'ed is charged nothing: its reader reports it.
  Status charge_file(const std::string& path, std::string_view shown);
  Status charge_bytes(uint64_t bytes, std::string_view shown);
  Status charge_rows(uint64_t rows);
  // Rows that may still be built, and the error for building more (a
  // reader may stop early with it).
  uint64_t rows_left() const;
  Error rows_error() const;

  uint64_t bytes_read() const { return bytes_; }
  uint64_t rows_built() const { return rows_; }

 private:
  const uint64_t max_bytes_, max_rows_;
  std::atomic<uint64_t> bytes_{0}, rows_{0};
};

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_READ_BUDGET_H_
