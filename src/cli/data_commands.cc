// `lynguine read`, `write` and `call`: the data endpoints from the shell,
// printing the same JSON body the HTTP API answers.
#include <cstdio>
#include <functional>
#include <optional>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/records_text.h"
#include "config/paths.h"
#include "core/fs.h"
#include "core/json.h"

namespace lyn::cli {

namespace {

// Sends the request and prints the answer: stdout on success, stderr and
// exit 1 otherwise.
int send_and_print(client::ApiCaller& caller, std::string_view method, std::string_view path,
                   Value body, bool print_status = false,
                   RecordsFormat format = RecordsFormat::json) {
  if (caller.remote() && body.is_map())
    body.as_map().set("working_directory", Value(current_directory()));
  std::string text = body.is_null() ? "" : to_json(body);
  auto r = caller.call(method, path, text);
  if (r.status == 0) return fail("ConnectionError", r.body);
  if (print_status) std::fprintf(stderr, "status: %d\n", r.status);
  if (r.status >= 200 && r.status < 300) {
    auto text = format_read_answer(r.body, format);
    if (!text.ok()) return fail(text.error().type, text.error().message);
    std::fwrite(text->data(), 1, text->size(), stdout);
    return 0;
  }
  r.body += '\n';
  std::fwrite(r.body.data(), 1, r.body.size(), stderr);
  return 1;
}

// `lynguine read`: the answer printed in `format`. In direct mode it is
// printed as it is produced, never held whole (records_text.h); through a
// server it arrives whole and is printed from there.
int read_and_print(client::ApiCaller& caller, Value body, RecordsFormat format) {
  if (!caller.remote()) {
    std::string text = to_json(body);
    std::optional<client::CallResult> failed;  // the answer, when not a success
    AnswerReplay replay = [&](const std::function<void(std::string_view)>& piece) -> Status {
      auto r = caller.call_pieces("POST", "/api/read_data", text, piece);
      if (r.status >= 200 && r.status < 300) return Ok{};
      failed = std::move(r);
      return Error{};
    };
    auto printed = print_read_answer(replay, format, stdout);
    if (printed.ok()) return 0;
    if (!failed) return fail(printed.error().type, printed.error().message);
    if (failed->status == 0) return fail("ConnectionError", failed->body);
    failed->body += '\n';
    std::fwrite(failed->body.data(), 1, failed->body.size(), stderr);
    return 1;
  }
  return send_and_print(caller, "POST", "/api/read_data", std::move(body), false, format);
}

}  // namespace

int run_read(const std::vector<std::string>& a) {
  CommonOptions common;
  std::string source, interface_file, field, directory, format = "json";
  auto app =
      make_command("lynguine read",
                   "usage: lynguine read --source JSON [--format F] [--server] [--root DIR]\n"
                   "       lynguine read --interface FILE [--field NAME] [--directory DIR] "
                   "[--format F]\n",
                   "Prints the JSON body of POST /api/read_data:\n"
                   "{\"status\":\"success\",\"data\":{\"records\",\"columns\",\"shape\","
                   "\"dtypes\"}}.");
  app->add_option("--source", source,
                  "a data-source description, e.g. '{\"type\":\"csv\",\"filename\":\"a.csv\"}'")
      ->option_text("JSON");
  app->add_option("--interface", interface_file, "read the input of an interface file")
      ->option_text("FILE");
  app->add_option("--field,--interface-field", field,
                  "the interface inside FILE to use (interface_field)")
      ->option_text("NAME");
  app->add_option("--directory", directory, "where FILE is looked up (default: .)")
      ->option_text("DIR");
  app->add_option("--format", format,
                  "json (the answer, default), ndjson (a record per line), csv or table")
      ->option_text("F")
      ->check(CLI::IsMember({"json", "ndjson", "csv", "table"}));
  add_common_options(*app, common);
  if (auto done = parse_command(*app, a)) return *done;
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
    std::fputs(
        "lynguine read: give --source or --interface\n"
        "Run `lynguine read --help` for its options.\n",
        stderr);
    return 2;
  }
  auto caller = make_caller(common);
  return read_and_print(*caller, Value(std::move(body)), *parse_records_format(format));
}

int run_write(const std::vector<std::string>& a) {
  CommonOptions common;
  std::string output, data, columns;
  auto app = make_command(
      "lynguine write",
      "usage: lynguine write --output JSON --data FILE|JSON|- [--columns C1,C2]\n",
      "POST /api/write_data: writes records to the output description, atomically. The\n"
      "records: a JSON list, {\"records\": [...]}, what `lynguine read` prints (json or\n"
      "ndjson), or NDJSON; so `lynguine read ... | lynguine write --data - ...` copies.");
  app->add_option("--output,--source", output, "the data-source description to write")
      ->option_text("JSON")
      ->required();
  app->add_option("--data", data,
                  "the records: a file, JSON text starting with [ or {, or - (stdin)")
      ->option_text("FILE|JSON|-")
      ->required();
  app->add_option("--columns", columns, "the column order, comma-separated")->option_text("C1,C2");
  add_common_options(*app, common);
  if (auto done = parse_command(*app, a)) return *done;
  auto out = parse_json(output);
  if (!out.ok()) return fail(out.error().type, "--output: " + out.error().message);
  std::string data_text = data;
  if (data == "-") {
    auto text = read_fd(0, "standard input");
    if (!text.ok()) return fail(text.error().type, "--data -: " + text.error().message);
    data_text = std::move(text).value();
  } else if (!data.empty() && data[0] != '[' && data[0] != '{') {
    auto text = read_file(data);
    if (!text.ok()) return fail(text.error().type, text.error().message);
    data_text = *text;
  }
  auto records = write_data_from_text(data_text);
  if (!records.ok()) return fail(records.error().type, "--data: " + records.error().message);
  Value data_value = std::move(records).value();
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
  std::string method, path, body_text;
  bool print_status = false;
  auto app = make_command("lynguine call",
                          "usage: lynguine call METHOD PATH [BODY] [--server] [--root DIR] "
                          "[--status]\n",
                          "Sends one API request and prints the JSON answer; exit 0 on a 2xx "
                          "status.");
  app->add_option("METHOD", method, "GET, POST or DELETE")->required()->type_name("");
  app->add_option("PATH", path, "e.g. /api/ping")->required()->type_name("");
  app->add_option("BODY", body_text, "the JSON body (optional)")->type_name("");
  app->add_flag("--status", print_status,
                "first print the answer's HTTP status (\"status: 404\") on stderr");
  add_common_options(*app, common);
  if (auto done = parse_command(*app, a)) return *done;
  Value body;
  if (app->count("BODY") > 0) {
    auto parsed = parse_json(body_text);
    if (!parsed.ok()) return fail(parsed.error().type, "BODY: " + parsed.error().message);
    body = std::move(parsed).value();
  }
  auto caller = make_caller(common);
  return send_and_print(*caller, method, path, std::move(body), print_status);
}

}  // namespace lyn::cli
