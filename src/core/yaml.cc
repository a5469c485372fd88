// parse_yaml: yaml.load(text, Loader=CSafeLoader) in two steps, libyaml's
// events composed into nodes (yaml_compose.cc), then SafeConstructor
// (yaml_construct.cc).
#include "core/yaml.h"

#include "core/yaml_node.h"
#include "core/yaml_scalar.h"

namespace lyn {

Result<Value> parse_yaml(std::string_view text, std::string_view source_name,
                         const YamlLimits& limits) {
  auto graph = yaml::compose(text, source_name, limits);
  if (!graph.ok()) return graph.error();
  return yaml::construct(*graph, limits);
}

bool is_yaml_error(const Error& e) {
  for (const char* t : {"YAMLError", "MarkedYAMLError", "ReaderError", "ScannerError",
                        "ParserError", "ComposerError", "ConstructorError"})
    if (e.type == t) return true;
  return false;
}

bool is_yaml_refusal(const Error& e) {
  return e.type == "YAMLError";
}

Value resolve_plain_scalar(std::string_view text) {
  std::string_view tag = yaml::implicit_tag(text);
  if (yaml::is_scalar_tag(tag)) {
    auto v = yaml::construct_scalar(tag, text);
    if (v.ok()) return std::move(*v);
  }
  return Value(std::string(text));
}

}  // namespace lyn
