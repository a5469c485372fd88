// Error and Result<T>: errors as values, in lynguine's vocabulary. An Error
// carries the Python exception class name that lynguine would have raised
// (`type`, e.g. "FileNotFoundError", "ValueError", "PathEscapeError"), its
// message, and the HTTP status a correct server answers with.
//
// Thread safety: plain values; no shared state.
#ifndef LYNGUINE_CORE_STATUS_H_
#define LYNGUINE_CORE_STATUS_H_

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace lyn {

struct Error {
  std::string type;     // Python exception class name
  std::string message;  // str(exception)
  int http_status = 500;

  static Error value(std::string msg, int status = 400) {
    return {"ValueError", std::move(msg), status};
  }
  static Error not_found(std::string msg) { return {"FileNotFoundError", std::move(msg), 404}; }
  static Error key(std::string msg, int status = 404) {
    return {"KeyError", std::move(msg), status};
  }
  static Error path_escape(std::string msg) { return {"PathEscapeError", std::move(msg), 403}; }
  static Error internal(std::string msg) { return {"RuntimeError", std::move(msg), 500}; }
  // An OSError "WHAT: <strerror(errnum)>" (errnum defaults to errno).
  static Error os(std::string what, int errnum = errno) {
    return {"OSError", std::move(what) + ": " + std::strerror(errnum), 500};
  }
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For functions that return nothing but may fail.
struct Ok {};
using Status = Result<Ok>;

#define LYN_TRY_ASSIGN(lhs, expr)                          \
  auto lhs##_result__ = (expr);                            \
  if (!lhs##_result__.ok()) return lhs##_result__.error(); \
  auto lhs = std::move(lhs##_result__).value()

}  // namespace lyn

#endif  // LYNGUINE_CORE_STATUS_H_
