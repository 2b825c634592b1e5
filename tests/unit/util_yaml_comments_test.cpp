// carry_comments: comments and blank lines of a hand-edited YAML file survive a rewrite at the
// same structural positions (the DVC interop test compares whole files with DVC's output).
#include <gtest/gtest.h>

#include "cairn/util/yaml_comments.h"

namespace cairn::yaml {
namespace {

constexpr const char* kOldEmitted =
    "outs:\n"
    "- md5: aaaa\n"
    "  size: 2\n"
    "  path: a.txt\n"
    "- md5: bbbb\n"
    "  size: 3\n"
    "  path: b.txt\n"
    "desc: d\n";

TEST(YamlComments, NoCommentsGivesTheNewText) {
  EXPECT_EQ(carry_comments(kOldEmitted, kOldEmitted, "outs: []\n"), "outs: []\n");
}

TEST(YamlComments, CommentsFollowTheirKeysWhileValuesChange) {
  const std::string old_text =
      "# header\n"
      "\n"
      "outs:\n"
      "- md5: aaaa  # first\n"
      "  size: 2\n"
      "  path: a.txt\n"
      "# about b\n"
      "- md5: bbbb\n"
      "  size: 3        # bytes\n"
      "  path: b.txt\n"
      "desc: d # top\n"
      "# trailing\n";
  const std::string new_emitted =
      "outs:\n"
      "- md5: cccc\n"
      "  size: 2\n"
      "  path: a.txt\n"
      "- md5: dddd\n"
      "  size: 123456789012\n"
      "  path: b.txt\n"
      "desc: d\n";
  EXPECT_EQ(carry_comments(old_text, kOldEmitted, new_emitted),
            "# header\n"
            "\n"
            "outs:\n"
            "- md5: cccc  # first\n"
            "  size: 2\n"
            "  path: a.txt\n"
            "# about b\n"
            "- md5: dddd\n"
            "  size: 123456789012 # bytes\n"  // longer than the old comment column: one space
            "  path: b.txt\n"
            "desc: d # top\n"
            "# trailing\n");
}

TEST(YamlComments, CommentsOfRemovedLinesGo) {
  const std::string old_text =
      "outs:\n"
      "- md5: aaaa\n"
      "  size: 2  # gone with the item\n"
      "  path: a.txt\n"
      "- md5: bbbb\n"
      "  size: 3\n"
      "  path: b.txt\n"
      "desc: d  # kept\n";
  EXPECT_EQ(carry_comments(old_text, kOldEmitted, "outs:\n- md5: aaaa\n  path: a.txt\ndesc: d\n"),
            "outs:\n- md5: aaaa\n  path: a.txt\ndesc: d  # kept\n");
}

TEST(YamlComments, HashInsideQuotesIsNotAComment) {
  const std::string emitted = "desc: 'a # b'\nx: \"c # d\"\n";
  const std::string old_text = "desc: 'a # b'  # real\nx: \"c # d\"\n";
  EXPECT_EQ(carry_comments(old_text, emitted, emitted), old_text);
}

TEST(YamlComments, FoldedContinuationLinesBelongToTheirKey) {
  const std::string emitted = "desc: a long text that the emitter\n  folded onto a second line\nsize: 1\n";
  const std::string old_text = "desc: a long text that the emitter\n  folded onto a second line\n# s\nsize: 1  # n\n";
  EXPECT_EQ(carry_comments(old_text, emitted, "desc: short\nsize: 2\n"), "desc: short\n# s\nsize: 2  # n\n");
}

TEST(YamlComments, NestedMappingsAndSequencesOfScalars) {
  const std::string emitted = "meta:\n  owner: x\n  tags:\n  - a\n  - b\nouts: 1\n";
  const std::string old_text = "meta:\n  owner: x # who\n  tags:\n  - a\n  # second tag\n  - b\nouts: 1\n";
  EXPECT_EQ(carry_comments(old_text, emitted, "meta:\n  owner: y\n  tags:\n  - a\n  - c\nouts: 2\n"),
            "meta:\n  owner: y # who\n  tags:\n  - a\n  # second tag\n  - c\nouts: 2\n");
}

TEST(YamlComments, OtherFormattingDifferencesGiveTheNewTextUnchanged) {
  // four-space indentation is not what emit() writes: nothing can be aligned
  const std::string old_text = "outs:\n    - md5: aaaa  # c\n";
  EXPECT_EQ(carry_comments(old_text, "outs:\n- md5: aaaa\n", "outs:\n- md5: bbbb\n"), "outs:\n- md5: bbbb\n");
}

}  // namespace
}  // namespace cairn::yaml
