#include "server/route_info.h"

#include "core/case.h"

namespace lyn::server {

const char* rights_name(Rights r) {
  switch (r) {
    case Rights::write:
      return "write";
    case Rights::read:
      return "read";
    default:
      return "none";
  }
}

RouteInfo describe_unknown_route(std::string_view method, std::string_view) {
  RouteInfo info;
  bool safe = ascii_iequals(method, "GET") || ascii_iequals(method, "HEAD") ||
              ascii_iequals(method, "OPTIONS");
  info.right = safe ? Rights::read : Rights::write;
  return info;
}

}  // namespace lyn::server
