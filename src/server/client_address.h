// client_address: who a request comes from, for rate limits, connection
// limits, logs and metrics (issue 12.8). Normally the peer's address. Behind
// a reverse proxy every request comes from the proxy, so one guesser would
// lock out everyone: when the peer is one of the --trusted-proxy addresses,
// the client is the right-most X-Forwarded-For entry that is not itself a
// trusted proxy (entries further left are the client's own claims and could
// be forged; only what a trusted proxy appended counts).
//
// Thread safety: pure functions.
#ifndef LYNGUINE_SERVER_CLIENT_ADDRESS_H_
#define LYNGUINE_SERVER_CLIENT_ADDRESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "server/http_server.h"

namespace lyn::server {

// "127.0.0.1:5000" -> "127.0.0.1"; "[::1]:80" or "::1:80" -> "::1".
std::string address_of_remote(std::string_view remote);

// Whether `address` is one of `proxies` (textual match after normalising
// IPv4-mapped IPv6, "::ffff:10.0.0.1" == "10.0.0.1").
bool is_trusted_proxy(std::string_view address, const std::vector<std::string>& proxies);

// The client's address as described above.
std::string client_address(const HttpRequest& req, const std::vector<std::string>& proxies);

}  // namespace lyn::server

#endif  // LYNGUINE_SERVER_CLIENT_ADDRESS_H_
