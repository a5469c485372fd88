// Budget: what one request may spend. A wall-clock deadline, a work counter
// (steps) and a memory allowance (bytes), plus the named Limits that bound
// particular work (Liquid parse depth and loops, big integers, regular
// expressions, interface inheritance, bytes read and rows built by readers).
// Long-running code checks it
// cooperatively: it calls spend() / allocate() as it goes and stops with the
// Budget's error when they return false. A refusal is an Error naming the
// limit and the option that raises it, with a 4xx/5xx status (limit_error).
//
// Installing a budget. The budget of the work running on a thread is the
// one installed there by the innermost BudgetScope:
//
//   Budget budget(options.limits);       // deadline = now + limits.deadline_ms
//   budget.set_deadline(arrived + 30s);  // optional: an earlier deadline
//   BudgetScope scope(budget);           // until scope's end, on this thread
//   api.handle(...);                     // Budget::current() is `budget`
//
// Api::handle installs one from ApiOptions::limits unless the calling thread
// already has one, so a server that runs requests on a worker pool builds
// the Budget when the request arrives (its deadline counted from then),
// installs it on the worker thread around handle(), and may cancel() it from
// any thread (a timer, a closed connection): the work then stops at its next
// check with the deadline's TimeoutError. Work handed to another thread must
// install the same Budget there. A thread with no scope gets a fallback
// budget: the default Limits, but no deadline and no step or byte ceiling
// (nothing would ever reset its counters).
//
// Thread safety: spend(), allocate() and the counters belong to the one
// thread doing the request's work at a time; cancel(), cancelled() and the
// const accessors may be called from any thread.
#ifndef LYNGUINE_CORE_BUDGET_H_
#define LYNGUINE_CORE_BUDGET_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace lyn {

// Every per-request bound, one field each. Defaults are generous: no real
// template, interface or directory reader comes near them. 0 means
// "unlimited", except for the limits that bound recursion on the stack
// (stack_ceiling()), which always keep a bound.
struct Limits {
  // The request's wall-clock allowance, from the Budget's construction.
  uint64_t deadline_ms = 60'000;
  // Units of work: Liquid nodes, loop iterations and filter calls, regular
  // expression steps, big-integer limb products.
  uint64_t work_steps = 1'000'000'000;
  // Bytes the request may hold at once in what it builds and charges (Liquid
  // variables, loop lists and output, regular expression state).
  uint64_t memory_bytes = uint64_t{1} << 30;

  // Liquid
  uint64_t liquid_template_bytes = uint64_t{4} << 20;  // source size
  uint64_t liquid_nesting_depth = 1000;                // ( [ in expressions; markdownify nesting
  uint64_t liquid_loop_iterations = 10'000'000;        // per render, all loops together
  uint64_t liquid_output_bytes = uint64_t{64} << 20;   // per render; also the largest value
  uint64_t liquid_integer_digits = 10'000;             // decimal digits of an int

  // Regular expressions (a directory reader's `regexp`)
  uint64_t regexp_program_size = 10'000;  // compiled instructions, after {m,n} expansion

  // Interface files
  uint64_t inherit_depth = 32;  // `inherit` chain length

  // Reading data (access readers): bytes of the files a request reads (each
  // file's size, whether or not the parsed-file cache holds it, so that an
  // answer never depends on what happens to be cached) and rows built
  // (the frames of a stack and the stack itself alike).
  uint64_t max_read_bytes = uint64_t{1} << 30;
  uint64_t max_rows = 20'000'000;
};

enum class Limit {
  kDeadline,
  kWorkSteps,
  kMemoryBytes,
  kLiquidTemplateBytes,
  kLiquidNestingDepth,
  kLiquidLoopIterations,
  kLiquidOutputBytes,
  kLiquidIntegerDigits,
  kRegexpProgramSize,
  kInheritDepth,
  kMaxReadBytes,
  kMaxRows,
};

// One row per Limit: its option name (the Limits field), the Python
// exception class a refusal reports and its HTTP status.
struct LimitInfo {
  Limit id;
  const char* name;
  uint64_t Limits::*field;
  const char* error_type;
  int http_status;
  const char* unit;  // "ms", "steps", "bytes", ... for messages
};
const std::vector<LimitInfo>& limit_table();
const LimitInfo& limit_info(Limit id);
// The row named `name` (the Limits field name), or nullptr.
const LimitInfo* find_limit(std::string_view name);

// The largest value of a limit that bounds recursion on the stack
// (liquid_nesting_depth, inherit_depth): what a worker's stack can take.
// Such a limit is never "none": set_limit() refuses 0 and anything above
// it, and a Budget clamps its Limits to it whatever they say. 0 for the
// limits that bound no recursion.
uint64_t stack_ceiling(Limit id);

// "how the limit is raised" as error messages name it: `lynguine serve
// --limit NAME=N` (the one home of that wording).
std::string limit_option_hint(const LimitInfo& info);

