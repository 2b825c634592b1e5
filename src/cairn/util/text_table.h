// TextTable: a table of text cells printed the way DVC prints its tables — python-tabulate 0.10
// called by dvc/ui/table.py `plain_table` (disable_numparse, every column left-aligned) — and
// as CSV the way DVC's TabularData.to_csv writes it (Python's csv.writer).
//
// render(plain): columns separated by two spaces, each column as wide as its widest cell and
// at least its header plus two; cells are stripped of surrounding whitespace; trailing spaces
// of every line are removed; a table without rows renders as "" (DVC prints nothing).
// render(markdown): GitHub style ("| a   |", "|-----|"), one space of padding, same widths;
// a table without rows still has its header. Cells with line breaks span several lines.
// Widths count terminal columns like wcwidth.wcswidth (East Asian wide characters 2, combining
// marks 0); as there, a cell holding a control character (a tab, ESC, ...) measures -1, which
// makes tabulate pad it with that many more spaces.
// The result is exactly the bytes DVC writes, including the final newline(s) (markdown adds
// the blank line DVC adds).
//
// render_csv: header row then rows, "\r\n" line ends, fields quoted only when they contain
// a comma, a quote or a line break (quotes doubled), like csv.writer's QUOTE_MINIMAL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cairn {

enum class TableStyle { plain, markdown };

struct TextTable {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;  // each row has headers.size() cells
};

std::string render_table(const TextTable& table, TableStyle style);
std::string render_csv(const TextTable& table);

// Terminal columns taken by UTF-8 text: wcwidth's wcswidth, -1 if it holds a control character.
long display_width(std::string_view utf8);

}  // namespace cairn
