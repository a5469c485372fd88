#include "access/excel_format.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <pugixml.hpp>
#include <set>

namespace lyn::access {

namespace {

// ---------------------------------------------------------------- zip ---

uint16_t rd16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) |
                               (static_cast<unsigned char>(b[at + 1]) << 8));
}
uint32_t rd32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(rd16(b, at)) | (static_cast<uint32_t>(rd16(b, at + 2)) << 16);
}
void wr16(std::string& out, uint16_t v) {
  out += static_cast<char>(v & 0xff);
  out += static_cast<char>(v >> 8);
}
void wr32(std::string& out, uint32_t v) {
  wr16(out, static_cast<uint16_t>(v & 0xffff));
  wr16(out, static_cast<uint16_t>(v >> 16));
}

Error zip_error(std::string_view shown, const std::string& what) {
  return Error::value("File " + py_string_repr(shown) + " is not a valid xlsx file: " + what);
}

Result<std::string> inflate_entry(std::string_view data, uint64_t declared, std::string_view shown,
                                  const std::string& name) {
  std::string out;
  out.resize(static_cast<size_t>(declared));
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return Error::internal("zlib initialisation failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  uint64_t produced = zs.total_out;
  bool more_output = false;
  if (rc == Z_BUF_ERROR && zs.avail_out == 0 && zs.avail_in > 0) {
    // Declared size reached with input left: probe whether it would grow.
    char probe[64];
    zs.next_out = reinterpret_cast<Bytef*>(probe);
    zs.avail_out = sizeof probe;
    int rc2 = inflate(&zs, Z_FINISH);
    more_output = zs.avail_out < sizeof probe || (rc2 != Z_STREAM_END && rc2 != Z_BUF_ERROR);
  }
  inflateEnd(&zs);
  if (more_output)
    return zip_error(shown, "entry \"" + name + "\" inflates past its declared size (zip bomb?)");
  if (rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && produced == declared))
    return zip_error(shown, "entry \"" + name + "\" is truncated or corrupt");
  if (produced != declared)
    return zip_error(shown, "entry \"" + name + "\" does not match its declared size");
  return out;
}

// ------------------------------------------------------------- dates ---

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yy + (m <= 2));
}

const int64_t kEpoch1900 = days_from_civil(1899, 12, 30);
const int64_t kEpoch1904 = days_from_civil(1904, 1, 1);

// As openpyxl's from_excel: serials below 60 are shifted past Excel's
// phantom 1900-02-29; the time of day is rounded to the millisecond.
DateTime serial_to_datetime(double serial, bool date1904) {
  if (!date1904 && serial > 0 && serial < 60) serial += 1;
  double day = std::floor(serial);
  int64_t ms = std::llround((serial - day) * 86400000.0);
  int64_t days = static_cast<int64_t>(day) + ms / 86400000;
  ms %= 86400000;
  DateTime dt;
  civil_from_days((date1904 ? kEpoch1904 : kEpoch1900) + days, dt.year, dt.month, dt.day);
  dt.hour = static_cast<int>(ms / 3600000);
  ms %= 3600000;
  dt.minute = static_cast<int>(ms / 60000);
  ms %= 60000;
  dt.second = static_cast<int>(ms / 1000);
  dt.microsecond = static_cast<int>(ms % 1000) * 1000;
  return dt;
}

double datetime_to_serial(int y, int mo, int d, int h, int mi, int s, int us) {
  int64_t days =
      days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) - kEpoch1900;
  if (days > 0 && days < 61) days -= 1;
  return static_cast<double>(days) + (h * 3600.0 + mi * 60.0 + s + us / 1e6) / 86400.0;
}