// The limits' names, comma-separated (for help and errors).
std::string limit_names();

// Sets one field of `limits` from "NAME=N" (the --limit option's value): a
// ValueError naming the known limits when NAME is none of them or N is no
// whole number.
Status set_limit(Limits& limits, std::string_view assignment);

// The refusal for `id` with value `value`: `what` says what hit it, e.g.
// "loop iteration limit reached: more than 10000000 iterations in one
// render". The message appends the limit's name, value and option hint.
Error limit_error(Limit id, uint64_t value, std::string_view what);

class Budget {
 public:
  // Deadline now + limits.deadline_ms (none when 0).
  explicit Budget(const Limits& limits = Limits());
  Budget(const Budget&) = delete;
  Budget& operator=(const Budget&) = delete;

  // The budget installed on this thread, or this thread's fallback.
  static Budget& current();

  const Limits& limits() const { return limits_; }
  // An earlier deadline than the limits' own. `refusal`, when given, is the
  // TimeoutError's message once it passes (it names whatever set it, e.g. the
  // server's --deadline); otherwise the message names deadline_ms.
  void set_deadline(std::chrono::steady_clock::time_point t, std::string refusal = {}) {
    deadline_ = t;
    deadline_refusal_ = std::move(refusal);
  }
  std::optional<std::chrono::steady_clock::time_point> deadline() const { return deadline_; }

  // Stops the work at its next check (from any thread).
  void cancel() { cancelled_.store(true, std::memory_order_relaxed); }
  // Also stops the work once `flag` is true: the flag of whoever waits for
  // the answer (a server's deadline timer sets it when it has answered 503),
  // shared so that it outlives both sides. Call before the work starts.
  void follow(std::shared_ptr<const std::atomic<bool>> flag) { followed_ = std::move(flag); }
  bool cancelled() const {
    return cancelled_.load(std::memory_order_relaxed) ||
           (followed_ && followed_->load(std::memory_order_relaxed));
  }

  // Counts `n` steps; false once the work must stop (steps exhausted,
  // deadline passed, cancelled). The clock is read every few thousand steps.
  [[nodiscard]] bool spend(uint64_t n = 1) {
    steps_ += n;
    if (steps_ < next_check_) return true;
    return check_slow();
  }
  // Counts `n` bytes about to be held; false (and nothing counted) when that
  // would go over memory_bytes. release() gives bytes back when they are
  // freed; what is never released counts until the Budget's end.
  [[nodiscard]] bool allocate(uint64_t n) {
    if (n <= max_bytes_ - bytes_ && !error_) {
      bytes_ += n;
      return true;
    }
    return allocate_slow(n);
  }
  void release(uint64_t n) { bytes_ -= n < bytes_ ? n : bytes_; }

  // Counts `n` bytes of the file `shown` about to be read, or `rows` rows
  // built; a LimitExceeded error (413) naming max_read_bytes / max_rows once
  // the request's total would pass it (what was refused is not counted).
  Status charge_read(uint64_t n, std::string_view shown);
  Status charge_rows(uint64_t rows);
  // Rows that may still be built, and the refusal for building more (a
  // reader may stop early with it).
  uint64_t rows_left() const;
  Error rows_error() const;
  // Reads the clock and the cancel flag now (spend() does every few
  // thousand steps): the refusal when the work must stop.
  Status check();

  // The first refusal (sticky): once set, spend() and allocate() keep
  // returning false. Only meaningful after one of them returned false.
  // (Refusals of the other, named limits are the checking code's own
  // errors, from limit_error(); they leave the Budget as it is.)
  const Error& error() const { return *error_; }
  bool exhausted() const { return error_.has_value(); }

  uint64_t steps() const { return steps_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t bytes_read() const { return read_bytes_; }
  uint64_t rows_built() const { return rows_; }

 private:
  friend class BudgetScope;
  struct Unmetered {};
  explicit Budget(Unmetered);
  bool check_slow();
  bool allocate_slow(uint64_t n);
  void refuse(Error e);

  Limits limits_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::string deadline_refusal_;  // set_deadline's message, or ""
  std::atomic<bool> cancelled_{false};
  std::shared_ptr<const std::atomic<bool>> followed_;
  uint64_t steps_ = 0, bytes_ = 0, read_bytes_ = 0, rows_ = 0;
  uint64_t max_bytes_ = 0;  // memory_bytes, or the largest uint64_t for "unlimited"
  uint64_t next_check_ = 0;
  std::optional<Error> error_;
};

// Installs a Budget on the current thread for the scope's lifetime; scopes
// nest (the previous one is restored).
class BudgetScope {
 public:
  explicit BudgetScope(Budget& budget);
  ~BudgetScope();
  BudgetScope(const BudgetScope&) = delete;
  BudgetScope& operator=(const BudgetScope&) = delete;

  // True when some scope is active on this thread.
  static bool active();

 private:
  Budget* previous_;
};

}  // namespace lyn

#endif  // LYNGUINE_CORE_BUDGET_H_
