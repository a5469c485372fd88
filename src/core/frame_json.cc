#include "core/frame_json.h"

#include <charconv>
#include <cmath>

#include "core/json.h"

namespace lyn {

void append_cell_json(std::string& out, const Column& c, size_t i) {
  const ColumnKind kind = c.kind();
  if (kind == ColumnKind::kObject) {
    append_json(out, c.object_at(i));
    return;
  }
  if (!c.valid(i)) {
    out += "null";
    return;
  }
  switch (kind) {
    case ColumnKind::kInt: {
      char buf[24];
      out.append(buf, std::to_chars(buf, buf + sizeof buf, c.int_at(i)).ptr);
      return;
    }
    case ColumnKind::kFloat: {
      double d = c.float_at(i);
      if (std::isfinite(d))
        append_py_float_repr(out, d);
      else
        out += "null";
      return;
    }
    case ColumnKind::kBool:
      out += c.bool_at(i) ? "true" : "false";
      return;
    case ColumnKind::kString:
      append_json_string(out, c.string_at(i));
      return;
    default:
      append_json(out, c.at(i));
      return;
  }
}

FrameJsonWriter::FrameJsonWriter(const Frame& frame, Layout layout)
    : frame_(frame), layout_(layout) {
  keys_.reserve(frame.columns.size());
  dict_json_.resize(frame.columns.size());
  for (size_t j = 0; j < frame.columns.size(); ++j) {
    const Column& c = frame.columns[j];
    std::string k;
    append_json_string(k, c.key());
    k += ": ";
    keys_.push_back(std::move(k));
    if (c.kind() == ColumnKind::kString && c.strings().dictionary) {
      const StringCells& s = c.strings();
      auto& entries = dict_json_[j];
      entries.reserve(s.entries());
      for (size_t e = 0; e < s.entries(); ++e) {
        entries.emplace_back();
        append_json_string(entries.back(), s.entry(e));
      }
    }
  }
}

void FrameJsonWriter::append_row(std::string& out, size_t i) {
  if (i) out += ", ";
  out += '{';
  const auto& cols = frame_.columns;
  for (size_t j = 0; j < cols.size(); ++j) {
    if (j) out += ", ";
    out += keys_[j];
    const Column& c = cols[j];
    if (!dict_json_[j].empty() && c.valid(i))
      out += dict_json_[j][c.strings().codes[i]];
    else
      append_cell_json(out, c, i);
  }
  out += '}';
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
    out += keys_[j];
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
  const size_t rows = frame_.num_rows();
  while (stage_ == Stage::kRows && out.size() - start < piece_bytes) {
    if (row_ == rows) {
      stage_ = Stage::kTail;
      break;
    }
    size_t before = out.size();
    append_row(out, row_++);
    rows_bytes_ += out.size() - before;
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
  if (total > done) out.reserve(out.size() + (total - done) / 8 * 9);
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
