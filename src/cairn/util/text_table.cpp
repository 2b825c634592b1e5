#include "cairn/util/text_table.h"

#include <algorithm>
#include <cstdint>

namespace cairn {
namespace {

struct Range {
  char32_t lo, hi;
};

// East Asian Wide/Fullwidth blocks (wcwidth 2).
constexpr Range kWide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},   {0x23F0, 0x23F0},
    {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},   {0x267F, 0x267F},
    {0x2693, 0x2693},   {0x26A1, 0x26A1},   {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},
    {0x26CE, 0x26CE},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},   {0x2728, 0x2728},
    {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},
    {0x27B0, 0x27B0},   {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},
    {0x2E80, 0x303E},   {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6F},
    {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4}, {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF},
    {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251},
    {0x1F300, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E}, {0x1F440, 0x1F440},
    {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A},
    {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC},
    {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB},
    {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD},
    {0x30000, 0x3FFFD},
};

// Zero-width: combining marks, zero-width spaces/joiners, variation selectors.
constexpr Range kZero[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},   {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},   {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064},   {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

template <std::size_t N>
bool in(const Range (&ranges)[N], char32_t cp) {
  for (const auto& r : ranges)
    if (cp >= r.lo && cp <= r.hi) return true;
  return false;
}

char32_t next_cp(std::string_view s, std::size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
  if (c >= 0x80 && (n == 0 || i + n >= s.size())) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = n == 0 ? c : c & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
  for (std::size_t k = 1; k <= n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n + 1;
  return cp;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string strip(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return std::string(s.substr(b, e - b));
}

// Lines of a cell (tabulate's splitlines for multi-line cells).
std::vector<std::string> lines_of(const std::string& cell) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < cell.size(); ++i) {
    if (cell[i] == '\n' || cell[i] == '\r') {
      out.push_back(cell.substr(start, i - start));
      if (cell[i] == '\r' && i + 1 < cell.size() && cell[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  out.push_back(cell.substr(start));
  return out;
}

// tabulate pads to `width` columns by the measured width, whatever it is (-1 included).
std::string pad_right(const std::string& s, long width) {
  long w = display_width(s);
  return w >= width ? s : s + std::string(static_cast<std::size_t>(width - w), ' ');
}

void rstrip(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

}  // namespace

long display_width(std::string_view s) {
  long width = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = next_cp(s, i);
    if (cp == 0 || in(kZero, cp)) continue;
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return -1;
    width += in(kWide, cp) ? 2 : 1;
  }
  return width;
}

std::string render_table(const TextTable& table, TableStyle style) {
  bool md = style == TableStyle::markdown;
  if (table.rows.empty() && !md) return "";
  std::size_t ncols = table.headers.size();
  // Cells as lines, stripped like tabulate does.
  std::vector<std::vector<std::vector<std::string>>> cells;
  std::vector<long> widths(ncols, 0);
  for (std::size_t c = 0; c < ncols; ++c) widths[c] = display_width(table.headers[c]) + 2;
  for (const auto& row : table.rows) {
    std::vector<std::vector<std::string>> r;
    for (std::size_t c = 0; c < ncols; ++c) {
      auto lines = lines_of(strip(c < row.size() ? row[c] : std::string()));
      for (const auto& l : lines) widths[c] = std::max(widths[c], display_width(l));
      r.push_back(std::move(lines));
    }
    cells.push_back(std::move(r));
  }
  std::string pad = md ? " " : "";
  std::string begin = md ? "|" : "", sep = md ? "|" : "  ", end = md ? "|" : "";
  auto line_of = [&](const std::vector<std::string>& parts) {
    std::string line = begin;
    for (std::size_t c = 0; c < ncols; ++c) {
      if (c) line += sep;
      line += pad + pad_right(parts[c], widths[c]) + pad;
    }
    line += end;
    rstrip(line);
    return line;
  };
  std::vector<std::string> out;
  out.push_back(line_of(table.headers));
  if (md) {
    std::string rule = "|";
    for (std::size_t c = 0; c < ncols; ++c) rule += std::string(static_cast<std::size_t>(widths[c] + 2), '-') + "|";
    out.push_back(rule);
  }
  for (const auto& r : cells) {
    std::size_t height = 1;
    for (const auto& lines : r) height = std::max(height, lines.size());
    for (std::size_t k = 0; k < height; ++k) {
      std::vector<std::string> parts;
      for (const auto& lines : r) parts.push_back(k < lines.size() ? lines[k] : std::string());
      out.push_back(line_of(parts));
    }
  }
  std::string text;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i) text += '\n';
    text += out[i];
  }
  if (md) text += '\n';
  return text + "\n";
}

std::string render_csv(const TextTable& table) {
  auto field = [](const std::string& s, bool only) {
    bool quote = s.find_first_of(",\"\r\n") != std::string::npos || (only && s.empty());
    if (!quote) return s;
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  };
  auto row_text = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) line += ',';
      line += field(row[i], row.size() == 1);
    }
    return line + "\r\n";
  };
  std::string out = row_text(table.headers);
  for (const auto& row : table.rows) out += row_text(row);
  return out;
}

}  // namespace cairn
