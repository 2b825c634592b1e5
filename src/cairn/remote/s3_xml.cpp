// Minimal XML for S3 documents; see s3_xml.h.
#include "cairn/remote/s3_xml.h"
#include "cairn/util/utf8.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace cairn::remote::s3 {

namespace {

bool is_name_end(char c) {
  return c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Finds the next start tag "<tag" (exact name) at or after `from`. Returns its position and
// sets `content_begin` past its '>' and `self_closing`.
std::size_t find_start_tag(std::string_view xml, std::string_view tag, std::size_t from,
                           std::size_t& content_begin, bool& self_closing) {
  while (true) {
    auto lt = xml.find('<', from);
    if (lt == std::string_view::npos) return std::string_view::npos;
    auto name_end = lt + 1 + tag.size();
    if (xml.compare(lt + 1, tag.size(), tag) == 0 && name_end < xml.size() && is_name_end(xml[name_end])) {
      auto gt = xml.find('>', name_end);
      if (gt == std::string_view::npos) return std::string_view::npos;
      self_closing = xml[gt - 1] == '/';
      content_begin = gt + 1;
      return lt;
    }
    // Skip CDATA sections wholesale so their content never matches.
    if (xml.compare(lt, 9, "<![CDATA[") == 0) {
      auto end = xml.find("]]>", lt + 9);
      if (end == std::string_view::npos) return std::string_view::npos;
      from = end + 3;
      continue;
    }
    from = lt + 1;
  }
}

// The position of the matching "</tag>" for an element whose content starts at `begin`
// (nested elements of the same name are counted).
std::size_t find_end_tag(std::string_view xml, std::string_view tag, std::size_t begin) {
  std::string close = "</" + std::string(tag) + ">";
  int depth = 1;
  std::size_t pos = begin;
  while (true) {
    std::size_t inner_begin = 0;
    bool inner_self = false;
    auto next_open = find_start_tag(xml, tag, pos, inner_begin, inner_self);
    auto next_close = xml.find(close, pos);
    if (next_close == std::string_view::npos) return std::string_view::npos;
    if (next_open != std::string_view::npos && next_open < next_close) {
      if (!inner_self) ++depth;
      pos = inner_begin;
      continue;
    }
    if (--depth == 0) return next_close;
    pos = next_close + close.size();
  }
}

}  // namespace

std::vector<std::string_view> xml_elements(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (true) {
    std::size_t content = 0;
    bool self_closing = false;
    auto start = find_start_tag(xml, tag, pos, content, self_closing);
    if (start == std::string_view::npos) break;
    if (self_closing) {
      out.emplace_back();
      pos = content;
      continue;
    }
    auto end = find_end_tag(xml, tag, content);
    if (end == std::string_view::npos) break;
    out.push_back(xml.substr(content, end - content));
    pos = end + tag.size() + 3;
  }
  return out;
}

std::optional<std::string> xml_text(std::string_view xml, std::string_view tag) {
  std::size_t content = 0;
  bool self_closing = false;
  auto start = find_start_tag(xml, tag, 0, content, self_closing);
  if (start == std::string_view::npos) return std::nullopt;
  if (self_closing) return std::string();
  auto end = find_end_tag(xml, tag, content);
  if (end == std::string_view::npos) return std::nullopt;
  return xml_decode(xml.substr(content, end - content));
}

std::string xml_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '<' && text.compare(i, 9, "<![CDATA[") == 0) {
      auto end = text.find("]]>", i + 9);
      if (end == std::string_view::npos) end = text.size();
      out.append(text.substr(i + 9, end - i - 9));
      i = end + 3;
      continue;
    }
    if (c != '&') {
      out.push_back(c);
      ++i;
      continue;
    }
    auto semi = text.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back(c);
      ++i;
      continue;
    }
    std::string_view entity = text.substr(i + 1, semi - i - 1);
    bool known = true;
    if (entity == "amp")
      out.push_back('&');
    else if (entity == "lt")
      out.push_back('<');
    else if (entity == "gt")
      out.push_back('>');
    else if (entity == "quot")
      out.push_back('"');
    else if (entity == "apos")
      out.push_back('\'');
    else if (entity.size() > 1 && entity[0] == '#') {
      bool hexadecimal = entity[1] == 'x' || entity[1] == 'X';
      std::string digits(entity.substr(hexadecimal ? 2 : 1));
      int base = hexadecimal ? 16 : 10;
      char* end = nullptr;
      unsigned long cp = std::strtoul(digits.c_str(), &end, base);
      if (digits.empty() || *end != '\0' || cp > 0x10FFFF)
        known = false;
      else
        append_utf8(out, cp);
    } else {
      known = false;
    }
    if (!known) {
      out.append(text.substr(i, semi - i + 1));
    }
    i = semi + 1;
  }
  return out;
}

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
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
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string url_unquote_plus(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::int64_t parse_iso8601_ns(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.fff]Z
  if (text.size() < 19) return 0;
  std::tm tm{};
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::int64_t secs = timegm(&tm);
  std::int64_t frac_ns = 0;
  if (s.size() > 19 && s[19] == '.') {
    std::int64_t scale = 100000000;
    for (std::size_t i = 20; i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) && scale > 0;
         ++i) {
      frac_ns += (s[i] - '0') * scale;
      scale /= 10;
    }
  }
  return secs * 1000000000 + frac_ns;
}

std::string strip_quotes(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') etag = etag.substr(1, etag.size() - 2);
  return std::string(etag);
}

S3ErrorBody parse_error_body(std::string_view xml) {
  S3ErrorBody body;
  auto errors = xml_elements(xml, "Error");
  if (errors.empty()) return body;
  std::string_view e = errors.front();
  body.code = xml_text(e, "Code").value_or("");
  body.message = xml_text(e, "Message").value_or("");
  body.bucket = xml_text(e, "BucketName").value_or("");
  body.region = xml_text(e, "Region").value_or("");
  body.endpoint = xml_text(e, "Endpoint").value_or("");
  return body;
}

Expected<ListPage> parse_list_objects_v2(std::string_view xml) {
  auto results = xml_elements(xml, "ListBucketResult");
  if (results.empty()) {
    return make_error(ErrorCode::corrupt, "unexpected ListObjectsV2 response (no <ListBucketResult>)");
  }
  std::string_view doc = results.front();
  ListPage page;
  bool url_encoded = xml_text(doc, "EncodingType").value_or("") == "url";
  for (std::string_view contents : xml_elements(doc, "Contents")) {
    ListedObject obj;
    auto key = xml_text(contents, "Key");
    if (!key)
      return make_error(ErrorCode::corrupt, "unexpected ListObjectsV2 response (<Contents> without <Key>)");
    obj.key = url_encoded ? url_unquote_plus(*key) : *key;
    obj.size = std::strtoull(xml_text(contents, "Size").value_or("0").c_str(), nullptr, 10);
    obj.etag = strip_quotes(xml_text(contents, "ETag").value_or(""));
    obj.mtime_ns = parse_iso8601_ns(xml_text(contents, "LastModified").value_or(""));
    page.objects.push_back(std::move(obj));
  }
  page.truncated = xml_text(doc, "IsTruncated").value_or("false") == "true";
  page.next_token = xml_text(doc, "NextContinuationToken").value_or("");
  if (page.truncated && page.next_token.empty()) {
    return make_error(ErrorCode::corrupt,
                      "unexpected ListObjectsV2 response (truncated without a continuation token)");
  }
  return page;
}

}  // namespace cairn::remote::s3
