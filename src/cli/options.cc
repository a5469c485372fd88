#include "cli/options.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace lyn::cli {

namespace {

// The help layout: the command's usage lines first, then its description,
// then the options CLI11 knows (so --help never forgets one).
class UsageFirst : public CLI::Formatter {
 public:
  explicit UsageFirst(std::string usage) : usage_(std::move(usage)) { column_width(28); }

  std::string make_usage(const CLI::App*, std::string) const override { return usage_; }

  // The option groups, one blank line apart (CLI11's make_groups puts two).
  std::string groups(const CLI::App* app) const {
    std::string out;
    for (const std::string& group : app->get_groups()) {
      auto opts = app->get_options([&group](const CLI::Option* opt) {
        return opt->get_group() == group && opt->nonpositional();
      });
      if (!group.empty() && !opts.empty()) out += make_group(group, false, opts);
    }
    return out;
  }

  // Descriptions wrapped to a 100-column screen.
  std::string make_option_desc(const CLI::Option* opt) const override {
    const std::size_t width = 100 - get_column_width();
    std::string out, line;
    for (std::size_t i = 0, n = opt->get_description().size(); i <= n;) {
      const std::string& d = opt->get_description();
      std::size_t space = std::min(d.find(' ', i), n);
      std::string word = d.substr(i, space - i);
      if (!line.empty() && line.size() + 1 + word.size() > width) {
        out += line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
      i = space + 1;
    }
    return out + line;
  }

  std::string make_help(const CLI::App* app, std::string name,
                        CLI::AppFormatMode mode) const override {
    if (mode == CLI::AppFormatMode::Sub) return make_expanded(app);
    std::string out = make_usage(app, name);
    if (!app->get_description().empty()) out += "\n" + app->get_description() + "\n";
    out += make_positionals(app);
    out += groups(app);
    if (!app->get_footer().empty()) out += "\n" + make_footer(app);
    return out;
  }

 private:
  std::string usage_;
};

// "--port: 1 required PORT missing" -> "--port needs a value".
std::string plain(const CLI::ParseError& e) {
  std::string what = e.what();
  auto colon = what.find(": ");
  if (e.get_name() == "ArgumentMismatch" && colon != std::string::npos &&
      what.find(" required ") != std::string::npos && what.ends_with(" missing"))
    return what.substr(0, colon) + " needs a value";
  return what;
}

bool all_digits(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// `s` as a whole number (digits only, leading zeros stripped in place);
// false if it is not one or exceeds `max`.
bool whole(std::string& s, unsigned long long max, unsigned long long* out) {
  if (!all_digits(s)) return false;
  size_t first = s.find_first_not_of('0');
  s = first == std::string::npos ? "0" : s.substr(first);
  if (s.size() > 19) return false;
  unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
  if (v > max) return false;
  *out = v;
  return true;
}

}  // namespace

std::unique_ptr<CLI::App> make_command(const std::string& name, const std::string& usage,
                                       const std::string& description) {
  auto app = std::make_unique<CLI::App>(description, name);
  app->formatter(std::make_shared<UsageFirst>(usage));
  // Given twice, an option takes its last value (as the hand parsers did).
  app->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  return app;
}

std::optional<int> parse_command(CLI::App& app, const std::vector<std::string>& args) {
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
  try {
    app.parse(reversed);
    return std::nullopt;
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "%s: %s\nRun `%s --help` for its options.\n", app.get_name().c_str(),
                 plain(e).c_str(), app.get_name().c_str());
    return 2;
  }
}

void add_common_options(CLI::App& app, CommonOptions& o) {
  app.add_flag("--server", o.server,
               "go through the lynguine server, starting one if needed (LYNGUINE_USE_SERVER=1 "
               "too); direct mode if it cannot answer");
  app.add_flag("--no-fallback", o.no_fallback,
               "the server or an error (exit 1), never direct mode (LYNGUINE_NO_FALLBACK=1 "
               "too)");
  app.add_option("--root", o.root, "direct mode: confine paths to DIR (default: .)")
      ->option_text("DIR")
      ->check(CLI::ExistingDirectory);
  app.add_option("--server-url", o.server_url,
                 "use this server only, e.g. https://host:8443 (env LYNGUINE_SERVER_URL)")
      ->option_text("URL");
  app.add_option("--api-key", o.api_key, "the key to present (env LYNGUINE_API_KEY)")
      ->option_text("KEY");
  app.add_option("--ca-file", o.ca_file,
                 "CA certificate(s) to verify an https server (env LYNGUINE_CA_FILE)")
      ->option_text("FILE")
      ->transform([](std::string path) { return absolute_path(path); });
}

CLI::Validator port_number() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        unsigned long long v = 0;
        std::string given = s;
        if (whole(s, 65535, &v)) return "";
        return "a port is a whole number from 0 to 65535, not '" + given + "'";
      },
      "PORT");
}

CLI::Validator whole_number(unsigned long long min) {
  return CLI::Validator(
      [min](std::string& s) -> std::string {
        unsigned long long v = 0;
        std::string given = s;
        if (whole(s, ~0ULL, &v) && v >= min) return "";
        return "wants a whole number of at least " + std::to_string(min) + ", not '" + given + "'";
      },
      "N");
}

CLI::Validator non_negative_number(bool positive) {
  return CLI::Validator(
      [positive](std::string& s) -> std::string {
        char* end = nullptr;
        double d = std::strtod(s.c_str(), &end);
        bool number = !s.empty() && end && *end == '\0' && d == d;  // d == d: not NaN
        if (number && (positive ? d > 0 : d >= 0)) return "";
        return std::string("wants a number ") + (positive ? "above 0" : "of 0 or more") +
               ", not '" + s + "'";
      },
      "NUMBER");
}

}  // namespace lyn::cli
