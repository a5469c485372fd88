// Reader and writer registry: lynguine's read_data and write_data dispatch
// on the `type` field of a data-source description. Each format lives in its
// own file and registers itself here by name; a new format plugs in with one
// register call and no change elsewhere.
//
// Thread safety: the registry is filled once, on first use, under a
// std::call_once; afterwards it is read-only and safe from any thread.
// Readers and writers themselves must be re-entrant (no shared mutable state
// beyond the FileCache, which synchronises itself).
#ifndef LYNGUINE_ACCESS_REGISTRY_H_
#define LYNGUINE_ACCESS_REGISTRY_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access/file_cache.h"
#include "config/paths.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

// What a reader or writer needs besides the description itself.
struct IoContext {
  PathPolicy paths;            // base directory for relative paths + confinement
  FileCache* cache = nullptr;  // optional parsed-file cache
  // lynguine expands $VAR in a directory reader's and writer's paths. We do
  // so only for a description that came from an interface file on disk;
  // a request's own description (data_source, output, records) is literal.
  bool expand_vars = false;

  // Charges the size of the file at `path` (`shown` in the error), about
  // to be read, to the request's Budget (core/budget.h: max_read_bytes). A
  // file that cannot be stat'ed is charged nothing: its reader reports it.
  Status charge_read(const std::string& path, std::string_view shown) const;
};

using ReaderFn = std::function<Result<Frame>(const Map& details, const IoContext& ctx)>;
using WriterFn =
    std::function<Status(const Frame& frame, const Map& details, const IoContext& ctx)>;

class Registry {
 public:
  static Registry& instance();

  void add_reader(std::string type, ReaderFn fn);
  void add_writer(std::string type, WriterFn fn);
  const ReaderFn* reader(std::string_view type) const;
  const WriterFn* writer(std::string_view type) const;
  std::vector<std::string> reader_types() const;

 private:
  std::vector<std::pair<std::string, ReaderFn>> readers_;
  std::vector<std::pair<std::string, WriterFn>> writers_;
};

// Registration hooks, one per group of format files (see registry.cc).
void register_core_formats(Registry& r);     // yaml, markdown (formats_core.cc)
void register_tabular_formats(Registry& r);  // csv, json, local, stacks (formats_tabular.cc)
void register_file_formats(Registry& r);     // directories, list, auto, bibtex, excel

// lynguine's rule for a relative directory in a description: it lies under
// the description's `base_directory` when there is one (sessions stamp the
// interface's folder on each data item, as CustomDataFrame.from_flow does):
// os.path.join(base_directory, dir). Absolute or no base: `dir` as it is.
std::string under_base_directory(const Map& details, const std::string& dir);

// The file a description names, as lynguine's extract_full_filename: with a
// `directory`, $VARs expanded, under_base_directory, joined to `filename`;
// without one, `filename` alone (relative to the working directory). Then
// resolved and confined by ctx.paths. Errors name the file as the
// description gave it.
Result<std::string> resolve_data_file(const Map& details, const IoContext& ctx);
// The same for a file about to be read: also charged to the request's Budget.
Result<std::string> resolve_input_file(const Map& details, const IoContext& ctx);

// A path as lynguine would use it: $VAR expanded when the description came
// from an interface file (IoContext::expand_vars), else as written (a
// request's own paths are literal). Errors about it go through hide_values().
VarExpansion configured_path(const std::string& written, const IoContext& ctx);

// lynguine's io.read_data: checks `type`, dispatches, then applies the item
// options (index, columns, mapping, rename/ignore/select columns, ...).
// The frame's rows are charged to the request's Budget (max_rows).
Result<Frame> read_data(const Value& details, const IoContext& ctx);
// lynguine's io.write_data.
Status write_data(const Frame& frame, const Value& details, const IoContext& ctx);

// The item options lynguine's finalize_data applies after any reader.
// Defined with the tabular formats.
Result<Frame> finalize_frame(Frame frame, const Map& details);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_REGISTRY_H_
