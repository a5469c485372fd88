// Logger: structured logs for `lynguine serve` (--log-format text|json,
// --log-level debug|info|warning|error, --log-file PATH; default stderr).
// One access line per answered request at info (method, path, status,
// duration, bytes, remote), plus the odd lifecycle line. Text lines are
// logfmt-like ("2026-01-01T00:00:00.000Z INFO request method=GET ..."); JSON
// lines are one object per line ({"ts":..,"level":..,"msg":..,<fields>}).
//
// Why not spdlog: the binary is linked fully statically and Debian ships
// spdlog/fmt only as shared libraries; header-only spdlog + fmt would work but
// pulls ~40k lines of headers into every translation unit that logs, for a
// job that is one formatted line under a mutex. So this is a small logger of
// our own (no dependencies).
//
// Lines go through a LogSink (ops/log_sink.h): a bounded queue and a writer
// thread, so logging never blocks a request; lines the destination cannot
// take in time are dropped and counted (dropped()).
//
// Thread safety: log() and access() may be called from any thread at once;
// lines never interleave. The level and format are fixed at construction.
#ifndef LYNGUINE_OPS_LOGGING_H_
#define LYNGUINE_OPS_LOGGING_H_

#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "ops/log_sink.h"

namespace lyn::ops {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };
enum class LogFormat { kText, kJson };

std::optional<LogLevel> parse_log_level(std::string_view s);    // debug|info|warning|error
std::optional<LogFormat> parse_log_format(std::string_view s);  // text|json
std::string_view log_level_name(LogLevel level);                // "debug", ...

// One key=value of a log line; numbers are written bare in JSON.
struct LogField {
  std::string key;
  std::string value;
  bool number = false;
};
LogField log_field(std::string key, std::string_view value);
LogField log_field(std::string key, double value);
LogField log_field(std::string key, long long value);

class Logger {
 public:
  // Writes to `out` (not closed unless `owned`).
  Logger(LogLevel level, LogFormat format, std::FILE* out, bool owned = false);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  // A logger appending to `path` (empty: stderr); an OSError ("cannot open
  // log file PATH: ...") if the file cannot be opened.
  static Result<std::unique_ptr<Logger>> open(LogLevel level, LogFormat format,
                                              const std::string& path);

  bool enabled(LogLevel level) const { return level >= level_; }
  LogLevel level() const { return level_; }
  LogFormat format() const { return format_; }

  void log(LogLevel level, std::string_view message, const std::vector<LogField>& fields = {});

  // The access line for one request: at info, message "request".
  void access(std::string_view method, std::string_view path, int status, double seconds,
              std::size_t bytes, std::string_view remote);

  // Lines dropped because the destination did not keep up.
  std::uint64_t dropped() const { return sink_.dropped(); }
  // Waits (a bounded time) until every line logged so far is written.
  void flush() { sink_.flush(); }

  // The line log() would write, for tests.
  std::string format_line(LogLevel level, std::string_view message,
                          const std::vector<LogField>& fields) const;

 private:
  LogLevel level_;
  LogFormat format_;
  LogSink sink_;
};

}  // namespace lyn::ops

#endif  // LYNGUINE_OPS_LOGGING_H_
