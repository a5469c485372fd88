// The formats every lynguine user meets first: a YAML file of records and
// a markdown file with front matter (one record, its body as `content`).
// Their writers live with the other writers in formats_files.cc.
#include "access/local_format.h"
#include "access/markdown_format.h"
#include "access/registry.h"
#include "core/utf8.h"
#include "core/yaml.h"

namespace lyn::access {

namespace {

Result<Value> load_yaml_file(const IoContext& ctx, const std::string& path,
                             const std::string& shown) {
  auto text = ctx.paths.read_file(path, shown);
  if (!text.ok()) return text.error();
  if (!utf8::is_valid(*text))
    return Error::value("File " + py_string_repr(shown) + " is not valid UTF-8 text");
  auto v = safe_load(*text, path);
  // read_yaml_file logs a YAMLError and reads the file as {}; what PyYAML
  // lets through (a ValueError of `2024-02-30`) and our budgets' refusals
  // fail the read.
  if (!v.ok() && is_yaml_error(v.error()) && !is_yaml_refusal(v.error())) return Value(Map{});
  return v;
}

Result<Frame> read_yaml(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_input_file(details, ctx));
  std::string shown = details.find("filename")->as_string();
  auto load = [&]() { return load_yaml_file(ctx, path, shown); };
  if (ctx.cache) {
    auto data = ctx.cache->get<Value>(path, "yaml", load);
    if (!data.ok()) return data.error();
    return frame_from_data_or_scalars(**data, details);
  }
  LYN_TRY_ASSIGN(data, load());
  return frame_from_data_or_scalars(data, details);
}

Result<Frame> read_markdown(const Map& details, const IoContext& ctx) {
  LYN_TRY_ASSIGN(path, resolve_input_file(details, ctx));
  std::string shown = details.find("filename")->as_string();
  LYN_TRY_ASSIGN(fm, load_markdown_file(ctx.paths, path, shown, ctx.cache));
  // A header that is not YAML reads as no fields (and no content): one row
  // without columns.
  if (fm->header_broken) return frame_of_empty_rows(1);
  Map record = fm->fields;
  record.set("content", Value(fm->content));
  return Frame::from_records(List{Value(std::move(record))});
}

}  // namespace

void register_core_formats(Registry& r) {
  r.add_reader("yaml", read_yaml);
  r.add_reader("markdown", read_markdown);
}

}  // namespace lyn::access
