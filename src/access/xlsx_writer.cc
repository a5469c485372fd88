// The xlsx writer: a minimal valid workbook (one sheet, inline strings,
// numbers, booleans, dates with a date style), deflated by zip_archive.
#include <cmath>
#include <cstdio>

#include "access/excel_dates.h"
#include "access/excel_format.h"
#include "access/zip_archive.h"
#include "core/html.h"

namespace lyn::access {

namespace {

// Text as XML 1.0 character data: escaped, without the control characters
// XML does not allow.
std::string xml_escape(std::string_view s) {
  std::string kept;
  kept.reserve(s.size());
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n' || c == '\r') kept += c;
  std::string out;
  out.reserve(kept.size());
  append_html_escaped(out, kept, true, false);
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
          std::snprintf(buf, sizeof buf, "%.17g", excel_serial(d.year, d.month, d.day, 0, 0, 0, 0));
          row += "<c r=\"" + ref + "\" s=\"1\"><v>" + buf + "</v></c>";
          break;
        }
        case Value::Kind::kDateTime: {
          const DateTime& d = v.as_datetime();
          char buf[40];
          std::snprintf(
              buf, sizeof buf, "%.17g",
              excel_serial(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond));
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
