// RecordScanner: finds the records of a read_data answer
// ({"status": ..., "data": {"records": [...], "columns": ...}}) in its JSON
// text as the text comes in pieces, and hands each record's text on as soon
// as it is complete, so that a reader of a large answer holds one record at
// a time (and the answer's small remainder), never the answer.
//
// Thread safety: one scanner per answer, used from one thread.
#ifndef LYNGUINE_CLI_RECORD_SCANNER_H_
#define LYNGUINE_CLI_RECORD_SCANNER_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace lyn::cli {

class RecordScanner {
 public:
  // `on_record` gets each element of data.records, as JSON text (valid
  // JSON if the answer is).
  explicit RecordScanner(std::function<void(std::string_view record)> on_record);

  // The next piece of the answer's text.
  void feed(std::string_view piece);

  // After the last piece: the answer without its records (data.records is
  // an empty list), parsed. A ValueError if it holds no data.records list,
  // a JSONDecodeError if it is not JSON.
  Result<Value> finish();

  std::size_t records() const { return count_; }

 private:
  void rest_char(char c);
  void record_char(char c);
  void emit();

  std::function<void(std::string_view)> on_record_;
  std::string rest_;    // the answer outside data.records
  std::string record_;  // the record being read
  std::string stack_;   // open containers outside the records: '{' or '['
  std::string key_[2];  // the last key seen in the answer's object and in data
  std::string key_buf_;
  bool in_str_ = false, esc_ = false, in_key_ = false, expect_key_ = false;
  bool in_records_ = false, found_ = false;
  int depth_ = 0;  // inside data.records: 0 between records
  std::size_t count_ = 0;
};

}  // namespace lyn::cli

#endif  // LYNGUINE_CLI_RECORD_SCANNER_H_
