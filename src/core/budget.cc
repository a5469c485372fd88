#include "core/budget.h"

#include <charconv>
#include <limits>

#include "core/value.h"

namespace lyn {

namespace {

// How many steps pass between two readings of the clock: a clock read costs
// about as much as a few hundred cheap steps.
constexpr uint64_t kClockInterval = 4096;
constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

thread_local Budget* t_current = nullptr;

uint64_t or_unlimited(uint64_t v) {
  return v == 0 ? kUnlimited : v;
}

}  // namespace

const std::vector<LimitInfo>& limit_table() {
  // Statuses: 413 for input that is too large as sent, 422 for content that
  // asks for more work or memory than allowed, 503 for running out of time
  // (the same request may succeed on a less busy server).
  static const std::vector<LimitInfo> table = {
      {Limit::kDeadline, "deadline_ms", &Limits::deadline_ms, "TimeoutError", 503, "ms"},
      {Limit::kWorkSteps, "work_steps", &Limits::work_steps, "ResourceLimitError", 422, "steps"},
      {Limit::kMemoryBytes, "memory_bytes", &Limits::memory_bytes, "MemoryError", 422, "bytes"},
      {Limit::kLiquidTemplateBytes, "liquid_template_bytes", &Limits::liquid_template_bytes,
       "ResourceLimitError", 413, "bytes"},
      {Limit::kLiquidNestingDepth, "liquid_nesting_depth", &Limits::liquid_nesting_depth,
       "ResourceLimitError", 422, "levels"},
      {Limit::kLiquidLoopIterations, "liquid_loop_iterations", &Limits::liquid_loop_iterations,
       "LoopIterationLimitError", 422, "iterations"},
      {Limit::kLiquidOutputBytes, "liquid_output_bytes", &Limits::liquid_output_bytes,
       "OutputStreamLimitError", 422, "bytes"},
      {Limit::kLiquidIntegerDigits, "liquid_integer_digits", &Limits::liquid_integer_digits,
       "ResourceLimitError", 422, "digits"},
      {Limit::kRegexpProgramSize, "regexp_program_size", &Limits::regexp_program_size,
       "ResourceLimitError", 413, "instructions"},
      {Limit::kInheritDepth, "inherit_depth", &Limits::inherit_depth, "ResourceLimitError", 422,
       "levels"},
      {Limit::kMaxReadBytes, "max_read_bytes", &Limits::max_read_bytes, "LimitExceeded", 413,
       "bytes"},
      {Limit::kMaxRows, "max_rows", &Limits::max_rows, "LimitExceeded", 413, "rows"},
  };
  return table;
}

const LimitInfo& limit_info(Limit id) {
  return limit_table()[static_cast<size_t>(id)];
}

const LimitInfo* find_limit(std::string_view name) {
  for (const auto& row : limit_table())
    if (name == row.name) return &row;
  return nullptr;
}

uint64_t stack_ceiling(Limit id) {
  // Measured on the 8 MiB worker stack and the 8 MiB main thread (direct
  // mode): each level of Liquid nesting costs about 1 KiB of stack (1000
  // levels fit 1 MiB), each inherited interface file a few KiB.
  switch (id) {
    case Limit::kLiquidNestingDepth:
      return 4000;
    case Limit::kInheritDepth:
      return 1000;
    default:
      return 0;
  }
}

std::string limit_option_hint(const LimitInfo& info) {
  std::string hint = std::string("raise it with `lynguine serve --limit ") + info.name + "=N`";
  if (uint64_t ceiling = stack_ceiling(info.id))
    return hint + ", N at most " + std::to_string(ceiling);
  return hint + ", 0 for none";
}

std::string limit_names() {
  std::string names;
  for (const auto& row : limit_table()) {
    if (!names.empty()) names += ", ";
    names += row.name;
  }
  return names;
}

Status set_limit(Limits& limits, std::string_view assignment) {
  size_t eq = assignment.find('=');
  std::string_view name = assignment.substr(0, eq == std::string_view::npos ? 0 : eq);
  const LimitInfo* row = eq == std::string_view::npos ? nullptr : find_limit(name);
  if (!row) {
    return Error::value("--limit takes NAME=N with NAME one of: " + limit_names() + " (got '" +
                        std::string(assignment) + "')");
  }
  std::string_view digits = assignment.substr(eq + 1);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size())
    return Error::value("--limit " + std::string(name) + ": '" + std::string(digits) +
                        "' is not a whole number");
  if (uint64_t ceiling = stack_ceiling(row->id); ceiling && (value == 0 || value > ceiling))
    return Error::value("--limit " + std::string(name) + " must be from 1 to " +
                        std::to_string(ceiling) + " (it bounds recursion on the stack)");
  limits.*(row->field) = value;
  return Ok{};
}

