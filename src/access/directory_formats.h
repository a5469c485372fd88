// Directory and file-list readers and writers, as lynguine's read_directory,
// read_files and write_directory: files found by `source` globs (a mapping
// or a list of {directory, glob, regexp}), read one by one, tagged with
// where they came from (store_fields: sourceRoot, sourceDirectory,
// sourceFilename, with lynguine's exact texts, e.g. "./." for directory
// "."), flattened as pandas.json_normalize flattens nested mappings ("a.b";
// lists stay values) and framed with pandas' dtype inference.
//
// Every directory listed and every file opened is resolved and confined by
// ctx.paths first; a relative source directory is taken relative to the
// policy's base directory once (lynguine joins it twice, a known bug).
//
// Thread safety: free functions; re-entrant. Parsed files may be shared
// through ctx.cache, which synchronises itself.
#ifndef LYNGUINE_ACCESS_DIRECTORY_FORMATS_H_
#define LYNGUINE_ACCESS_DIRECTORY_FORMATS_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "access/registry.h"
#include "core/frame.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn::access {

struct StoreFields {
  std::string root = "sourceRoot";
  std::string directory = "sourceDirectory";
  std::string filename = "sourceFilename";
};

// `store_fields` from the description, defaults filled in.
StoreFields store_fields_from(const Map& details);

// Reads one file (resolved path; `shown` is the name errors quote) into the
// records it holds: one for most formats, one per entry for BibTeX.
using FileReader = std::function<Result<List>(const std::string& path, const std::string& shown,
                                              const IoContext&)>;
// Writes one record to a resolved path (through ctx.paths).
using FileWriter = std::function<Status(const std::string& path, const Map& record,
                                        const std::string& shown, const IoContext&)>;

// The per-format file readers.
Result<List> read_markdown_records(const std::string& path, const std::string& shown,
                                   const IoContext& ctx);
Result<List> read_yaml_records(const std::string& path, const std::string& shown,
                               const IoContext& ctx);
Result<List> read_json_records(const std::string& path, const std::string& shown,
                               const IoContext& ctx);
Result<List> read_bibtex_records(const std::string& path, const std::string& shown,
                                 const IoContext& ctx);
// A text file as one record holding only its `content`.
Result<List> read_txt_records(const std::string& path, const std::string& shown,
                              const IoContext& ctx);
// The <file>.yml beside a file (an empty record when there is none).
Result<List> read_meta_records(const std::string& path, const std::string& shown,
                               const IoContext& ctx);
// By extension, as lynguine's read_file (markdown, yaml, json, bibtex, txt).
Result<List> read_any_records(const std::string& path, const std::string& shown,
                              const IoContext& ctx);

// The per-format file writers.
Status write_yaml_record(const std::string& path, const Map& record, const std::string& shown,
                         const IoContext& ctx);
Status write_markdown_record(const std::string& path, const Map& record, const std::string& shown,
                             const IoContext& ctx);
Status write_meta_record(const std::string& path, const Map& record, const std::string& shown,
                         const IoContext& ctx);

struct GlobMatch {
  std::string text;  // the path as Python's glob would spell it
  std::string path;  // resolved and confined
};
// glob.glob(os.path.join(directory, pattern)) confined by ctx.paths:
// wildcards do not match leading dots, `**` acts as `*`, results unsorted.
Result<std::vector<GlobMatch>> glob_confined(const std::string& directory,
                                             const std::string& pattern, const IoContext& ctx);

// lynguine's extract_root_directory for a file's directory text, with `cwd`
// the absolute base directory: (root, subdirectory).
std::pair<std::string, std::string> split_root_directory(std::string_view dir,
                                                         std::string_view cwd);

// pandas.json_normalize's record flattening: nested mappings become "a.b"
// keys (appended after the record's other keys), lists stay values.
Map flatten_record(const Map& record);

// A directory reader: `default_glob` unless the description's `glob` or a
// source's `glob` says otherwise.
Result<Frame> read_directory(const Map& details, const IoContext& ctx,
                             std::string_view default_glob, const FileReader& reader);
// The `list` type: `filename` is a list of files, each read by extension,
// tagged with sourceRoot, sourceDirectory and sourceFile.
Result<Frame> read_file_list(const Map& details, const IoContext& ctx);
// write_directory: one file per row, placed by the row's store fields;
// rows with only missing values are skipped. The store fields themselves
// and missing values are not written.
Status write_directory(const Frame& frame, const Map& details, const IoContext& ctx,
                       const FileWriter& writer);

// to_dict('records') with the index (if any) as the first field.
List frame_records_with_index(const Frame& frame);
// lynguine's remove_nan: drops None/NaN fields, recursing into mappings.
Map remove_missing(const Map& record);

}  // namespace lyn::access

#endif  // LYNGUINE_ACCESS_DIRECTORY_FORMATS_H_
