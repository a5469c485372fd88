// Liquid renderer: walks a parsed template against a context, with
// python-liquid's LAX error handling: a render error (unknown filter, bad
// argument, incomparable types) abandons the failing top-level node, keeping
// what it already wrote, and rendering goes on with the next one. A
// FatalError (ValueError, OverflowError, InvalidOperation) propagates.
//
// Budgets (limits.h): each node, loop iteration and filter call is a step
// of the Budget installed on the rendering thread; loop iterations and
// output bytes are counted per render; variables, loop lists and output are
// charged to its memory while they are held. A refusal is a FatalError.
//
// Thread safety: a Renderer holds the mutable state of one render (locals,
// counters, loop stack); use one per render, on one thread. The template
// and context are only read.
#ifndef LYNGUINE_ASSESS_LIQUID_RENDER_H_
#define LYNGUINE_ASSESS_LIQUID_RENDER_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "assess/liquid/ast.h"
#include "assess/liquid/loop_state.h"
#include "core/budget.h"
#include "core/value.h"

namespace lyn::liquid {

class Renderer {
 public:
  Renderer(const Map& globals, std::string& out)
      : globals_(globals),
        out_(&out),
        top_(&out),
        budget_(Budget::current()),
        value_cap_(budget_.limits().liquid_output_bytes ? budget_.limits().liquid_output_bytes
                                                        : UINT64_MAX) {}
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;
  // Renders the top-level nodes. Throws FatalError.
  void render_top(const Block& block);

 private:
  enum class Flow { kNormal, kBreak, kContinue };
  Flow render_block(const Block& block);
  Flow render_node(const Node& node);
  Flow render_for(const ForNode& node);
  void render_tablerow(const ForNode& node);
  Flow render_case(const CaseNode& node);
  void render_cycle(const CycleNode& node);

  RValue eval(const Expr& e);
  RValue eval_filtered(const FilteredExpr& fe);
  bool eval_condition(const Expr& e) { return eval(e).truthy(); }
  RValue lookup(std::string_view name);
  void assign(const std::string& name, RValue v);
  // Items to loop over, after offset / limit / reversed; records where
  // `offset: continue` resumes.
  RList loop_items(const ForNode& node);
  int64_t& counter(const std::string& name);
  // Write to the current output (or capture), which liquid_output_bytes
  // bounds; the render's own output is charged to the memory budget.
  void emit(std::string_view text);
  void emit_value(const RValue& v);
  void count_output(size_t n);
  void count_iteration();
  void enter_scope();  // a loop's scope; see render.cc

  const Map& globals_;
  std::string* out_;
  std::string* const top_;                                   // the render's own output
  std::vector<std::pair<std::string_view, RValue>> frames_;  // loop variables
  std::vector<std::pair<std::string, RValue>> locals_;       // assign / capture
  std::vector<std::pair<std::string, int64_t>> counters_;    // increment / decrement
  std::vector<std::pair<std::string, int64_t>> cycles_;
  std::vector<std::pair<std::string, int64_t>> stop_index_;  // offset:continue
  std::string ifchanged_;
  std::optional<Value> now_, today_;  // python-liquid's built-in `now` / `today`
  const LoopState* loop_ = nullptr;
  Budget& budget_;
  const uint64_t value_cap_;  // liquid_output_bytes, UINT64_MAX for none
  uint64_t iterations_ = 0;
  int scopes_ = 0;     // loops being rendered
  uint64_t held_ = 0;  // bytes charged to budget_ for locals_
};

}  // namespace lyn::liquid

#endif  // LYNGUINE_ASSESS_LIQUID_RENDER_H_