Error limit_error(Limit id, uint64_t value, std::string_view what) {
  const LimitInfo& info = limit_info(id);
  std::string msg(what);
  msg += " (limit ";
  msg += info.name;
  msg += " = ";
  msg += std::to_string(value);
  msg += ' ';
  msg += info.unit;
  msg += "; ";
  msg += limit_option_hint(info);
  msg += ')';
  return Error{info.error_type, std::move(msg), info.http_status};
}

Budget::Budget(const Limits& limits) : limits_(limits) {
  // Limits built in code, not by set_limit(), meet the stack's ceiling too.
  for (const auto& row : limit_table())
    if (uint64_t ceiling = stack_ceiling(row.id)) {
      uint64_t& v = limits_.*(row.field);
      if (v == 0 || v > ceiling) v = ceiling;
    }
  max_bytes_ = or_unlimited(limits_.memory_bytes);
  if (limits_.deadline_ms > 0)
    deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(limits_.deadline_ms);
  next_check_ = std::min(or_unlimited(limits_.work_steps), kClockInterval);
}

Budget::Budget(Unmetered) {
  limits_.deadline_ms = 0;
  limits_.work_steps = 0;
  limits_.memory_bytes = 0;
  limits_.max_read_bytes = 0;
  limits_.max_rows = 0;
  max_bytes_ = kUnlimited;
  next_check_ = kUnlimited;
}

Budget& Budget::current() {
  if (t_current) return *t_current;
  thread_local Budget fallback{Unmetered{}};
  return fallback;
}

bool Budget::check_slow() {
  if (error_) return false;
  uint64_t max_steps = or_unlimited(limits_.work_steps);
  if (steps_ > max_steps) {
    refuse(limit_error(Limit::kWorkSteps, limits_.work_steps,
                       "work budget exhausted: the request needs more than " +
                           std::to_string(limits_.work_steps) + " steps"));
    return false;
  }
  if (cancelled() || (deadline_ && std::chrono::steady_clock::now() >= *deadline_)) {
    if (!deadline_refusal_.empty()) {
      refuse(Error{"TimeoutError", deadline_refusal_, 503});
      return false;
    }
    refuse(limit_error(Limit::kDeadline, limits_.deadline_ms,
                       cancelled() ? "request cancelled: past its deadline"
                                   : "request deadline passed before the work was done"));
    return false;
  }
  uint64_t next = steps_ > kUnlimited - kClockInterval ? kUnlimited : steps_ + kClockInterval;
  next_check_ = std::min(next, max_steps == kUnlimited ? kUnlimited : max_steps + 1);
  // The fallback budget never reads the clock: it has no deadline to meet.
  if (!deadline_ && !followed_ && !cancelled() && max_steps == kUnlimited) next_check_ = kUnlimited;
  return true;
}

bool Budget::allocate_slow(uint64_t) {
  // Reached only when allocate() cannot count the bytes.
  if (!error_)
    refuse(limit_error(Limit::kMemoryBytes, limits_.memory_bytes,
                       "memory budget exhausted: the request would hold more than " +
                           std::to_string(limits_.memory_bytes) + " bytes"));
  return false;
}

Status Budget::charge_read(uint64_t n, std::string_view shown) {
  uint64_t max = or_unlimited(limits_.max_read_bytes);
  if (n > max || read_bytes_ > max - n)
    return limit_error(Limit::kMaxReadBytes, limits_.max_read_bytes,
                       "reading " + py_string_repr(shown) + " would take this request past " +
                           std::to_string(limits_.max_read_bytes) + " bytes read");
  read_bytes_ += n;
  return Ok{};
}

Status Budget::charge_rows(uint64_t rows) {
  if (rows > rows_left()) return rows_error();
  rows_ += rows;
  return Ok{};
}

uint64_t Budget::rows_left() const {
  uint64_t max = or_unlimited(limits_.max_rows);
  return rows_ >= max ? 0 : max - rows_;
}

Error Budget::rows_error() const {
  return limit_error(
      Limit::kMaxRows, limits_.max_rows,
      "this request would build more than " + std::to_string(limits_.max_rows) + " rows");
}

Status Budget::check() {
  if (!check_slow()) return error();
  return Ok{};
}

void Budget::refuse(Error e) {
  if (!error_) error_ = std::move(e);
  next_check_ = 0;  // every later spend() takes the slow path and fails
}

BudgetScope::BudgetScope(Budget& budget) : previous_(t_current) {
  t_current = &budget;
}

BudgetScope::~BudgetScope() {
  t_current = previous_;
}

bool BudgetScope::active() {
  return t_current != nullptr;
}

}  // namespace lyn
