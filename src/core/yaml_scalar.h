// PyYAML 1.1 scalars, as yaml.SafeLoader has them: the implicit resolver
// (which tag a plain scalar gets: bool, int, float, null, timestamp, merge,
// value, else str) and SafeConstructor's scalar constructors, with the
// Python calls they make (int(), float(), datetime(), base64) and the
// exceptions those raise. Used by the YAML loader and dumper (core/yaml.h).
//
// Thread safety: free functions; safe from any thread.
#ifndef LYNGUINE_CORE_YAML_SCALAR_H_
#define LYNGUINE_CORE_YAML_SCALAR_H_

#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace lyn::yaml {

inline constexpr std::string_view kTagStr = "tag:yaml.org,2002:str";
inline constexpr std::string_view kTagNull = "tag:yaml.org,2002:null";
inline constexpr std::string_view kTagBool = "tag:yaml.org,2002:bool";
inline constexpr std::string_view kTagInt = "tag:yaml.org,2002:int";
inline constexpr std::string_view kTagFloat = "tag:yaml.org,2002:float";
inline constexpr std::string_view kTagBinary = "tag:yaml.org,2002:binary";
inline constexpr std::string_view kTagTimestamp = "tag:yaml.org,2002:timestamp";
inline constexpr std::string_view kTagMerge = "tag:yaml.org,2002:merge";
inline constexpr std::string_view kTagValue = "tag:yaml.org,2002:value";
inline constexpr std::string_view kTagSeq = "tag:yaml.org,2002:seq";
inline constexpr std::string_view kTagMap = "tag:yaml.org,2002:map";
inline constexpr std::string_view kTagSet = "tag:yaml.org,2002:set";
inline constexpr std::string_view kTagOmap = "tag:yaml.org,2002:omap";
inline constexpr std::string_view kTagPairs = "tag:yaml.org,2002:pairs";

// The tag PyYAML's Resolver gives a scalar whose tag is implicit (a plain
// scalar, or one tagged `!`): the first implicit resolver whose regular
// expression matches, else str. As Python's `$`, a match may leave one
// final newline.
std::string_view implicit_tag(std::string_view value);

// True for the scalar tags SafeConstructor constructs (null, bool, int,
// float, binary, timestamp, str).
bool is_scalar_tag(std::string_view tag);

// SafeConstructor's constructor for scalar tag `tag` applied to `text`.
// Failures carry the Python exception class: "ConstructorError" (the
// caller adds the node's position), "ValueError", "KeyError",
// "IndexError", "AttributeError", "OverflowError".
Result<Value> construct_scalar(std::string_view tag, std::string_view text);

}  // namespace lyn::yaml

#endif  // LYNGUINE_CORE_YAML_SCALAR_H_