bool is_date_format_code(std::string_view code) {
  // Date/time if it has d, m, y, h or s outside quotes, brackets and escapes.
  bool in_quote = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (in_quote) {
      if (c == '"') in_quote = false;
      continue;
    }
    if (c == '"')
      in_quote = true;
    else if (c == '\\' || c == '_' || c == '*')
      ++i;
    else if (c == '[') {
      size_t e = code.find(']', i);
      std::string_view inner = code.substr(i + 1, e == std::string_view::npos ? 0 : e - i - 1);
      if (!inner.empty() && (inner[0] == 'h' || inner[0] == 'm' || inner[0] == 's' ||
                             inner[0] == 'H' || inner[0] == 'M' || inner[0] == 'S'))
        return true;  // elapsed time
      if (e == std::string_view::npos) break;
      i = e;
    } else {
      char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (l == 'd' || l == 'm' || l == 'y' || l == 'h' || l == 's') return true;
      if (l == 'g' && code.substr(i).size() >= 7) {
        std::string g(code.substr(i, 7));
        for (char& ch : g) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (g == "general") i += 6;
      }
    }
  }
  return false;
}

bool is_builtin_date_format(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
         (id >= 50 && id <= 58) || (id >= 71 && id <= 81);
}

// -------------------------------------------------------------- xml ---

std::string_view local_name(const char* n) {
  std::string_view s(n);
  size_t c = s.find(':');
  return c == std::string_view::npos ? s : s.substr(c + 1);
}

template <typename F>
void each_child(const pugi::xml_node& node, std::string_view name, F f) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c.name()) == name) f(c);
}

pugi::xml_node child(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c.name()) == name) return c;
  return {};
}

// Attribute by local name (r:id and friends).
pugi::xml_attribute attr(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute())
    if (local_name(a.name()) == name) return a;
  return {};
}

// Text of all <t> below `node`, skipping phonetic runs.
void collect_text(const pugi::xml_node& node, std::string& out) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    std::string_view n = local_name(c.name());
    if (n == "rPh" || n == "phoneticPr") continue;
    if (n == "t")
      out += c.text().get();
    else
      collect_text(c, out);
  }
}

Result<pugi::xml_document*> parse_xml(pugi::xml_document& doc, const std::string& text,
                                      std::string_view shown, const std::string& entry) {
  pugi::xml_parse_result r =
      doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!r) return zip_error(shown, "entry \"" + entry + "\": " + r.description());
  return &doc;
}

std::string resolve_target(std::string_view target) {
  if (!target.empty() && target[0] == '/') return std::string(target.substr(1));
  std::string t(target);
  std::string base = "xl/";
  while (t.rfind("../", 0) == 0) t = t.substr(3), base = "";
  return base + t;
}

int column_index(std::string_view ref) {
  int col = 0;
  size_t i = 0;
  while (i < ref.size() && std::isalpha(static_cast<unsigned char>(ref[i]))) {
    col = col * 26 + (std::toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
    if (col > 16384) return -1;
    ++i;
  }
  return col - 1;
}

Value parse_number(std::string_view t) {
  if (t.find_first_of(".eE") == std::string_view::npos) {
    errno = 0;
    char* end = nullptr;
    std::string s(t);
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0 && end && *end == '\0' && !s.empty()) return Value(static_cast<int64_t>(v));
  }
  std::string s(t);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (!end || *end != '\0' || s.empty()) return Value(s);
  return Value(d);
}

bool is_na_string(const std::string& s) {
  static const std::set<std::string> na = {
      "",     "#N/A N/A", "#N/A", "N/A", "n/a",  "NA",     "<NA>",    "#NA",     "NULL",
      "null", "NaN",      "-NaN", "nan", "-nan", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"};
  return na.count(s) > 0;
}

Value parse_iso_datetime(const std::string& s) {
  DateTime dt;
  int n = std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &dt.year, &dt.month, &dt.day, &dt.hour,
                      &dt.minute, &dt.second);
  if (n >= 3) return Value(dt);
  return Value(s);
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') break;  // not allowed in XML 1.0
        out += c;
    }
  }
  return out;
}

std::string cell_ref(size_t col, size_t row) {
  std::string letters;
  size_t c = col + 1;
  while (c > 0) {
    letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
    c = (c - 1) / 26;
  }
  return letters + std::to_string(row + 1);
}

}  // namespace

