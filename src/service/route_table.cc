#include "service/route_table.h"

#include "core/case.h"

namespace lyn::service {

namespace {

// Python's str.split('/'): "/a/b" -> {"", "a", "b"}; "/a/" -> {"", "a", ""}.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

bool is_param(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// The router matches methods exactly (as lynguine does); the rights check
// ignores case (a "post" must not slip past the write check).
const RouteMethod* find_method(const Route& route, std::string_view method,
                               bool ignore_case = false) {
  for (const auto& m : route.methods)
    if (ignore_case ? ascii_iequals(m.method, method) : m.method == method) return &m;
  return nullptr;
}

}  // namespace

std::vector<std::string> allowed_methods(const Route& route) {
  std::vector<std::string> out;
  for (const auto& m : route.methods) {
    out.push_back(m.method);
    if (m.method == "GET") out.emplace_back("HEAD");
  }
  return out;
}

std::string allow_header(const Route& route) {
  std::string out;
  for (const auto& m : allowed_methods(route)) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

void RouteTable::add(Route route) {
  std::vector<std::string> segments;
  for (std::string_view s : split_path(route.path)) segments.emplace_back(s);
  for (size_t i = 0; i < routes_.size(); ++i)
    if (routes_[i].path == route.path) {
      routes_[i] = std::move(route);
      segments_[i] = std::move(segments);
      return;
    }
  routes_.push_back(std::move(route));
  segments_.push_back(std::move(segments));
}

const Route* RouteTable::match(std::string_view path, Params* params) const {
  std::vector<std::string_view> segments = split_path(path);
  for (size_t r = 0; r < routes_.size(); ++r) {
    const Route& route = routes_[r];
    const std::vector<std::string>& want = segments_[r];
    if (segments.size() < want.size()) continue;
    if (segments.size() > want.size() && !route.ignore_extra_segments) continue;
    Params found;
    bool ok = true;
    for (size_t i = 0; ok && i < want.size(); ++i) {
      if (is_param(want[i]))
        found.push_back(segments[i]);
      else
        ok = want[i] == segments[i];
    }
    if (!ok) continue;
    if (params) *params = std::move(found);
    return &route;
  }
  return nullptr;
}

bool RouteTable::serves_method(std::string_view method) const {
  for (const auto& route : routes_)
    if (find_method(route, method)) return true;
  return false;
}

RouteDescription RouteTable::describe(std::string_view method, std::string_view target) const {
  std::string_view path = target.substr(0, target.find('?'));
  auto is = [method](std::string_view name) { return ascii_iequals(method, name); };
  RouteDescription d;
  Params params;
  const Route* route = match(path, &params);
  const RouteMethod* spec = nullptr;
  if (route) {
    d.known = true;
    d.allowed_methods = allowed_methods(*route);
    d.metric_label = route->metric_label_of ? route->metric_label_of(params) : route->path;
    spec = find_method(*route, is("HEAD") ? std::string_view("GET") : method, true);
  }
  if (spec)
    d.right = spec->right_of ? spec->right_of(params) : spec->right;
  else
    d.right = is("GET") || is("HEAD") || is("OPTIONS") || is("POST") ? Right::read : Right::write;
  return d;
}

std::vector<std::string> RouteTable::endpoint_list() const {
  std::vector<std::string> out;
  for (const auto& route : routes_)
    for (const auto& m : route.methods) {
      if (!m.listed) continue;
      std::string line = m.method;
      while (line.size() < 4) line += ' ';
      out.push_back(line + " " + route.path);
    }
  return out;
}

}  // namespace lyn::service
