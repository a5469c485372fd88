#include "assess/liquid/liquid.h"

#include <exception>
#include <mutex>
#include <optional>

#include "assess/liquid/lexer.h"
#include "assess/liquid/limits.h"
#include "assess/liquid/parser.h"
#include "assess/liquid/render.h"
#include "assess/liquid/template.h"
#include "core/byte_lru.h"

namespace lyn::liquid {

namespace {

bool removable(const Value& v) {
  return v.is_missing() || (v.is_string() && v.as_string().empty());
}

bool needs_cleaning(const Map& m) {
  for (const auto& [k, v] : m) {
    if (removable(v)) return true;
    if (v.is_map() && needs_cleaning(v.as_map())) return true;
  }
  return false;
}

// Parsed templates by source, within a byte budget (least recently used
// dropped first), each charged template_bytes(). A template parsed under one
// nesting limit is not reused under another (the limit may refuse what it
// accepted).
class TemplateCache {
 public:
  std::shared_ptr<const Template> get(std::string_view source, uint64_t nesting) {
    std::lock_guard<std::mutex> lock(mu_);
    auto* e = lru_.find(std::string(source));
    return e && e->nesting == nesting ? e->parsed : nullptr;
  }

  void put(std::string_view source, uint64_t nesting, std::shared_ptr<const Template> t) {
    std::lock_guard<std::mutex> lock(mu_);
    lru_.put(std::string(source), Entry{std::move(t), nesting}, template_bytes(source));
  }

  void set_budget(size_t bytes) {
    std::lock_guard<std::mutex> lock(mu_);
    lru_.set_budget(bytes);
  }

  TemplateCacheStats stats() {
    std::lock_guard<std::mutex> lock(mu_);
    return {lru_.size(), lru_.bytes(), lru_.budget(), lru_.evictions()};
  }

 private:
  struct Entry {
    std::shared_ptr<const Template> parsed;
    uint64_t nesting;
  };
  std::mutex mu_;
  ByteLru<Entry> lru_{kDefaultTemplateCacheBytes};
};

TemplateCache& cache() {
  static TemplateCache* c = new TemplateCache();
  return *c;
}

std::optional<Error> too_large(std::string_view source) {
  uint64_t max = Budget::current().limits().liquid_template_bytes;
  if (max && source.size() > max)
    return limit_error(Limit::kLiquidTemplateBytes, max,
                       "Liquid template too large: " + std::to_string(source.size()) + " bytes");
  return std::nullopt;
}

}  // namespace

std::variant<std::shared_ptr<const Template>, Error> parse(std::string_view source) {
  if (auto e = too_large(source)) return *e;
  try {
    Parser p(lex_template(source));
    return std::shared_ptr<const Template>(std::make_shared<Template>(p.parse()));
  } catch (const LexError& e) {
    return Error{"LiquidSyntaxError", e.message, 400};
  } catch (const FatalError& e) {
    return Error{e.type, e.message, e.http_status};
  } catch (const std::exception& e) {
    return Error{"RuntimeError", e.what(), 400};
  }
}

std::variant<std::string, Error> render(const Template& t, const Map& context) {
  std::string out;
  try {
    Renderer r(context, out);
    r.render_top(t.root());
  } catch (const FatalError& e) {
    return Error{e.type, e.message, e.http_status};
  } catch (const std::exception& e) {  // e.g. std::bad_alloc: never escape to the caller
    return Error{"RuntimeError", e.what(), 400};
  }
  return out;
}

Map remove_nan(const Map& context) {
  Map out;
  out.reserve(context.size());
  for (const auto& [k, v] : context) {
    if (removable(v)) continue;
    if (v.is_map())
      out.set(k, Value(remove_nan(v.as_map())));
    else
      out.set(k, v);
  }
  return out;
}

size_t template_bytes(std::string_view source) {
  // Heap bytes a parsed template holds, measured (mallinfo2 around parse()
  // on templates of text, output tags, filters, if/for blocks): about one
  // per byte of plain text, 19 to 26 per byte inside {{ }} and {% %}.
  constexpr size_t kPerTagByte = 28;
  size_t tag = 0;
  for (size_t i = 0; i + 1 < source.size(); ++i) {
    if (source[i] != '{' || (source[i + 1] != '{' && source[i + 1] != '%')) continue;
    const char* close = source[i + 1] == '{' ? "}}" : "%}";
    size_t end = source.find(close, i + 2);
    end = end == std::string_view::npos ? source.size() : end + 2;
    tag += end - i;
    i = end - 1;
  }
  return sizeof(Template) + source.size() + tag * (kPerTagByte - 1);
}

void set_template_cache_budget(size_t bytes) {
  cache().set_budget(bytes);
}

TemplateCacheStats template_cache_stats() {
  return cache().stats();
}

std::variant<std::string, Error> render_liquid(std::string_view source, const Map& context) {
  if (auto e = too_large(source)) return *e;
  uint64_t nesting = Budget::current().limits().liquid_nesting_depth;
  std::shared_ptr<const Template> t = cache().get(source, nesting);
  if (!t) {
    auto parsed = parse(source);
    if (auto* e = std::get_if<Error>(&parsed)) return *e;
    t = std::get<std::shared_ptr<const Template>>(parsed);
    cache().put(source, nesting, t);
  }
  if (needs_cleaning(context)) return render(*t, remove_nan(context));
  return render(*t, context);
}

}  // namespace lyn::liquid
