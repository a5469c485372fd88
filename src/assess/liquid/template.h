// Template: a parsed Liquid template (the root block of nodes). Built by
// lyn::liquid::parse() and never modified afterwards.
//
// Thread safety: immutable; render it from any number of threads at once.
#ifndef LYNGUINE_ASSESS_LIQUID_TEMPLATE_H_
#define LYNGUINE_ASSESS_LIQUID_TEMPLATE_H_

#include "assess/liquid/ast.h"
#include "assess/liquid/liquid.h"

namespace lyn::liquid {

class Template {
 public:
  explicit Template(Block root) : root_(std::move(root)) {}
  const Block& root() const { return root_; }

 private:
  Block root_;
};

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_TEMPLATE_H_