Result<std::map<std::string, std::string>> read_zip(std::string_view b, std::string_view shown,
                                                    const ZipLimits& limits,
                                                    const std::vector<std::string>& wanted) {
  if (b.size() < 22) return zip_error(shown, "too short to be a zip archive");
  // End of central directory: within the last 64 KiB + 22 bytes.
  size_t eocd = std::string_view::npos;
  size_t lowest = b.size() > 65557 ? b.size() - 65557 : 0;
  for (size_t p = b.size() - 22 + 1; p-- > lowest;) {
    if (rd32(b, p) == 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd == std::string_view::npos)
    return zip_error(shown, "no zip end-of-central-directory record (truncated?)");
  uint16_t count = rd16(b, eocd + 10);
  uint32_t cd_size = rd32(b, eocd + 12), cd_off = rd32(b, eocd + 16);
  if (cd_off == 0xffffffffu || count == 0xffff)
    return zip_error(shown, "ZIP64 archives are not supported");
  if (uint64_t{cd_off} + cd_size > eocd)
    return zip_error(shown, "central directory out of bounds (truncated?)");
  std::map<std::string, std::string> out;
  uint64_t total = 0;
  size_t p = cd_off;
  for (uint16_t i = 0; i < count; ++i) {
    if (p + 46 > eocd || rd32(b, p) != 0x02014b50)
      return zip_error(shown, "corrupt central directory");
    uint16_t flags = rd16(b, p + 8), method = rd16(b, p + 10);
    uint32_t crc = rd32(b, p + 16), csize = rd32(b, p + 20), usize = rd32(b, p + 24);
    uint16_t nlen = rd16(b, p + 28), elen = rd16(b, p + 30), clen = rd16(b, p + 32);
    uint32_t loff = rd32(b, p + 42);
    if (p + 46 + nlen > eocd) return zip_error(shown, "corrupt central directory");
    std::string name(b.substr(p + 46, nlen));
    p += 46 + size_t{nlen} + elen + clen;
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), name) == wanted.end()) continue;
    if (name.empty() || name.back() == '/') continue;
    if (csize == 0xffffffffu || usize == 0xffffffffu || loff == 0xffffffffu)
      return zip_error(shown, "ZIP64 archives are not supported");
    if (flags & 1) return zip_error(shown, "encrypted entries are not supported");
    total += usize;
    if (total > limits.max_total_uncompressed)
      return zip_error(shown, "inflated size exceeds the limit of " +
                                  std::to_string(limits.max_total_uncompressed >> 20) +
                                  " MB (zip bomb?)");
    if (usize > limits.ratio_floor && uint64_t{usize} > uint64_t{csize} * limits.max_ratio)
      return zip_error(shown, "entry \"" + name + "\" has a compression ratio above " +
                                  std::to_string(limits.max_ratio) + ":1 (zip bomb?)");
    if (uint64_t{loff} + 30 > b.size() || rd32(b, loff) != 0x04034b50)
      return zip_error(shown, "entry \"" + name + "\" has no local header (truncated?)");
    uint64_t data = uint64_t{loff} + 30 + rd16(b, loff + 26) + rd16(b, loff + 28);
    if (data + csize > b.size()) return zip_error(shown, "entry \"" + name + "\" is truncated");
    std::string_view raw = b.substr(static_cast<size_t>(data), csize);
    std::string content;
    if (method == 0) {
      if (csize != usize) return zip_error(shown, "entry \"" + name + "\" has inconsistent sizes");
      content = std::string(raw);
    } else if (method == 8) {
      auto r = inflate_entry(raw, usize, shown, name);
      if (!r.ok()) return r.error();
      content = std::move(r).value();
    } else {
      return zip_error(shown, "entry \"" + name + "\" uses unsupported compression method " +
                                  std::to_string(method));
    }
    uLong c = crc32(0L, reinterpret_cast<const Bytef*>(content.data()),
                    static_cast<uInt>(content.size()));
    if (c != crc) return zip_error(shown, "entry \"" + name + "\" fails its CRC check");
    out[name] = std::move(content);
  }
  return out;
}

