#include "core/frame_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "core/json.h"
#include "core/malloc_policy.h"

namespace lyn {

// Writes into `out` through a raw pointer: ensure(n) makes room for n more
// bytes (growing `out` in large steps, so its zero-fill is paid once per
// byte), finish() trims `out` to what was written. Between the two, `out`
// must only be touched through the cursor or after finish().
class FrameJsonWriter::Cursor {
 public:
  explicit Cursor(std::string& out) : out_(out), p_(out.data() + out.size()), end_(p_) {}
  void ensure(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) grow(n);
  }
  void put(const char* s, size_t n) {
    std::memcpy(p_, s, n);
    p_ += n;
  }
  void put(std::string_view s) { put(s.data(), s.size()); }
  char*& p() { return p_; }
  size_t pos() const { return static_cast<size_t>(p_ - out_.data()); }
  void finish() { out_.resize(pos()); }

 private:
  void grow(size_t n) {
    const size_t at = pos();
    out_.resize(at + std::max<size_t>(n, 16 * 1024));
    p_ = out_.data() + at;
    end_ = out_.data() + out_.size();
  }
  std::string& out_;
  char* p_;
  char* end_;
};

namespace {

constexpr size_t kNumberBound = 32;  // an int64, a float repr, "false", "null"

}  // namespace

void append_cell_json(std::string& out, const Column& c, size_t i) {
  const ColumnView v = c.view();
  if (v.kind == ColumnKind::kObject) {
    append_json(out, v.objects[i]);
  } else if (!v.valid(i)) {
    out += "null";
  } else if (v.kind == ColumnKind::kString) {
    append_json_string(out, v.text(i));
  } else if (v.kind == ColumnKind::kFloat && !std::isfinite(v.floats[i])) {
    out += "null";
  } else if (v.kind == ColumnKind::kFloat) {
    append_py_float_repr(out, v.floats[i]);
  } else if (v.kind == ColumnKind::kInt) {
    out += std::to_string(v.ints[i]);
  } else if (v.kind == ColumnKind::kBool) {
    out += v.bools[i] ? "true" : "false";
  } else {
    append_json(out, c.at(i));  // dates
  }
}

FrameJsonWriter::FrameJsonWriter(const Frame& frame, Layout layout)
    : frame_(frame), layout_(layout) {
  keys_.reserve(frame.columns.size());
  views_.reserve(frame.columns.size());
  dict_json_.resize(frame.columns.size());
  for (size_t j = 0; j < frame.columns.size(); ++j) {
    const Column& c = frame.columns[j];
    std::string k = j ? ", " : "{";
    // A label typed as a number, bool or null is a dict key json.dumps
    // writes as `1`, `true`, `null`.
    append_json_string(k, c.name.is_string() ? c.key() : json_key(c.name));
    k += ": ";
    keys_.push_back(std::move(k));
    views_.push_back(c.view());
    if (c.kind() == ColumnKind::kString && views_.back().strings->dictionary) {
      const StringCells& s = *views_.back().strings;
      auto& entries = dict_json_[j];
      entries.reserve(s.entries());
      for (size_t e = 0; e < s.entries(); ++e) {
        entries.emplace_back();
        append_json_string(entries.back(), s.entry(e));
      }
    }
  }
}

