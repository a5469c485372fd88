// libFuzzer target: the CSV reader, through the registry's read_data as a
// request reaches it (file under a confined root, item options applied).
// The first input byte picks reader options; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "access/csv_format.h"
#include "access/registry.h"
#include "config/paths.h"
#include "core/value.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& root = lyn_fuzz::temp_root();
  uint8_t sel = size ? data[0] : 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (size) text.remove_prefix(1);
  const std::string path = root + "/in.csv";
  lyn_fuzz::write_file(path, text);

  lyn::Map details{{"type", "csv"}, {"filename", "in.csv"}};
  if (sel & 1) details.set("delimiter", ";");
  if (sel & 2) details.set("header", lyn::Value());  // header: null
  if (sel & 4) details.set("quotechar", "'");
  if (sel & 8) details.set("index", "a");
  if (sel & 16) {
    lyn::List dt{lyn::Map{{"field", "a"}, {"type", "int_type"}},
                 lyn::Map{{"field", "b"}, {"type", "float_type"}},
                 lyn::Map{{"field", "c"}, {"type", "bool_type"}}};
    details.set("dtypes", lyn::Value(dt));
  }
  lyn::access::IoContext ctx{lyn::PathPolicy(root, {root}), nullptr};
  auto frame = lyn::access::read_data(lyn::Value(details), ctx);
  if (frame.ok()) (void)lyn::access::format_csv(*frame);

  // The in-memory parser directly, with default options.
  auto direct = lyn::access::parse_csv(text, lyn::access::CsvOptions{}, "in.csv");
  if (direct.ok()) (void)lyn::access::format_csv(*direct);
  return 0;
}