std::string write_zip(const std::vector<std::pair<std::string, std::string>>& entries) {
  std::string out, cd;
  for (const auto& entry : entries) {
    // Named references, not a structured binding: clang 14 cannot capture
    // structured bindings in the lambda below.
    const std::string& name = entry.first;
    const std::string& content = entry.second;
    uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(content.data()),
                      static_cast<uInt>(content.size()));
    std::string packed;
    uLongf bound = compressBound(static_cast<uLong>(content.size())) + 64;
    packed.resize(bound);
    z_stream zs{};
    deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(content.data()));
    zs.avail_in = static_cast<uInt>(content.size());
    zs.next_out = reinterpret_cast<Bytef*>(packed.data());
    zs.avail_out = static_cast<uInt>(packed.size());
    deflate(&zs, Z_FINISH);
    packed.resize(zs.total_out);
    deflateEnd(&zs);
    uint32_t offset = static_cast<uint32_t>(out.size());
    auto header = [&](std::string& h, bool central) {
      wr32(h, central ? 0x02014b50 : 0x04034b50);
      if (central) wr16(h, 20);
      wr16(h, 20);    // version needed
      wr16(h, 0);     // flags
      wr16(h, 8);     // deflate
      wr16(h, 0);     // time
      wr16(h, 0x21);  // date: 1980-01-01
      wr32(h, static_cast<uint32_t>(crc));
      wr32(h, static_cast<uint32_t>(packed.size()));
      wr32(h, static_cast<uint32_t>(content.size()));
      wr16(h, static_cast<uint16_t>(name.size()));
      wr16(h, 0);  // extra
      if (central) {
        wr16(h, 0);  // comment
        wr16(h, 0);  // disk
        wr16(h, 0);  // internal attrs
        wr32(h, 0);  // external attrs
        wr32(h, offset);
      }
      h += name;
    };
    header(out, false);
    out += packed;
    header(cd, true);
  }
  uint32_t cd_off = static_cast<uint32_t>(out.size());
  out += cd;
  wr32(out, 0x06054b50);
  wr16(out, 0);
  wr16(out, 0);
  wr16(out, static_cast<uint16_t>(entries.size()));
  wr16(out, static_cast<uint16_t>(entries.size()));
  wr32(out, static_cast<uint32_t>(cd.size()));
  wr32(out, cd_off);
  wr16(out, 0);
  return out;
}

