// Registration of the file-collection formats: the directory readers
// (yaml, json, markdown, bibtex, plain "directory" by extension, meta),
// `list`, `auto` (by extension), `bibtex` and `excel`; and the writers for
// directories of yaml/markdown/meta files, bibtex, excel, a single markdown
// file and (when no other file registered one) yaml.
//
// Thread safety: registration runs once under the registry's call_once;
// the readers and writers are re-entrant free functions.
#include "access/bibtex_format.h"
#include "access/directory_formats.h"
#include "access/excel_format.h"
#include "access/markdown_format.h"
#include "access/registry.h"
#include "core/yaml.h"

namespace lyn::access {

namespace {

std::string shown_name(const Map& details) {
  const Value* fn = details.find("filename");
  std::string name = fn && fn->is_string() ? fn->as_string() : "";
  if (const Value* dir = details.find("directory"); dir && dir->is_string())
    name = path_join(dir->as_string(), name);
  return name;
}

ReaderFn directory_reader(std::string default_glob, FileReader reader) {
  return [default_glob = std::move(default_glob), reader = std::move(reader)](
             const Map& details, const IoContext& ctx) -> Result<Frame> {
    return read_directory(details, ctx, default_glob, reader);
  };
}

WriterFn directory_writer(FileWriter writer) {
  return [writer = std::move(writer)](const Frame& frame, const Map& details,
                                      const IoContext& ctx) -> Status {
    return write_directory(frame, details, ctx, writer);
  };
}

Result<Frame> read_bibtex(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_input_file(details, ctx));
  LYN_TRY_ASSIGN(entries, read_bibtex_records(path, shown_name(details), ctx));
  return bibtex_frame(std::move(entries));
}

Status write_bibtex(const Frame& frame, const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_data_file(details, ctx));
  List records = frame_records_with_index(frame);
  for (auto& r : records) r = Value(remove_missing(r.as_map()));
  LYN_TRY_ASSIGN(text, dump_bibtex(records));
  return ctx.paths.write_file(path, text, shown_name(details));
}

Result<Frame> read_excel(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_input_file(details, ctx));
  std::string shown = shown_name(details);
  LYN_TRY_ASSIGN(bytes, ctx.paths.read_file(path, shown, size_t{256} << 20));
  ExcelReadOptions opts;
  if (const Value* s = details.find("sheet")) opts.sheet = *s;
  if (const Value* h = details.find("header")) {
    if (h->is_null())
      opts.header.reset();
    else if (h->is_int() && h->as_int() >= 0 && h->as_int() < 1048576)
      opts.header = static_cast<int>(h->as_int());
    else
      return Error::value("Field \"header\" for an excel file must be a row number or null.");
  }
  return read_xlsx(bytes, opts, shown);
}

Status write_excel(const Frame& frame, const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_data_file(details, ctx));
  std::string sheet = "Sheet1";
  if (const Value* s = details.find("sheet"); s && !s->is_null()) sheet = py_str(*s);
  int header = 0;
  if (const Value* h = details.find("header");
      h && h->is_int() && h->as_int() >= 0 && h->as_int() < 1000000)
    header = static_cast<int>(h->as_int());
  Frame out = frame;
  out.reset_index();
  LYN_TRY_ASSIGN(bytes, write_xlsx(out, sheet, header));
  return ctx.paths.write_file(path, bytes, shown_name(details));
}

// A correct write_markdown: one record, its `content` as the body and the
// other non-missing fields as front matter.
Status write_markdown(const Frame& frame, const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_data_file(details, ctx));
  List records = frame_records_with_index(frame);
  if (records.size() != 1)
    return Error::value("A markdown file holds exactly one record; the data has " +
                        std::to_string(records.size()) + ".");
  return write_markdown_record(path, remove_missing(records[0].as_map()), shown_name(details), ctx);
}

Status write_yaml_records(const Frame& frame, const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_data_file(details, ctx));
  List records = frame_records_with_index(frame);
  for (auto& r : records) r = Value(remove_missing(r.as_map()));
  return ctx.paths.write_file(path, dump_yaml(Value(std::move(records))), shown_name(details));
}

Result<Frame> read_auto(const Map& details, const IoContext& ctx) {
  const Value* fn = details.find("filename");
  if (!fn || fn->is_null())
    return Error::value("Field \"filename\" missing in data source details for read_auto.");
  std::string base = path_basename(py_str(*fn));
  size_t dot = base.rfind('.');
  std::string ext;
  if (dot != std::string::npos && base.find_first_not_of('.') < dot) ext = base.substr(dot);
  std::string type;
  if (ext == ".yaml" || ext == ".yml")
    type = "yaml";
  else if (ext == ".json")
    type = "json";
  else if (ext == ".csv")
    type = "csv";
  else if (ext == ".bib" || ext == ".bibtex")
    type = "bibtex";
  else if (ext == ".md" || ext == ".markdown")
    type = "markdown";
  else if (ext == ".xls" || ext == ".xlsx")
    type = "excel";
  else
    return Error::value("Cannot tell the type of " + py_string_repr(py_str(*fn)) +
                        " from its extension for read_auto.");
  const ReaderFn* reader = Registry::instance().reader(type);
  if (!reader) return Error::value("Unknown type \"" + type + "\" in read_data.");
  return (*reader)(details, ctx);
}

}  // namespace

void register_file_formats(Registry& r) {
  r.add_reader("yaml_directory", directory_reader("*.yml", read_yaml_records));
  r.add_reader("json_directory", directory_reader("*.json", read_json_records));
  r.add_reader("markdown_directory", directory_reader("*.md", read_markdown_records));
  r.add_reader("bibtex_directory", directory_reader("*.bib", read_bibtex_records));
  r.add_reader("directory", directory_reader("*", read_any_records));
  r.add_reader("meta_directory", directory_reader("*", read_meta_records));
  r.add_reader("list", read_file_list);
  r.add_reader("auto", read_auto);
  r.add_reader("bibtex", read_bibtex);
  r.add_reader("excel", read_excel);

  r.add_writer("yaml_directory", directory_writer(write_yaml_record));
  r.add_writer("markdown_directory", directory_writer(write_markdown_record));
  r.add_writer("meta_directory", directory_writer(write_meta_record));
  r.add_writer("bibtex", write_bibtex);
  r.add_writer("excel", write_excel);
  r.add_writer("markdown", write_markdown);
  if (!r.writer("yaml")) r.add_writer("yaml", write_yaml_records);
}

}  // namespace lyn::access