// One row through the cursor: each cell gets room for its largest form
// first; Values (mixed cells, dates) are written to scratch_ first.
void FrameJsonWriter::append_row(Cursor& c, size_t i) {
  c.ensure(3);
  if (i) c.put(", ", 2);
  const auto& cols = frame_.columns;
  if (cols.empty()) c.put("{", 1);
  for (size_t j = 0; j < cols.size(); ++j) {
    const ColumnView& v = views_[j];
    const std::string& key = keys_[j];  // '{' or ", " before the key
    if (v.kind == ColumnKind::kObject ||
        (v.valid(i) && (v.kind == ColumnKind::kDate || v.kind == ColumnKind::kDateTime))) {
      scratch_ = key;
      append_cell_json(scratch_, cols[j], i);
      c.ensure(scratch_.size());
      c.put(scratch_);
      continue;
    }
    if (!v.valid(i)) {
      c.ensure(key.size() + 4);
      c.put(key);
      c.put("null", 4);
      continue;
    }
    switch (v.kind) {
      case ColumnKind::kInt:
        c.ensure(key.size() + kNumberBound);
        c.put(key);
        c.p() = std::to_chars(c.p(), c.p() + kNumberBound, v.ints[i]).ptr;
        break;
      case ColumnKind::kFloat:
        c.ensure(key.size() + kMaxFloatRepr);
        c.put(key);
        if (std::isfinite(v.floats[i]))
          c.p() = write_py_float_repr(c.p(), v.floats[i]);
        else
          c.put("null", 4);
        break;
      case ColumnKind::kBool:
        c.ensure(key.size() + 5);
        c.put(key);
        if (v.bools[i])
          c.put("true", 4);
        else
          c.put("false", 5);
        break;
      case ColumnKind::kString:
        if (!dict_json_[j].empty()) {
          const std::string& e = dict_json_[j][v.strings->codes[i]];
          c.ensure(key.size() + e.size());
          c.put(key);
          c.put(e);
        } else {
          std::string_view text = v.text(i);
          c.ensure(key.size() + json_string_bound(text.size()));
          c.put(key);
          c.p() = write_json_string(c.p(), text);
        }
        break;
      default:
        break;
    }
  }
  c.ensure(1);
  c.put("}", 1);
}

void FrameJsonWriter::append_tail(std::string& out) {
  out += ']';
  if (layout_ == Layout::kRecords) return;
  const auto& cols = frame_.columns;
  out += ", \"columns\": [";
  for (size_t j = 0; j < cols.size(); ++j) {
    if (j) out += ", ";
    append_json(out, cols[j].name);
  }
  out += "], \"shape\": [" + std::to_string(frame_.num_rows()) + ", " +
         std::to_string(cols.size()) + "], \"dtypes\": {";
  for (size_t j = 0; j < cols.size(); ++j) {
    if (j) out += ", ";
    out.append(keys_[j], j ? 2 : 1, std::string::npos);
    append_json_string(out, cols[j].dtype);
  }
  out += "}}";
}

bool FrameJsonWriter::next(std::string& out, size_t piece_bytes) {
  const size_t start = out.size();
  if (stage_ == Stage::kHead) {
    out += layout_ == Layout::kDataObject ? "{\"records\": [" : "[";
    stage_ = Stage::kRows;
  }
  // pandas' to_dict('records') of a frame without columns is [], whatever
  // its number of rows (the shape still counts them).
  const size_t rows = frame_.columns.empty() ? 0 : frame_.num_rows();
  if (stage_ == Stage::kRows) {
    Cursor c(out);
    while (c.pos() - start < piece_bytes) {
      if (row_ == rows) {
        stage_ = Stage::kTail;
        break;
      }
      size_t before = c.pos();
      append_row(c, row_++);
      rows_bytes_ += c.pos() - before;
    }
    c.finish();
  }
  if (stage_ == Stage::kTail && out.size() - start < piece_bytes) {
    append_tail(out);
    stage_ = Stage::kDone;
  }
  written_ += out.size() - start;
  return out.size() > start;
}

size_t FrameJsonWriter::estimated_size() const {
  const size_t rows = frame_.num_rows();
  if (stage_ == Stage::kDone || row_ == 0) return written_;
  // Rows still to come, at the average size so far, plus room for the tail.
  return written_ + rows_bytes_ / row_ * (rows - row_) + 64 * (frame_.columns.size() + 1);
}

namespace {

void append_all(std::string& out, const Frame& frame, FrameJsonWriter::Layout layout) {
  FrameJsonWriter w(frame, layout);
  const size_t before = out.size();
  w.next(out, 256 * 1024);
  // Reserve once from the first piece, a little over: untouched capacity
  // costs no memory, a regrowth copies everything written so far.
  const size_t done = out.size() - before, total = w.estimated_size();
  if (total > done) {
    out.reserve(out.size() + (total - done) / 8 * 9);
    advise_huge_pages(out.data() + out.size(), out.capacity() - out.size());
  }
  while (w.next(out, size_t{1} << 30)) {
  }
}

}  // namespace

void append_frame_data_json(std::string& out, const Frame& frame) {
  append_all(out, frame, FrameJsonWriter::Layout::kDataObject);
}

void append_records_json(std::string& out, const Frame& frame) {
  append_all(out, frame, FrameJsonWriter::Layout::kRecords);
}

}  // namespace lyn