Result<Frame> read_xlsx(std::string_view bytes, const ExcelReadOptions& options,
                        std::string_view shown, const ZipLimits& limits) {
  auto meta = read_zip(
      bytes, shown, limits,
      {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml", "xl/styles.xml"});
  if (!meta.ok()) return meta.error();
  auto& files = *meta;
  if (!files.count("xl/workbook.xml")) return zip_error(shown, "no xl/workbook.xml");

  pugi::xml_document wb;
  if (auto r = parse_xml(wb, files["xl/workbook.xml"], shown, "xl/workbook.xml"); !r.ok())
    return r.error();
  pugi::xml_node wbroot = wb.document_element();
  bool date1904 = false;
  if (auto pr = child(wbroot, "workbookPr")) {
    std::string v = attr(pr, "date1904").value();
    date1904 = v == "1" || v == "true";
  }
  std::vector<std::pair<std::string, std::string>> sheets;  // name, r:id
  each_child(child(wbroot, "sheets"), "sheet", [&](const pugi::xml_node& s) {
    sheets.emplace_back(attr(s, "name").value(), attr(s, "id").value());
  });
  if (sheets.empty()) return zip_error(shown, "the workbook has no sheets");

  size_t which = 0;
  if (options.sheet.is_int()) {
    int64_t i = options.sheet.as_int();
    if (i < 0 || static_cast<size_t>(i) >= sheets.size())
      return Error::value("Worksheet index " + std::to_string(i) + " is invalid, " +
                          std::to_string(sheets.size()) + " worksheets found in " +
                          py_string_repr(shown));
    which = static_cast<size_t>(i);
  } else {
    std::string want = options.sheet.is_null() ? "Sheet1" : py_str(options.sheet);
    auto it =
        std::find_if(sheets.begin(), sheets.end(), [&](const auto& s) { return s.first == want; });
    if (it == sheets.end()) {
      if (!options.sheet.is_null())
        return Error::value("Worksheet named " + py_string_repr(want) + " not found in " +
                            py_string_repr(shown));
      which = 0;
    } else {
      which = static_cast<size_t>(it - sheets.begin());
    }
  }

  std::string sheet_path = "xl/worksheets/sheet" + std::to_string(which + 1) + ".xml";
  if (files.count("xl/_rels/workbook.xml.rels")) {
    pugi::xml_document rels;
    if (auto r = parse_xml(rels, files["xl/_rels/workbook.xml.rels"], shown, "workbook rels");
        !r.ok())
      return r.error();
    each_child(rels.document_element(), "Relationship", [&](const pugi::xml_node& rel) {
      if (sheets[which].second == rel.attribute("Id").value())
        sheet_path = resolve_target(rel.attribute("Target").value());
    });
  }

  std::vector<std::string> shared;
  if (files.count("xl/sharedStrings.xml")) {
    pugi::xml_document ss;
    if (auto r = parse_xml(ss, files["xl/sharedStrings.xml"], shown, "xl/sharedStrings.xml");
        !r.ok())
      return r.error();
    each_child(ss.document_element(), "si", [&](const pugi::xml_node& si) {
      std::string t;
      collect_text(si, t);
      shared.push_back(std::move(t));
    });
  }

  std::vector<bool> xf_is_date;
  if (files.count("xl/styles.xml")) {
    pugi::xml_document st;
    if (auto r = parse_xml(st, files["xl/styles.xml"], shown, "xl/styles.xml"); !r.ok())
      return r.error();
    std::map<int, bool> custom;
    each_child(child(st.document_element(), "numFmts"), "numFmt", [&](const pugi::xml_node& f) {
      custom[attr(f, "numFmtId").as_int()] = is_date_format_code(attr(f, "formatCode").value());
    });
    each_child(child(st.document_element(), "cellXfs"), "xf", [&](const pugi::xml_node& xf) {
      int id = attr(xf, "numFmtId").as_int();
      auto it = custom.find(id);
      xf_is_date.push_back(it != custom.end() ? it->second : is_builtin_date_format(id));
    });
  }

  // The sheet itself, with what the metadata entries already used.
  ZipLimits rest = limits;
  uint64_t used = 0;
  for (const auto& [_, c] : files) used += c.size();
  rest.max_total_uncompressed =
      used >= limits.max_total_uncompressed ? 0 : limits.max_total_uncompressed - used;
  auto sheet_files = read_zip(bytes, shown, rest, {sheet_path});
  if (!sheet_files.ok()) return sheet_files.error();
  if (!sheet_files->count(sheet_path))
    return zip_error(shown, "missing sheet entry \"" + sheet_path + "\"");
  pugi::xml_document sh;
  if (auto r = parse_xml(sh, (*sheet_files)[sheet_path], shown, sheet_path); !r.ok())
    return r.error();

  // Rows as read: index (0-based) -> cells.
  std::map<long, std::vector<Value>> grid;
  long next_row = 0;
  each_child(child(sh.document_element(), "sheetData"), "row", [&](const pugi::xml_node& row) {
    long rn = attr(row, "r") ? attr(row, "r").as_int() - 1 : next_row;
    if (rn < 0 || rn > 1048575) rn = next_row;
    next_row = rn + 1;
    auto& cells = grid[rn];
    int next_col = 0;
    each_child(row, "c", [&](const pugi::xml_node& c) {
      int col = next_col;
      if (auto r = attr(c, "r")) {
        int ci = column_index(r.value());
        if (ci >= 0) col = ci;
      }
      next_col = col + 1;
      std::string t = attr(c, "t").value();
      pugi::xml_node v = child(c, "v");
      Value val;  // null: empty
      if (t == "s") {
        if (v) {
          long idx = std::strtol(v.text().get(), nullptr, 10);
          if (idx >= 0 && static_cast<size_t>(idx) < shared.size()) val = Value(shared[idx]);
        }
      } else if (t == "inlineStr") {
        std::string text;
        collect_text(child(c, "is"), text);
        val = Value(std::move(text));
      } else if (t == "str") {
        val = Value(std::string(v.text().get()));
      } else if (t == "b") {
        if (v) val = Value(std::string(v.text().get()) == "1");
      } else if (t == "e") {
        val = Value(std::string(v.text().get()));
      } else if (t == "d") {
        if (v) val = parse_iso_datetime(v.text().get());
      } else if (v) {
        val = parse_number(v.text().get());
        int s = attr(c, "s").as_int();
        if (val.is_number() && s >= 0 && static_cast<size_t>(s) < xf_is_date.size() &&
            xf_is_date[s])
          val = Value(serial_to_datetime(val.to_double(), date1904));
      }
      if (col >= 0 && col < 16384) {
        if (cells.size() <= static_cast<size_t>(col)) cells.resize(col + 1);
        cells[col] = std::move(val);
      }
    });
  });
  // NA strings are missing values.
  for (auto& [_, cells] : grid)
    for (auto& v : cells)
      if (v.is_string() && is_na_string(v.as_string())) v = Value();

  auto empty_row = [](const std::vector<Value>& r) {
    return std::all_of(r.begin(), r.end(), [](const Value& v) { return v.is_null(); });
  };
  std::vector<Value> header_cells;
  std::vector<const std::vector<Value>*> data_rows;
  long header_row = options.header ? *options.header : -1;
  for (const auto& [rn, cells] : grid) {
    if (rn < header_row) continue;
    if (rn == header_row) {
      header_cells = cells;
      continue;
    }
    if (!empty_row(cells)) data_rows.push_back(&cells);
  }
  size_t width = header_cells.size();
  for (auto* r : data_rows) width = std::max(width, r->size());
  while (options.header && width > 0 && width > header_cells.size()) header_cells.emplace_back();

  Frame f;
  std::vector<std::string> seen;
  for (size_t j = 0; j < width; ++j) {
    Column col;
    if (!options.header) {
      col.name = Value(static_cast<int64_t>(j));
    } else {
      const Value& h = header_cells[j];
      if (h.is_null())
        col.name = Value("Unnamed: " + std::to_string(j));
      else if (h.is_float() && std::floor(h.as_float()) == h.as_float())
        col.name = h;
      else
        col.name = h;
      std::string base = col.key(), key = base;
      for (int k = 1; std::find(seen.begin(), seen.end(), key) != seen.end(); ++k)
        key = base + "." + std::to_string(k);
      if (key != base) col.name = Value(key);
      seen.push_back(key);
    }
    std::vector<Value> cells;
    cells.reserve(data_rows.size());
    bool all_dates = !data_rows.empty(), any_date = false;
    for (auto* r : data_rows) {
      Value v = j < r->size() ? (*r)[j] : Value();
      if (v.is_datetime())
        any_date = true;
      else if (!v.is_null())
        all_dates = false;
      cells.push_back(v.is_null() ? Value::nan() : std::move(v));
    }
    std::string dtype = all_dates && any_date ? "datetime64[ns]" : infer_dtype(cells);
    f.columns.push_back(Column(std::move(col.name), std::move(dtype), std::move(cells)));
  }
  return f;
}

Result<std::string> write_xlsx(const Frame& frame, std::string_view sheet, int start_row) {
  if (sheet.empty() || sheet.size() > 31 ||
      sheet.find_first_of("[]:*?/\\") != std::string_view::npos)
    return Error::value("Invalid Excel worksheet name " + py_string_repr(sheet));
  if (start_row < 0 || start_row > 1000000)
    return Error::value("Invalid header row for an Excel sheet");
  std::string xml;
  xml += "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
  xml +=
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
  auto str_cell = [&](std::string& row, const std::string& ref, std::string_view s) {
    row += "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t xml:space=\"preserve\">" + xml_escape(s) +
           "</t></is></c>";
  };
  size_t r = static_cast<size_t>(start_row);
  {
    std::string row = "<row r=\"" + std::to_string(r + 1) + "\">";
    for (size_t j = 0; j < frame.columns.size(); ++j) {
      const Value& n = frame.columns[j].name;
      if (n.is_int())
        row += "<c r=\"" + cell_ref(j, r) + "\"><v>" + std::to_string(n.as_int()) + "</v></c>";
      else
        str_cell(row, cell_ref(j, r), frame.columns[j].key());
    }
    xml += row + "</row>";
  }
  size_t rows = frame.num_rows();
  for (size_t i = 0; i < rows; ++i) {
    ++r;
    std::string row = "<row r=\"" + std::to_string(r + 1) + "\">";
    for (size_t j = 0; j < frame.columns.size(); ++j) {
      const Value v = frame.columns[j].at(i);
      std::string ref = cell_ref(j, r);
      switch (v.kind()) {
        case Value::Kind::kNull:
          break;
        case Value::Kind::kBool:
          row += "<c r=\"" + ref + "\" t=\"b\"><v>" + (v.as_bool() ? "1" : "0") + "</v></c>";
          break;
        case Value::Kind::kInt:
          row += "<c r=\"" + ref + "\"><v>" + std::to_string(v.as_int()) + "</v></c>";
          break;
        case Value::Kind::kFloat: {
          double d = v.as_float();
          if (std::isnan(d)) break;
          if (std::isinf(d)) {
            str_cell(row, ref, d > 0 ? "inf" : "-inf");
            break;
          }
          std::string s = py_float_repr(d);
          // Keep a '.' or exponent so the reader sees a float again.
          row += "<c r=\"" + ref + "\"><v>" + s + "</v></c>";
          break;
        }
        case Value::Kind::kDate: {
          const Date& d = v.as_date();
          char buf[40];
          std::snprintf(buf, sizeof buf, "%.17g",
                        datetime_to_serial(d.year, d.month, d.day, 0, 0, 0, 0));
          row += "<c r=\"" + ref + "\" s=\"1\"><v>" + buf + "</v></c>";
          break;
        }
        case Value::Kind::kDateTime: {
          const DateTime& d = v.as_datetime();
          char buf[40];
          std::snprintf(buf, sizeof buf, "%.17g",
                        datetime_to_serial(d.year, d.month, d.day, d.hour, d.minute, d.second,
                                           d.microsecond));
          row += "<c r=\"" + ref + "\" s=\"2\"><v>" + buf + "</v></c>";
          break;
        }
        case Value::Kind::kString:
          str_cell(row, ref, v.as_string());
          break;
        default:
          str_cell(row, ref, py_str(v));
      }
    }
    xml += row + "</row>";
  }
  xml += "</sheetData></worksheet>";

  const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
  std::vector<std::pair<std::string, std::string>> entries;
  entries.emplace_back(
      "[Content_Types].xml",
      decl +
          "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          "<Default Extension=\"rels\" "
          "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
          "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          "<Override PartName=\"/xl/workbook.xml\" "
          "ContentType=\"application/"
          "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
          "<Override PartName=\"/xl/worksheets/sheet1.xml\" "
          "ContentType=\"application/"
          "vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
          "<Override PartName=\"/xl/styles.xml\" "
          "ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
          "</Types>");
  entries.emplace_back(
      "_rels/.rels",
      decl +
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          "<Relationship Id=\"rId1\" "
          "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
          "officeDocument\" Target=\"xl/workbook.xml\"/>"
          "</Relationships>");
  entries.emplace_back(
      "xl/workbook.xml",
      decl +
          "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
          "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
          "<sheets><sheet name=\"" +
          xml_escape(sheet) + "\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
  entries.emplace_back(
      "xl/_rels/workbook.xml.rels",
      decl +
          "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          "<Relationship Id=\"rId1\" "
          "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
          "Target=\"worksheets/sheet1.xml\"/>"
          "<Relationship Id=\"rId2\" "
          "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
          "Target=\"styles.xml\"/>"
          "</Relationships>");
  entries.emplace_back(
      "xl/styles.xml",
      decl +
          "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
          "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy\\-mm\\-dd\\ "
          "hh:mm:ss.000\"/></numFmts>"
          "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
          "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill "
          "patternType=\"gray125\"/></fill></fills>"
          "<borders "
          "count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
          "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
          "borderId=\"0\"/></cellStyleXfs>"
          "<cellXfs count=\"3\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" "
          "xfId=\"0\"/>"
          "<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
          "applyNumberFormat=\"1\"/>"
          "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "
          "applyNumberFormat=\"1\"/></cellXfs>"
          "</styleSheet>");
  entries.emplace_back("xl/worksheets/sheet1.xml", std::move(xml));
  return write_zip(entries);
}

}  // namespace lyn::access
