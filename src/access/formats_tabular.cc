// Registration of the tabular formats: csv, json, local, fake, hstack, vstack,
// stack and series readers; csv and json writers. Each format's code lives
// in its own file (csv_format, json_format, local_format, stack_formats);
// finalize_frame is in finalize.cc.
#include "access/csv_format.h"
#include "access/fake_format.h"
#include "access/json_format.h"
#include "access/local_format.h"
#include "access/registry.h"
#include "access/stack_formats.h"

namespace lyn::access {

void register_tabular_formats(Registry& r) {
  r.add_reader("csv", read_csv);
  r.add_reader("json", read_json);
  r.add_reader("local", read_local);
  r.add_reader("fake", read_fake);
  r.add_reader("hstack", read_hstack);
  r.add_reader("vstack", read_vstack);
  r.add_reader("stack", read_stack);
  r.add_reader("series", read_series);
  r.add_writer("csv", write_csv);
  r.add_writer("json", write_json);
}

}  // namespace lyn::access
