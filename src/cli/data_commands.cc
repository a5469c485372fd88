// `lynguine read`, `write` and `call`: the data endpoints from the shell,
// printing the same JSON body the HTTP API answers.
#include <cstdio>

#include "access/file_io.h"
#include "cli/commands.h"
#include "config/paths.h"
#include "core/json.h"

namespace lyn::cli {

namespace {

const char* kReadHelp =
    "usage: lynguine read --source JSON [--server] [--root DIR]\n"
    "       lynguine read --interface FILE [--field NAME] [--directory DIR]\n"
    "\n"
    "Prints the JSON body of POST /api/read_data:\n"
    "{\"status\":\"success\",\"data\":{\"records\",\"columns\",\"shape\",\"dtypes\"}}.\n"
    "  --source JSON      a data-source description, e.g. "
    "'{\"type\":\"csv\",\"filename\":\"a.csv\"}'\n"
    "  --interface FILE   read the input of an interface file\n"
    "  --field NAME       the interface inside FILE to use (interface_field)\n"
    "  --directory DIR    where FILE is looked up (default: .)\n";

const char* kWriteHelp =
    "usage: lynguine write --output JSON --data FILE|JSON [--columns C1,C2]\n"
    "\n"
    "POST /api/write_data: writes records (a JSON list, or {\"records\": [...]})\n"
    "to the output description, atomically.\n";

const char* kCallHelp =
    "usage: lynguine call METHOD PATH [BODY] [--server] [--root DIR] [--status]\n"
    "\n"
    "Sends one API request and prints the JSON answer; exit 0 on a 2xx status.\n"
    "  --status   first print the answer's HTTP status (\"status: 404\") on stderr\n";

// Sends the request and prints the answer: stdout on success, stderr and
// exit 1 otherwise.
int send_and_print(client::ApiCaller& caller, std::string_view method, std::string_view path,
                   Value body, bool print_status = false) {
  if (caller.remote() && body.is_map())
    body.as_map().set("working_directory", Value(current_directory()));
  std::string text = body.is_null() ? "" : to_json(body);
  auto r = caller.call(method, path, text);
  if (r.status == 0) return fail("ConnectionError", r.body);
  if (print_status) std::fprintf(stderr, "status: %d\n", r.status);
  r.body += '\n';
  if (r.status >= 200 && r.status < 300) {
    std::fwrite(r.body.data(), 1, r.body.size(), stdout);
    return 0;
  }
  std::fwrite(r.body.data(), 1, r.body.size(), stderr);
  return 1;
}

}  // namespace

int run_read(const std::vector<std::string>& a) {
  CommonOptions common;
  std::string source, interface_file, field, directory;
  for (size_t i = 0; i < a.size(); ++i) {
    if (take_common(a, i, common)) continue;
    const std::string& s = a[i];
    bool has_next = i + 1 < a.size();
    if (s == "--help" || s == "-h") {
      std::fputs(kReadHelp, stdout);
      return 0;
    } else if (s == "--source" && has_next) {
      source = a[++i];
    } else if (s == "--interface" && has_next) {
      interface_file = a[++i];
    } else if ((s == "--field" || s == "--interface-field") && has_next) {
      field = a[++i];
    } else if (s == "--directory" && has_next) {
      directory = a[++i];
    } else {
      std::fprintf(stderr, "lynguine read: unexpected argument '%s'\n\n%s", s.c_str(), kReadHelp);
      return 2;
    }
  }
  Map body;
  if (!source.empty()) {
    auto parsed = parse_json(source);
    if (!parsed.ok()) return fail(parsed.error().type, "--source: " + parsed.error().message);
    body.set("data_source", std::move(parsed).value());
  } else if (!interface_file.empty()) {
    body.set("interface_file", Value(interface_file));
    if (!field.empty()) body.set("interface_field", Value(field));
    if (!directory.empty()) body.set("directory", Value(directory));
  } else {
    std::fprintf(stderr, "lynguine read: give --source or --interface\n\n%s", kReadHelp);
    return 2;
  }
  auto caller = make_caller(common);
  return send_and_print(*caller, "POST", "/api/read_data", Value(std::move(body)));
}

int run_write(const std::vector<std::string>& a) {
  CommonOptions common;
  std::string output, data, columns;
  for (size_t i = 0; i < a.size(); ++i) {
    if (take_common(a, i, common)) continue;
    const std::string& s = a[i];
    bool has_next = i + 1 < a.size();
    if (s == "--help" || s == "-h") {
      std::fputs(kWriteHelp, stdout);
      return 0;
    } else if ((s == "--output" || s == "--source") && has_next) {
      output = a[++i];
    } else if (s == "--data" && has_next) {
      data = a[++i];
    } else if (s == "--columns" && has_next) {
      columns = a[++i];
    } else {
      std::fprintf(stderr, "lynguine write: unexpected argument '%s'\n\n%s", s.c_str(), kWriteHelp);
      return 2;
    }
  }
  if (output.empty() || data.empty()) {
    std::fprintf(stderr, "lynguine write: give --output and --data\n\n%s", kWriteHelp);
    return 2;
  }
  auto out = parse_json(output);
  if (!out.ok()) return fail(out.error().type, "--output: " + out.error().message);
  std::string data_text = data;
  if (!data.empty() && data[0] != '[' && data[0] != '{') {
    auto text = read_text_file(data);
    if (!text.ok()) return fail(text.error().type, text.error().message);
    data_text = *text;
  }
  auto records = parse_json(data_text);
  if (!records.ok()) return fail(records.error().type, "--data: " + records.error().message);
  Value data_value = records->is_list() ? Value(Map{{"records", *records}}) : *records;
  if (!columns.empty() && data_value.is_map()) {
    List cols;
    size_t start = 0;
    while (start <= columns.size()) {
      size_t comma = columns.find(',', start);
      if (comma == std::string::npos) comma = columns.size();
      cols.push_back(Value(columns.substr(start, comma - start)));
      start = comma + 1;
    }
    data_value.as_map().set("columns", Value(std::move(cols)));
  }
  Map body;
  body.set("data", std::move(data_value));
  body.set("output", std::move(out).value());
  auto caller = make_caller(common);
  return send_and_print(*caller, "POST", "/api/write_data", Value(std::move(body)));
}

int run_call(const std::vector<std::string>& a) {
  CommonOptions common;
  std::vector<std::string> positional;
  bool print_status = false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (take_common(a, i, common)) continue;
    if (a[i] == "--help" || a[i] == "-h") {
      std::fputs(kCallHelp, stdout);
      return 0;
    }
    if (a[i] == "--status") {
      print_status = true;
      continue;
    }
    positional.push_back(a[i]);
  }
  if (positional.size() < 2 || positional.size() > 3) {
    std::fputs(kCallHelp, stderr);
    return 2;
  }
  Value body;
  if (positional.size() == 3) {
    auto parsed = parse_json(positional[2]);
    if (!parsed.ok()) return fail(parsed.error().type, "BODY: " + parsed.error().message);
    body = std::move(parsed).value();
  }
  auto caller = make_caller(common);
  return send_and_print(*caller, positional[0], positional[1], std::move(body), print_status);
}

}  // namespace lyn::cli
