// Compute: lynguine's Compute as CustomDataFrame.from_flow runs it. The
// interface's `precompute`, `compute` and `postcompute` entries (a mapping or
// a list of mappings each) name a function from a small registry
// (`render_liquid`, `today`), its arguments (`args` as given, `row_args` from
// the focused row's columns, `column_args` as whole columns), the `field`
// (or list of fields, `_` to discard) it writes, `refresh`, and the write
// `mode` (`replace`, `append` or `prepend`, joined with `separator`).
//
// Each phase runs over every index in turn, all of the phase's entries per
// index; a field that does not exist yet is created (in the first output
// group, else a cache group); input columns are never written.
//
// Thread safety: parsing is pure; run_flow_computes mutates the frame it is
// given and needs the same external synchronisation as any other mutation
// of a CustomDataFrame.
#ifndef LYNGUINE_ASSESS_COMPUTE_H_
#define LYNGUINE_ASSESS_COMPUTE_H_

#include <string>
#include <vector>

#include "assess/custom_dataframe.h"
#include "config/interface.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::assess {

// One parsed compute entry.
struct ComputeSpec {
  std::string phase;     // "precompute", "compute" or "postcompute"
  std::string function;  // a name the registry knows
  std::vector<Value> fields;
  bool has_field = false;
  bool multi_output = false;  // `field` was a list
  Map args, row_args, column_args;
  bool refresh = false;
  std::string mode = "replace";
  std::string separator = "\n\n---\n\n";
};

// The names of the compute functions known here.
const std::vector<std::string>& compute_function_names();

// Reads and checks the interface's precompute, compute and postcompute
// entries (in that order). ValueError for an unknown function (lynguine's
// `Function "x" not found in list_functions.`), a bad mode or a malformed
// entry; TypeError for an unknown entry key.
Result<std::vector<ComputeSpec>> parse_compute_specs(const Interface& iface);

// Runs one function by name with its keyword arguments (defaults applied).
Result<Value> call_compute_function(const std::string& name, const Map& kwargs);

// Runs the interface's entries on `cdf`, whose column groups are `groups`
// (the frame's own, so that missing fields can be added). The focus is left
// wherever the last entry put it; callers restore it. A no-op when the
// interface has no compute entries.
Status run_flow_computes(const Interface& iface, CustomDataFrame& cdf,
                         std::vector<DataGroup>& groups);

}  // namespace lyn::assess

#endif  // LYNGUINE_ASSESS_COMPUTE_H_
