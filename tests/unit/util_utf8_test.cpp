#include "cairn/util/utf8.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

TEST(Utf8, EncodesEveryLength) {
  std::string out;
  for (char32_t cp : {U'a', U'\u00e9', U'\u20ac', U'\U0001F600'}) append_utf8(out, cp);
  EXPECT_EQ(out, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  append_utf8(out, 0x110000);  // not a code point: nothing appended
  EXPECT_EQ(out.size(), 10u);
}

TEST(Utf8, DecodesValidTextBothWays) {
  const std::string s = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
  const std::u32string want = U"a\u00e9\u20ac\U0001F600";
  EXPECT_EQ(decode_utf8(s, InvalidByte::replacement_char), want);
  EXPECT_EQ(decode_utf8(s, InvalidByte::surrogate_escape), want);
}

TEST(Utf8, InvalidBytesFollowThePolicy) {
  // stray continuation, overlong '/', an encoded surrogate, truncated sequence
  const std::string s =
      "\x80"
      "\xc0\xaf"
      "\xed\xa0\x80"
      "\xe2\x82";
  const std::u32string fffd = decode_utf8(s, InvalidByte::replacement_char);
  EXPECT_EQ(fffd, std::u32string(8, U'\uFFFD'));  // every byte replaced, resuming at the next one
  const std::u32string esc = decode_utf8(s, InvalidByte::surrogate_escape);
  ASSERT_EQ(esc.size(), 8u);
  EXPECT_EQ(esc[0], char32_t{0xDC80});
  EXPECT_EQ(esc[1], char32_t{0xDCC0});
  EXPECT_EQ(esc[7], char32_t{0xDC82});
}

TEST(Utf8, FirstInvalidByteOffset) {
  EXPECT_EQ(first_invalid_utf8("plain \xc3\xa9t\xc3\xa9"), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8(""), std::string_view::npos);
  EXPECT_EQ(first_invalid_utf8("ab\xc0\xaf"), 2u);        // overlong
  EXPECT_EQ(first_invalid_utf8("a\xed\xa0\x80"), 1u);     // surrogate
  EXPECT_EQ(first_invalid_utf8("abc\xe2\x82"), 3u);       // truncated
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
}

}  // namespace
}  // namespace cairn
