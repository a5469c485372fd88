// The xlsx reader's budgets (issue 12.2): a small hostile workbook is
// refused with a 413 naming the limit instead of taking gigabytes. The
// zip container's own limits are tested in file_formats_test.cc.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "access/excel_format.h"
#include "access/zip_archive.h"

namespace lyn::access {
namespace {

const std::string kWorkbook =
    "<workbook xmlns:r=\"r\"><sheets><sheet name=\"Sheet1\" r:id=\"rId1\"/></sheets></workbook>";

std::string workbook(const std::string& sheet_data, const std::string& shared = "",
                     std::vector<std::pair<std::string, std::string>> extra = {}) {
  std::vector<std::pair<std::string, std::string>> entries = {
      {"xl/workbook.xml", kWorkbook},
      {"xl/worksheets/sheet1.xml",
       "<worksheet><sheetData>" + sheet_data + "</sheetData></worksheet>"}};
  if (!shared.empty()) entries.emplace_back("xl/sharedStrings.xml", "<sst>" + shared + "</sst>");
  for (auto& e : extra) entries.push_back(std::move(e));
  return write_zip(entries);
}

// Letters that do not compress away: keeps a hostile file under the zip
// reader's 500:1 ratio guard, as an attacker would.
struct Noise {
  uint64_t state = 42;
  char next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<char>('a' + (state >> 59));
  }
};

void expect_refused(const Result<Frame>& r, const std::string& limit_text) {
  ASSERT_FALSE(r.ok()) << "read " << r->num_rows() << " rows";
  EXPECT_EQ(r.error().http_status, 413) << r.error().message;
  EXPECT_NE(r.error().message.find("is too large to read"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(limit_text), std::string::npos) << r.error().message;
}

// The red team's case: a 12.6 MB workbook whose sheet is millions of tiny
// elements (here 40 MB of <c/>, with enough noise in comments to pass the
// ratio guard) beside incompressible padding (an image, as workbooks have).
// Before the budgets its XML tree alone took gigabytes; now pugixml's
// allocations stop at the limit.
TEST(XlsxBudgets, A12MegabyteHostileWorkbookIsRefusedAtTheXmlMemoryLimit) {
  Noise noise;
  std::string rows;
  rows.reserve(size_t{42} << 20);
  while (rows.size() < (size_t{40} << 20)) {
    rows += "<row>";
    for (int i = 0; i < 4096; ++i) {
      rows += "<c/>";
      if (i % 16 == 0) rows += std::string("<!--") + noise.next() + noise.next() + "-->";
    }
    rows += "</row>";
  }
  std::string image(size_t{11} << 20, '\0');
  for (char& c : image) c = static_cast<char>(noise.next() * 7 + noise.next());
  std::string bytes = workbook(rows, "", {{"xl/media/image1.png", image}});
  rows.clear();
  rows.shrink_to_fit();
  EXPECT_GE(bytes.size(), size_t{12} << 20);
  auto r = read_xlsx(bytes, {}, "hostile.xlsx");
  expect_refused(r, "needs more than the limit of 384 MB of memory");
  EXPECT_NE(r.error().message.find("hostile.xlsx"), std::string::npos);
}

// One cell far to the right per row: each row grows to 16384 slots, so a
// few kilobytes once asked for gigabytes.
TEST(XlsxBudgets, SparseRowsCountEverySlot) {
  std::string rows;
  for (int r = 1; r <= 200; ++r)
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"XFD" + std::to_string(r) + "\"/></row>";
  expect_refused(read_xlsx(workbook(rows), {}, "sparse.xlsx"),
                 "more cells than the limit of 2000000");
}

// One wide header row makes every data row as wide in the frame.
TEST(XlsxBudgets, TheFrameIsBudgetedAsARectangle) {
  std::string rows = "<row r=\"1\"><c r=\"XFD1\" t=\"inlineStr\"><is><t>h</t></is></c></row>";
  for (int r = 2; r <= 200; ++r)
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) +
            "\"><v>1</v></c></row>";
  XlsxLimits limits;
  limits.max_cells = 1000000;  // 16384 x 199 rows is 3.26 million
  expect_refused(read_xlsx(workbook(rows), {}, "wide.xlsx", limits),
                 "more cells than the limit of 1000000");
}

TEST(XlsxBudgets, SharedStringsAreCountedAndSized) {
  std::string many;
  for (int i = 0; i < 1100; ++i) many += "<si><t>s" + std::to_string(i) + "</t></si>";
  XlsxLimits limits;
  limits.max_shared_strings = 1000;
  expect_refused(read_xlsx(workbook("", many), {}, "many.xlsx", limits),
                 "more shared strings than the limit of 1000");

  Noise noise;
  std::string text(size_t{3} << 20, 'x');
  for (size_t i = 0; i < text.size(); i += 64) text[i] = noise.next();  // under the ratio guard
  std::string big = "<si><t>" + text + "</t></si>";
  limits = {};
  limits.max_shared_string_bytes = size_t{2} << 20;
  expect_refused(read_xlsx(workbook("", big), {}, "big.xlsx", limits),
                 "shared strings larger than the limit of 2 MB");
}

// A shared string is copied into every cell naming it: 1 MB named by 200
// cells is 200 MB of text from a file of a few kilobytes.
TEST(XlsxBudgets, TextCopiedIntoCellsIsCounted) {
  Noise noise;
  std::string text(size_t{1} << 20, 'x');
  for (size_t i = 0; i < text.size(); i += 64) text[i] = noise.next();  // under the ratio guard
  std::string rows;
  for (int r = 1; r <= 200; ++r)
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) +
            "\" t=\"s\"><v>0</v></c></row>";
  expect_refused(read_xlsx(workbook(rows, "<si><t>" + text + "</t></si>"), {}, "copies.xlsx"),
                 "more text in cells than the limit of 128 MB");
}

TEST(XlsxBudgets, AWorkbookWithinTheBudgetsReads) {
  std::string rows = "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>";
  for (int r = 2; r <= 1000; ++r)
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) + "\"><v>" +
            std::to_string(r) + "</v></c></row>";
  XlsxLimits limits;
  limits.max_cells = 1000;  // exactly enough
  auto r = read_xlsx(workbook(rows, "<si><t>n</t></si>"), {}, "ok.xlsx", limits);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->num_rows(), 999u);
}

TEST(ZipLimits, EntryCountAndEntrySizeNameTheLimit) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (int i = 0; i < 20; ++i) entries.emplace_back("e" + std::to_string(i), "x");
  ZipLimits limits;
  limits.max_entries = 10;
  auto r = read_zip(write_zip(entries), "many.zip", "zip archive", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("20 entries, more than the limit of 10"), std::string::npos)
      << r.error().message;
  limits = {};
  limits.max_entry_uncompressed = 1000;
  auto big =
      read_zip(write_zip({{"big", std::string(5000, 'y')}}), "big.zip", "zip archive", limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message,
            "File 'big.zip' is not a valid zip archive: entry \"big\" inflates to 5000 bytes, more "
            "than the limit of 1000 bytes for one entry (zip bomb?)");
}

}  // namespace
}  // namespace lyn::access
