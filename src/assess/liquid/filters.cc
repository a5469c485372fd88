#include "assess/liquid/filters.h"

#include <string>
#include <unordered_map>

namespace lyn::liquid {

namespace {

const std::unordered_map<std::string_view, const FilterDef*>& registry() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string_view, const FilterDef*>();
    for (const auto* family :
         {&string_filters(), &array_filters(), &math_filters(), &misc_filters()})
      for (const FilterDef& d : *family) (*t)[d.name] = &d;
    return t;
  }();
  return *table;
}

}  // namespace

const FilterDef* find_filter(std::string_view name) {
  const auto& r = registry();
  auto it = r.find(name);
  return it == r.end() ? nullptr : it->second;
}

}  // namespace lyn::liquid
