// URL helpers with Python's urllib.parse semantics: quote (with a safe
// set), quote_plus, unquote_plus and urljoin (Python 3.11's algorithm,
// including its handling of `..` above the root).
//
// Thread safety: pure functions.
#ifndef LYNGUINE_CORE_URL_H_
#define LYNGUINE_CORE_URL_H_

#include <string>
#include <string_view>

namespace lyn {

std::string url_quote(std::string_view s, std::string_view safe);
std::string url_quote_plus(std::string_view s);
std::string url_unquote_plus(std::string_view s);
std::string url_join(std::string_view base, std::string_view url);

}  // namespace lyn

#endif  // LYNGUINE_CORE_URL_H_
