// The variable names of a session's columns, as lynguine's CustomDataFrame
// keeps them (_name_column_map) so that Liquid templates and computes can
// name every column: each data item read gets its whole `mapping` ({name:
// column}) and then its columns as read (index column included) named
// (_finalize_df), and once placed the mapping entries for its columns
// again (from_flow). A column still without a name gets its own when it is a
// Python identifier, else its camelCase form (keywords get "Field"
// appended). A column left without a valid name, or given two names, fails
// the session with lynguine's ValueError.
//
// Thread safety: a plain value; not shared.
#ifndef LYNGUINE_ASSESS_COLUMN_NAMES_H_
#define LYNGUINE_ASSESS_COLUMN_NAMES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "core/value.h"

namespace lyn {

// str.isidentifier() and not keyword.iskeyword(), for str() of the label.
bool is_python_variable(std::string_view name);
// lynguine's to_camel_case ("/" and "@" read as " or " / " at ", other
// non-alphanumerics as spaces, first word lower case, later words
// capitalised unless all upper case).
std::string to_camel_case(std::string_view text);

class ColumnNames {
 public:
  // An item's `mapping` (a mapping or a list of them): each entry, or with
  // `only` each entry whose column is among *only.
  Status add_mapping(const Value* mapping, const std::vector<Value>* only = nullptr);
  // Names for the columns that have none yet (_augment_column_names).
  Status add_columns(const std::vector<Value>& columns);

  // (variable name, column) pairs in the order they were named.
  const std::vector<std::pair<std::string, Value>>& names() const { return names_; }

 private:
  Status update(const std::string& name, const Value& column);
  const std::string* name_of(const Value& column) const;

  std::vector<std::pair<std::string, Value>> names_;
};

}  // namespace lyn

#endif  // LYNGUINE_ASSESS_COLUMN_NAMES_H_
