#include "server/client_address.h"

#include "core/case.h"
#include "core/text.h"

namespace lyn::server {

namespace {

std::string_view unmapped(std::string_view a) {
  if (a.size() > 7 && (a.substr(0, 7) == "::ffff:" || a.substr(0, 7) == "::FFFF:") &&
      a.find('.') != std::string_view::npos)
    a.remove_prefix(7);
  return a;
}

}  // namespace

std::string address_of_remote(std::string_view remote) {
  if (!remote.empty() && remote.front() == '[') {
    auto close = remote.find(']');
    return std::string(remote.substr(1, close == std::string_view::npos ? remote.npos : close - 1));
  }
  auto colon = remote.rfind(':');
  return std::string(colon == std::string_view::npos ? remote : remote.substr(0, colon));
}

bool is_trusted_proxy(std::string_view address, const std::vector<std::string>& proxies) {
  std::string_view a = unmapped(trim_ows(address));
  for (const auto& p : proxies)
    if (unmapped(p) == a) return true;
  return false;
}

std::string client_address(const HttpRequest& req, const std::vector<std::string>& proxies) {
  std::string peer = address_of_remote(req.remote);
  if (proxies.empty() || !is_trusted_proxy(peer, proxies)) return peer;
  // Every X-Forwarded-For header, in order, as one list.
  std::vector<std::string_view> hops;
  for (const auto& [k, v] : req.headers) {
    if (k.size() != 15 || !ascii_iequals(k, "X-Forwarded-For")) continue;
    std::string_view rest = v;
    for (;;) {
      auto comma = rest.find(',');
      auto hop = trim_ows(rest.substr(0, comma));
      if (!hop.empty()) hops.push_back(hop);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it)
    if (!is_trusted_proxy(*it, proxies)) return std::string(*it);
  return peer;  // nothing forwarded: the proxy's own request
}

}  // namespace lyn::server
