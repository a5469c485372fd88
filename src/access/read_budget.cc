#include "access/read_budget.h"

#include <sys/stat.h>

#include "core/value.h"

namespace lyn::access {

Error ReadBudget::rows_error() const {
  return Error{"LimitExceeded",
               "This request would build more than " + std::to_string(max_rows_) +
                   " rows, the limit for one request (max_rows; raise it in the server's "
                   "options to allow larger reads)",
               413};
}

Status ReadBudget::charge_bytes(uint64_t bytes, std::string_view shown) {
  uint64_t total = bytes_.fetch_add(bytes) + bytes;
  if (total > max_bytes_ || total < bytes)
    return Error{"LimitExceeded",
                 "Reading " + py_string_repr(shown) + " would take this request past " +
                     std::to_string(max_bytes_) +
                     " bytes read, the limit for one request (max_read_bytes; raise it in the "
                     "server's options to allow larger reads)",
                 413};
  return Ok{};
}

Status ReadBudget::charge_file(const std::string& path, std::string_view shown) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Ok{};
  return charge_bytes(static_cast<uint64_t>(st.st_size), shown);
}

Status ReadBudget::charge_rows(uint64_t rows) {
  uint64_t total = rows_.fetch_add(rows) + rows;
  if (total > max_rows_ || total < rows) return rows_error();
  return Ok{};
}

uint64_t ReadBudget::rows_left() const {
  uint64_t used = rows_.load();
  return used >= max_rows_ ? 0 : max_rows_ - used;
}

}  // namespace lyn::access
