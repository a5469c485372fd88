#include "assess/talk_field.h"

#include "access/markdown_format.h"
#include "config/interface.h"
#include "core/text.h"

namespace lyn {

namespace {

// The config fallback: the first existing config file, confined like every
// other path; any failure (missing, outside the roots, not YAML) counts as
// "not there", as it does in lynguine.
std::optional<Value> config_value(const TalkFieldQuery& q, const PathPolicy& policy) {
  // The config files are read past the cache: never where only cached
  // answers may be given (a server's I/O thread); the caller tries again.
  if (FileCache::CachedOnly::active()) {
    FileCache::CachedOnly::miss();
    return std::nullopt;
  }
  Interface::LoadOptions opts;
  opts.user_files = q.config_files;
  opts.directory = ".";
  auto iface = Interface::from_file(opts, policy);
  if (!iface.ok()) return std::nullopt;
  return iface->get(q.field);
}

}  // namespace

Result<TalkFieldAnswer> lookup_talk_field(const TalkFieldQuery& q, const PathPolicy& policy,
                                          FileCache* cache) {
  LYN_TRY_ASSIGN(path, policy.resolve(q.markdown_file));
  TalkFieldAnswer answer;
  auto fm = load_markdown_file(policy, path, q.markdown_file, cache);
  if (!fm.ok()) {
    if (fm.error().type != "FileNotFoundError") {
      // Unreadable or not text: lynguine's server answers "" for these.
      answer.outcome = TalkLookup::kNotFound;
      return answer;
    }
    answer.outcome = TalkLookup::kMarkdownMissing;
    if (auto v = config_value(q, policy)) {
      answer.value = std::move(*v);
      answer.has_value = true;
    }
    return answer;
  }
  if (q.field != "content") {
    if (const Value* v = (*fm)->fields.find(q.field)) {
      answer.outcome = TalkLookup::kFound;
      answer.has_value = true;
      answer.value = *v;
      return answer;
    }
  }
  if (auto v = config_value(q, policy)) {
    answer.outcome = TalkLookup::kFound;
    answer.has_value = true;
    answer.value = std::move(*v);
  }
  return answer;
}

std::string mdfield_text(const TalkFieldAnswer& a) {
  if (a.outcome != TalkLookup::kFound) return "";
  return expand_vars(py_str(a.value));
}

Result<Value> talk_field_json_value(const std::string& field, const TalkFieldAnswer& a) {
  if (!a.has_value) return Value("");
  Value v = with_iso_dates(a.value);
  if (v.is_list() && field == "categories") {
    std::string joined = "['";
    bool first = true;
    size_t i = 0;
    for (const auto& item : v.as_list()) {
      if (!item.is_string()) {
        std::string tname = py_type_name(item);
        return Error{
            "TypeError",
            "sequence item " + std::to_string(i) + ": expected str instance, " + tname + " found",
            422};
      }
      if (!first) joined += "', '";
      first = false;
      joined += item.as_string();
      ++i;
    }
    joined += "']";
    return Value(joined);
  }
  if (v.is_string()) return Value(expand_vars(v.as_string()));
  return v;
}

}  // namespace lyn
