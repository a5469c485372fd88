#include "ops/logging.h"

#include <time.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>

#include "core/utf8.h"

namespace lyn::ops {

namespace {

// A JSON string literal; invalid UTF-8 bytes become U+FFFD so every line
// stays valid JSON whatever a client sent as its path.
void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      ++i;
    } else if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (size_t n = utf8::sequence_length(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  out.push_back('"');
}

// A logfmt value: bare when it is one printable token, else quoted with
// control characters and non-ASCII escaped.
void append_text_value(std::string& out, std::string_view s) {
  bool bare = !s.empty();
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7F || c == '"' || c == '=' || c == '\\') bare = false;
  if (bare) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c >= 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

std::string timestamp_utc() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  time_t secs = static_cast<time_t>(ms / 1000);
  struct tm tm {};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view s) {
  if (s == "debug") return LogLevel::kDebug;
  if (s == "info") return LogLevel::kInfo;
  if (s == "warning" || s == "warn") return LogLevel::kWarning;
  if (s == "error") return LogLevel::kError;
  return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view s) {
  if (s == "text") return LogFormat::kText;
  if (s == "json") return LogFormat::kJson;
  return std::nullopt;
}

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

LogField log_field(std::string key, std::string_view value) {
  return {std::move(key), std::string(value), false};
}

LogField log_field(std::string key, double value) {
  if (!std::isfinite(value)) return {std::move(key), "null", true};
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, value);
  return {std::move(key), std::string(buf, r.ptr), true};
}

LogField log_field(std::string key, long long value) {
  return {std::move(key), std::to_string(value), true};
}

Logger::Logger(LogLevel level, LogFormat format, std::FILE* out, bool owned)
    : level_(level), format_(format), sink_(out, owned) {}

Logger::~Logger() = default;

Result<std::unique_ptr<Logger>> Logger::open(LogLevel level, LogFormat format,
                                             const std::string& path) {
  using Answer = Result<std::unique_ptr<Logger>>;
  if (path.empty()) return Answer(std::make_unique<Logger>(level, format, stderr, false));
  std::FILE* f = std::fopen(path.c_str(), "ae");  // append, close-on-exec
  if (!f) return Error::os("cannot open log file " + path);
  return Answer(std::make_unique<Logger>(level, format, f, true));
}

std::string Logger::format_line(LogLevel level, std::string_view message,
                                const std::vector<LogField>& fields) const {
  std::string line;
  line.reserve(160);
  if (format_ == LogFormat::kJson) {
    line += "{\"ts\":";
    append_json_string(line, timestamp_utc());
    line += ",\"level\":";
    append_json_string(line, log_level_name(level));
    line += ",\"msg\":";
    append_json_string(line, message);
    for (const auto& f : fields) {
      line.push_back(',');
      append_json_string(line, f.key);
      line.push_back(':');
      if (f.number)
        line += f.value;
      else
        append_json_string(line, f.value);
    }
    line += "}\n";
  } else {
    line += timestamp_utc();
    line.push_back(' ');
    std::string_view name = log_level_name(level);
    for (char c : name) line.push_back(static_cast<char>(c - 'a' + 'A'));
    line.push_back(' ');
    append_text_value(line, message);
    for (const auto& f : fields) {
      line.push_back(' ');
      line += f.key;
      line.push_back('=');
      if (f.number)
        line += f.value;
      else
        append_text_value(line, f.value);
    }
    line.push_back('\n');
  }
  return line;
}

void Logger::log(LogLevel level, std::string_view message, const std::vector<LogField>& fields) {
  if (!enabled(level)) return;
  sink_.write(format_line(level, message, fields));
}

void Logger::access(std::string_view method, std::string_view path, int status, double seconds,
                    std::size_t bytes, std::string_view remote) {
  if (!enabled(LogLevel::kInfo)) return;
  log(LogLevel::kInfo, "request",
      {log_field("method", method), log_field("path", path),
       log_field("status", static_cast<long long>(status)),
       log_field("duration_ms", std::round(seconds * 1e6) / 1e3),
       log_field("bytes", static_cast<long long>(bytes)), log_field("remote", remote)});
}

}  // namespace lyn::ops
