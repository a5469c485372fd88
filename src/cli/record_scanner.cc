#include "cli/record_scanner.h"

#include <utility>

#include "core/json.h"

namespace lyn::cli {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

RecordScanner::RecordScanner(std::function<void(std::string_view)> on_record)
    : on_record_(std::move(on_record)) {}

void RecordScanner::feed(std::string_view piece) {
  for (char c : piece) {
    if (in_records_)
      record_char(c);
    else
      rest_char(c);
  }
}

// Outside data.records: the text is kept, and the keys of the answer's
// object and of its "data" object are followed, to find the records list.
void RecordScanner::rest_char(char c) {
  rest_ += c;
  if (in_str_) {
    if (esc_) {
      esc_ = false;
    } else if (c == '\\') {
      esc_ = true;
    } else if (c == '"') {
      in_str_ = false;
      if (in_key_ && stack_.size() <= 2) key_[stack_.size() - 1] = key_buf_;
      in_key_ = false;
      return;
    }
    if (in_key_) key_buf_ += c;
    return;
  }
  switch (c) {
    case '"':
      in_str_ = true;
      in_key_ = expect_key_;
      key_buf_.clear();
      break;
    case '{':
      stack_ += '{';
      expect_key_ = true;
      break;
    case '[':
      stack_ += '[';
      expect_key_ = false;
      if (!found_ && stack_ == "{{[" && key_[0] == "data" && key_[1] == "records") {
        found_ = in_records_ = true;
        depth_ = 0;
      }
      break;
    case '}':
    case ']':
      if (!stack_.empty()) stack_.pop_back();
      expect_key_ = false;
      break;
    case ':':
      expect_key_ = false;
      break;
    case ',':
      expect_key_ = !stack_.empty() && stack_.back() == '{';
      break;
    default:
      break;
  }
}

// Inside data.records: each element's text is collected and handed on at
// the comma or bracket that ends it.
void RecordScanner::record_char(char c) {
  if (in_str_) {
    record_ += c;
    if (esc_)
      esc_ = false;
    else if (c == '\\')
      esc_ = true;
    else if (c == '"')
      in_str_ = false;
    return;
  }
  if (depth_ == 0) {
    if (c == ',' || c == ']') {
      emit();
      if (c == ']') {
        in_records_ = false;
        rest_char(']');
      }
      return;
    }
    if (is_space(c) && record_.empty()) return;
  }
  record_ += c;
  if (c == '"')
    in_str_ = true;
  else if (c == '{' || c == '[')
    ++depth_;
  else if (c == '}' || c == ']')
    --depth_;
}

void RecordScanner::emit() {
  while (!record_.empty() && is_space(record_.back())) record_.pop_back();
  if (record_.empty()) return;
  ++count_;
  on_record_(record_);
  record_.clear();
}

Result<Value> RecordScanner::finish() {
  auto parsed = parse_json(rest_);
  if (!parsed.ok()) return parsed.error();
  const Value* data = parsed->get("data");
  const Value* records = data ? data->get("records") : nullptr;
  if (!found_ || in_records_ || !records || !records->is_list())
    return Error::value("the answer holds no data.records to print");
  return std::move(parsed).value();
}

}  // namespace lyn::cli
