#include "access/zip_archive.h"

#include <zlib.h>

#include <algorithm>

#include "core/text.h"
#include "core/value.h"

namespace lyn::access {

namespace {

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

struct Reader {
  std::string_view shown, kind;
  Error error(const std::string& what) const {
    return Error::value("File " + py_string_repr(shown) + " is not a valid " + std::string(kind) +
                        ": " + what);
  }
};

Result<std::string> inflate_entry(std::string_view data, uint64_t declared, const Reader& z,
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
    return z.error("entry \"" + name + "\" inflates past its declared size (zip bomb?)");
  if (rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && produced == declared))
    return z.error("entry \"" + name + "\" is truncated or corrupt");
  if (produced != declared)
    return z.error("entry \"" + name + "\" does not match its declared size");
  return out;
}

}  // namespace

Result<std::map<std::string, std::string>> read_zip(std::string_view b, std::string_view shown,
                                                    std::string_view kind, const ZipLimits& limits,
                                                    const std::vector<std::string>& wanted) {
  Reader z{shown, kind};
  if (b.size() < 22) return z.error("too short to be a zip archive");
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
    return z.error("no zip end-of-central-directory record (truncated?)");
  uint16_t count = rd16(b, eocd + 10);
  uint32_t cd_size = rd32(b, eocd + 12), cd_off = rd32(b, eocd + 16);
  if (cd_off == 0xffffffffu || count == 0xffff) return z.error("ZIP64 archives are not supported");
  if (uint64_t{cd_off} + cd_size > eocd)
    return z.error("central directory out of bounds (truncated?)");
  if (count > limits.max_entries)
    return z.error("the archive lists " + std::to_string(count) +
                   " entries, more than the limit of " + std::to_string(limits.max_entries));
  std::map<std::string, std::string> out;
  uint64_t total = 0;
  size_t p = cd_off;
  for (uint16_t i = 0; i < count; ++i) {
    if (p + 46 > eocd || rd32(b, p) != 0x02014b50) return z.error("corrupt central directory");
    uint16_t flags = rd16(b, p + 8), method = rd16(b, p + 10);
    uint32_t crc = rd32(b, p + 16), csize = rd32(b, p + 20), usize = rd32(b, p + 24);
    uint16_t nlen = rd16(b, p + 28), elen = rd16(b, p + 30), clen = rd16(b, p + 32);
    uint32_t loff = rd32(b, p + 42);
    if (p + 46 + nlen > eocd) return z.error("corrupt central directory");
    std::string name(b.substr(p + 46, nlen));
    p += 46 + size_t{nlen} + elen + clen;
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), name) == wanted.end()) continue;
    if (name.empty() || name.back() == '/') continue;
    if (csize == 0xffffffffu || usize == 0xffffffffu || loff == 0xffffffffu)
      return z.error("ZIP64 archives are not supported");
    if (flags & 1) return z.error("encrypted entries are not supported");
    if (usize > limits.max_entry_uncompressed)
      return z.error("entry \"" + name + "\" inflates to " + std::to_string(usize) +
                     " bytes, more than the limit of " + size_text(limits.max_entry_uncompressed) +
                     " for one entry (zip bomb?)");
    total += usize;
    if (total > limits.max_total_uncompressed)
      return z.error("inflated size exceeds the limit of " +
                     size_text(limits.max_total_uncompressed) + " (zip bomb?)");
    if (usize > limits.ratio_floor && uint64_t{usize} > uint64_t{csize} * limits.max_ratio)
      return z.error("entry \"" + name + "\" has a compression ratio above " +
                     std::to_string(limits.max_ratio) + ":1 (zip bomb?)");
    if (uint64_t{loff} + 30 > b.size() || rd32(b, loff) != 0x04034b50)
      return z.error("entry \"" + name + "\" has no local header (truncated?)");
    uint64_t data = uint64_t{loff} + 30 + rd16(b, loff + 26) + rd16(b, loff + 28);
    if (data + csize > b.size()) return z.error("entry \"" + name + "\" is truncated");
    std::string_view raw = b.substr(static_cast<size_t>(data), csize);
    std::string content;
    if (method == 0) {
      if (csize != usize) return z.error("entry \"" + name + "\" has inconsistent sizes");
      content = std::string(raw);
    } else if (method == 8) {
      auto r = inflate_entry(raw, usize, z, name);
      if (!r.ok()) return r.error();
      content = std::move(r).value();
    } else {
      return z.error("entry \"" + name + "\" uses unsupported compression method " +
                     std::to_string(method));
    }
    uLong c = crc32(0L, reinterpret_cast<const Bytef*>(content.data()),
                    static_cast<uInt>(content.size()));
    if (c != crc) return z.error("entry \"" + name + "\" fails its CRC check");
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

}  // namespace lyn::access
