#include "assess/lamd/flags.h"

#include <optional>

#include "assess/lamd/header_field.h"
#include "assess/lamd/int_cast.h"
#include "assess/lamd/reference_doc.h"
#include "assess/lamd/str_format.h"

namespace lyn::lamd {

namespace {

// ny.header_field(...) inside `try: ... except ny.FileFormatError:`:
// nullopt for a field found nowhere, any other failure passed on.
Result<std::optional<Value>> optional_field(const std::string& field, const Map& fields,
                                            ConfigFallback& config) {
  auto v = header_field(field, fields, config);
  if (v.ok()) return std::optional<Value>(std::move(v).value());
  if (is_field_not_found(v.error())) return std::optional<Value>();
  return v.error();
}

// date.strftime("%Y-%m-%d"); glibc's %Y does not pad years below 1000.
Result<std::string> strftime_date(const Value& v) {
  int y, m, d;
  if (v.is_date()) {
    y = v.as_date().year, m = v.as_date().month, d = v.as_date().day;
  } else if (v.is_datetime()) {
    y = v.as_datetime().year, m = v.as_datetime().month, d = v.as_datetime().day;
  } else {
    return Error{"AttributeError", "'" + py_type_name(v) + "' object has no attribute 'strftime'",
                 400};
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%d-%02d-%02d", y, m, d);
  return std::string(buf);
}

// ghub[0] and item['key'] with Python's failures for other types.
Result<Value> subscript_index0(const Value& v) {
  if (v.is_list()) return v.as_list().at(0);  // non-empty: the caller tested truthiness
  if (v.is_string()) {
    const std::string& s = v.as_string();
    size_t n = 1;
    while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
    return Value(s.substr(0, n));
  }
  if (v.is_map()) return Error{"KeyError", "0", 404};
  return Error{"TypeError", "'" + py_type_name(v) + "' object is not subscriptable", 400};
}

Result<Value> subscript_key(const Value& v, const std::string& key) {
  if (v.is_map()) {
    if (const Value* x = v.as_map().find(key)) return *x;
    return Error{"KeyError", py_string_repr(key), 404};
  }
  if (v.is_string()) return Error{"TypeError", "string indices must be integers, not 'str'", 400};
  if (v.is_list())
    return Error{"TypeError", "list indices must be integers or slices, not str", 400};
  return Error{"TypeError", "'" + py_type_name(v) + "' object is not subscriptable", 400};
}

struct IntField {
  std::optional<Value> value;  // an int or BigInt
  std::string arg;             // " --metadata NAME=VALUE" or ""
};

Result<IntField> int_field(const std::string& name, const Map& fields, ConfigFallback& config) {
  auto raw = optional_field(name, fields, config);
  if (!raw.ok()) return raw.error();
  IntField out;
  if (!*raw) return out;
  auto i = py_int(**raw);
  if (!i.ok()) return i.error();
  out.arg = " --metadata " + name + "=" + int_str(*i);
  out.value = std::move(i).value();
  return out;
}

std::string str_or_default(const std::optional<Value>& v, const char* fallback) {
  return v ? py_str(*v) : std::string(fallback);
}

#define LAMD_TRY(lhs, expr) \
  auto lhs = (expr);        \
  if (!lhs.ok()) return lhs.error();

}  // namespace

const std::vector<std::string>& flags_outputs() {
  static const std::vector<std::string> kOutputs = {
      "pp", "post", "docx", "pptx", "prefix", "reveal", "cv", "manim", "manim-convert"};
  return kOutputs;
}

Result<std::string> flags_output(const ToolContext& ctx, const std::string& output,
                                 const std::string& base) {
  const std::string filename = base + ".md";
  LAMD_TRY(fields_r, header_fields(ctx, filename));
  const Map& fields = *fields_r;
  ConfigFallback config(ctx);

  std::optional<std::string> date;
  {
    LAMD_TRY(raw, optional_field("date", fields, config));
    if (*raw) {
      LAMD_TRY(d, strftime_date(**raw));
      date = *d;
    }
  }
  LAMD_TRY(week, int_field("week", fields, config));
  LAMD_TRY(topic, int_field("topic", fields, config));
  LAMD_TRY(session, int_field("session", fields, config));
  LAMD_TRY(practical, int_field("practical", fields, config));
  LAMD_TRY(background, int_field("background", fields, config));
  LAMD_TRY(revealjs_url, optional_field("revealjs_url", fields, config));
  LAMD_TRY(talktheme, optional_field("talktheme", fields, config));
  LAMD_TRY(talkcss, optional_field("talkcss", fields, config));
  LAMD_TRY(layout_r, optional_field("layout", fields, config));
  const std::string revealjs_urlarg =
      " --variable revealjs-url=" +
      str_or_default(*revealjs_url, "https://unpkg.com/reveal.js@3.9.2");
  const std::string talkthemearg = " --variable theme=" + str_or_default(*talktheme, "black");
  const std::string talkcssarg =
      " --css " + str_or_default(*talkcss, "https://inverseprobability.com/assets/css/talks.css");
  const Value layout = *layout_r ? **layout_r : Value("talk");

  // The file prefix; a layout that is not one of these strings has none.
  auto pos = [](const IntField& f) { return f.value && int_positive(*f.value); };
  std::string prefix;
  const std::string lay = layout.is_string() ? layout.as_string() : std::string("\x01");
  if (lay == "lecture") {
    if (pos(*week)) prefix += int_format02(*week->value);
    if (pos(*session)) {
      if (pos(*week)) prefix += "-";
      prefix += int_format02(*session->value);
    }
    if (!prefix.empty()) prefix += "-";
  } else if (lay == "topic") {
    if (pos(*topic)) prefix += int_format02(*topic->value) + "-";
  } else if (lay == "background" || lay == "practical") {
    const IntField& third = lay == "background" ? *background : *practical;
    if (pos(*week)) prefix += int_format02(*week->value) + "-";
    if (pos(*session)) prefix += int_format02(*session->value) + "-";
    if (pos(third)) prefix += int_format02(*third.value) + "-";
  } else if (lay == "test") {
    prefix = "XXXX-XX-XX-";
  } else if (lay == "talk" || lay == "casestudy" || lay == "cv") {
    if (date) prefix = *date + "-";
  }
  const std::string out = prefix + base;

  if (output == "prefix") return prefix + "\n";

  if (output == "post") {
    std::string lines;
    if (date) lines += "--metadata date={date} ";
    for (const char* ext : {"docx", "pptx"}) {
      LAMD_TRY(v, header_field(ext, fields, config));
      if (py_truthy(*v)) lines += std::string(" --metadata ") + ext + "={out}." + ext;
    }
    const std::pair<const char*, const char*> extras[] = {
        {"reveal", " --metadata reveal={out}.slides.html"},
        {"ipynb", " --metadata ipynb={out}.ipynb"},
        {"slidesipynb", " --metadata slidesipynb={out}.slides.ipynb"},
        {"notespdf", " --metadata notespdf={out}.notes.pdf"},
        {"pdf", " --metadata pdf={out}.pdf"}};
    for (const auto& [field, text] : extras) {
      LAMD_TRY(v, header_field(field, fields, config));
      if (py_truthy(*v)) lines += text;
    }
    lines += week->arg + topic->arg + session->arg + practical->arg + background->arg +
             " --metadata layout=" + py_str(layout);
    LAMD_TRY(ghub, header_field("ghub", fields, config));
    if (py_truthy(*ghub)) {
      LAMD_TRY(first, subscript_index0(*ghub));
      std::string url = "https://github.com/";
      const char* keys[] = {"organization", "repository", "branch", "directory"};
      const char* seps[] = {"/", "/edit/", "/", "/"};
      for (int k = 0; k < 4; ++k) {
        LAMD_TRY(part, subscript_key(*first, keys[k]));
        url += py_str(*part) + seps[k];
      }
      lines += " --metadata edit_url=" + url + base + ".md";
    }
    LAMD_TRY(formatted, py_format(lines, {{"out", out}, {"date", date}}));
    return *formatted + "\n";
  }

  if (output == "docx" || output == "pptx") {
    LAMD_TRY(doc, header_field(output == "docx" ? "dotx" : "potx", fields, config));
    LAMD_TRY(resolved, resolve_reference_doc(ctx, *doc));
    return "--reference-doc " + *resolved + "\n";
  }

  if (output == "reveal")
    return "--slide-level 2 " + revealjs_urlarg + talkthemearg + talkcssarg + "\n";

  if (output == "pp") {
    std::string lines = "--include-path ./..";
    LAMD_TRY(assignment, optional_field("assignment", fields, config));
    if (*assignment && py_truthy(**assignment)) lines += " --assignment";
    return lines + "\n";
  }

  if (output == "manim" || output == "manim-convert") {
    LAMD_TRY(v, optional_field(output, fields, config));
    if (*v && (*v)->is_string()) return (*v)->as_string() + "\n";
    return std::string();
  }

  return std::string();  // cv: nothing
}

}  // namespace lyn::lamd
