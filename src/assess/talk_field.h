// talk_field: lynguine's util.talk.talk_field and the two ways its answer
// is printed. A field is looked up in a markdown file's front matter first,
// then in the first config file that exists (`_lamd.yml`, `_config.yml`,
// or `_lynguine.yml` when none is named). `content` is never a field.
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_ASSESS_TALK_FIELD_H_
#define LYNGUINE_ASSESS_TALK_FIELD_H_

#include <string>
#include <vector>

#include "access/file_cache.h"
#include "config/paths.h"
#include "core/status.h"
#include "core/value.h"

namespace lyn {

struct TalkFieldQuery {
  std::string field;
  std::string markdown_file;
  std::vector<std::string> config_files;  // empty: `_lynguine.yml`
};

enum class TalkLookup {
  kFound,           // value holds the answer
  kNotFound,        // in neither the front matter nor the config
  kMarkdownMissing  // the markdown file does not exist
};

struct TalkFieldAnswer {
  TalkLookup outcome = TalkLookup::kNotFound;
  bool has_value = false;  // found in front matter or config
  Value value;
};

// The raw lookup. Errors: PathEscapeError for a markdown file outside the
// roots; a config file outside the roots, or a broken one, counts as not
// found (as lynguine's server treats it).
Result<TalkFieldAnswer> lookup_talk_field(const TalkFieldQuery& q, const PathPolicy& policy,
                                          FileCache* cache);

// What lamd's `mdfield FIELD FILE` prints (without the newline): Python's
// str() of the value, $VAR-expanded; empty when not found.
std::string mdfield_text(const TalkFieldAnswer& a);

// The `value` of lynguine's POST /api/talk/field answer.
Result<Value> talk_field_json_value(const std::string& field, const TalkFieldAnswer& a);

}  // namespace lyn

#endif  // LYNGUINE_ASSESS_TALK_FIELD_H_
