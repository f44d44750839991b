// The C++ CLIP tokenizer against the original tokenizer's ids (tests/fixtures, made by openai/CLIP
// with ftfy) and against the reference tokenizer on 2100 more strings
// (tests/reference/clip_tokenizer_reference.py), plus the text-cleaning pieces one by one.
#include "clip_tokenizer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "clip_text_clean.h"
#include "html_unescape.h"
#include "unicode_text.h"
#include "utf8.h"

namespace clipscope {
namespace {

const std::string kDir = std::string(CLIPSCOPE_REFERENCE_DIR) + "/tokenizer/";
constexpr size_t kClipMerges = 49152 - 256 - 2;

struct Case {
  std::string text;
  std::vector<int32_t> ids, truncated;
};

std::vector<int32_t> ParseIds(const std::string& field) {
  std::vector<int32_t> ids;
  std::istringstream in(field);
  for (int32_t id; in >> id;) ids.push_back(id);
  return ids;
}

std::vector<Case> ReadCases(const std::string& name) {
  std::ifstream in(kDir + name);
  EXPECT_TRUE(in) << "missing " << kDir + name
                  << ": run tests/reference/clip_tokenizer_reference.py";
  std::vector<Case> cases;
  for (std::string line; std::getline(in, line);) {
    const size_t tab1 = line.find('\t'), tab2 = line.find('\t', tab1 + 1);
    Case c;
    for (size_t k = 0; k < tab1; k += 2)
      c.text.push_back(static_cast<char>(std::stoi(line.substr(k, 2), nullptr, 16)));
    c.ids = ParseIds(line.substr(tab1 + 1, tab2 - tab1 - 1));
    c.truncated = ParseIds(line.substr(tab2 + 1));
    cases.push_back(std::move(c));
  }
  return cases;
}

ClipTokenizer& Tokenizer() {
  // Built once for all tests (never destroyed: it lives as long as the test program).
  static Result<ClipTokenizer>* made = [] {
    std::ifstream in(kDir + "bpe_simple_vocab_16e6.txt", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return new Result<ClipTokenizer>(ClipTokenizer::FromMerges(text.str(), kClipMerges));
  }();
  if (!made->ok()) throw std::runtime_error(made->status().message());
  return made->value();
}

std::vector<int32_t> Framed(const std::string& text) {
  std::vector<int32_t> ids = Tokenizer().Encode(text);
  ids.insert(ids.begin(), Tokenizer().start_id());
  ids.push_back(Tokenizer().end_id());
  return ids;
}

std::vector<int32_t> Padded77(const std::string& text, std::vector<int32_t>* mask) {
  std::vector<int32_t> ids(77);
  mask->assign(77, -1);
  const size_t real = Tokenizer().EncodePadded(text, 77, 0, ids.data(), mask->data());
  ids.resize(real);
  return ids;
}

void ExpectCases(const std::vector<Case>& cases) {
  ASSERT_FALSE(cases.empty());
  size_t failures = 0;
  for (const Case& c : cases) {
    std::vector<int32_t> mask;
    const bool same = Framed(c.text) == c.ids && Padded77(c.text, &mask) == c.truncated;
    if (!same && ++failures <= 10) ADD_FAILURE() << "ids differ for \"" << c.text << "\"";
  }
  EXPECT_EQ(failures, 0u) << "of " << cases.size() << " strings";
}

std::u32string U(const char* utf8) { return DecodeUtf8(utf8); }

TEST(ClipTokenizer, VocabularyHasClipLayout) {
  EXPECT_EQ(Tokenizer().vocab_size(), 49408u);
  EXPECT_EQ(Tokenizer().start_id(), 49406);
  EXPECT_EQ(Tokenizer().end_id(), 49407);
  EXPECT_EQ(Tokenizer().TokenId("!"), 0);
  EXPECT_EQ(Tokenizer().TokenId("cat</w>"), 2368);
  EXPECT_EQ(Tokenizer().TokenId("no such token"), -1);
}

TEST(ClipTokenizer, EqualsTheOriginalTokenizerOnEveryPublicCase) {
  ExpectCases(ReadCases("public_cases.txt"));
}

TEST(ClipTokenizer, EqualsTheReferenceOnTwoThousandMoreStrings) {
  ExpectCases(ReadCases("cases.txt"));
}

TEST(ClipTokenizer, PadsAfterTheEndTokenAndMasksThePadding) {
  std::vector<int32_t> ids(10), mask(10);
  EXPECT_EQ(Tokenizer().EncodePadded("a photo of a cat", 10, 49407, ids.data(), mask.data()), 7u);
  EXPECT_EQ(ids,
            (std::vector<int32_t>{49406, 320, 1125, 539, 320, 2368, 49407, 49407, 49407, 49407}));
  EXPECT_EQ(mask, (std::vector<int32_t>{1, 1, 1, 1, 1, 1, 1, 0, 0, 0}));
}

TEST(ClipTokenizer, TruncationKeepsTheEndTokenLast) {
  std::vector<int32_t> ids(4);
  EXPECT_EQ(Tokenizer().EncodePadded("a photo of a cat", 4, 0, ids.data(), nullptr), 4u);
  EXPECT_EQ(ids, (std::vector<int32_t>{49406, 320, 1125, 49407}));
}

TEST(ClipTokenizer, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(Tokenizer().Encode("a\xff"
                               "b"),
            Tokenizer().Encode("a\xEF\xBF\xBD"
                               "b"));
  // An encoded surrogate is three invalid bytes, as TextDecoder reads them.
  EXPECT_EQ(Tokenizer().Encode("\xED\xA0\x80"),
            Tokenizer().Encode("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));
}

TEST(ClipTokenizer, RejectsMalformedMerges) {
  Result<ClipTokenizer> short_file = ClipTokenizer::FromMerges("#version: 0.2\ni n\n", 2);
  ASSERT_FALSE(short_file.ok());
  EXPECT_EQ(short_file.status().message(), "merges file has 1 merges, the vocabulary needs 2");
  Result<ClipTokenizer> bad_line = ClipTokenizer::FromMerges("#version: 0.2\ni n\nin\n", 2);
  ASSERT_FALSE(bad_line.ok());
  EXPECT_EQ(bad_line.status().message(), "merges line 3 is not two tokens separated by one space");
  Result<ClipTokenizer> unknown = ClipTokenizer::FromMerges("i nx\n", 1);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "merge 1 (\"i nx\") uses a token no earlier merge made");
}

TEST(UnicodeText, NfcComposesReordersAndRespectsExclusions) {
  EXPECT_EQ(NormalizeNfc(U("e\xCC\x81")), U("\xC3\xA9"));                     // e + acute -> é
  EXPECT_EQ(NormalizeNfc(U("q\xCC\xA3\xCC\x87")), U("q\xCC\xA3\xCC\x87"));    // no composite
  EXPECT_EQ(NormalizeNfc(U("q\xCC\x87\xCC\xA3")), U("q\xCC\xA3\xCC\x87"));    // reordered
  EXPECT_EQ(NormalizeNfc(U("\xE0\xA5\x98")), U("\xE0\xA4\x95\xE0\xA4\xBC"));  // U+0958 excluded
  EXPECT_EQ(NormalizeNfc(U("\xE1\x84\x80\xE1\x85\xA1\xE1\x86\xA8")),
            U("\xEA\xB0\x81"));                               // Hangul LVT
  EXPECT_EQ(NormalizeNfc(U("\xE2\x84\xAB")), U("\xC3\x85"));  // Angstrom sign -> Å
}

TEST(UnicodeText, LowercaseFollowsUnicodeNotAscii) {
  EXPECT_EQ(LowercaseFull(U("\xC3\x84\xC3\x96\xC3\x9C")), U("\xC3\xA4\xC3\xB6\xC3\xBC"));  // ÄÖÜ
  EXPECT_EQ(LowercaseFull(U("\xC4\xB0")), U("i\xCC\x87"));  // İ -> i + dot above
  // ΟΔΟΣ ΣΟΦΟΣ: final sigma at word ends only
  EXPECT_EQ(
      LowercaseFull(U("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3 \xCE\xA3\xCE\x9F\xCE\xA6\xCE\x9F\xCE\xA3")),
      U("\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82 \xCF\x83\xCE\xBF\xCF\x86\xCE\xBF\xCF\x82"));
}

TEST(HtmlUnescape, MatchesPythonHtmlUnescape) {
  EXPECT_EQ(HtmlUnescape(U("&amp; &lt;&gt; &quot;&#39;")), U("& <> \"'"));
  EXPECT_EQ(HtmlUnescape(U("&copy 2024 &ampx &notit;")), U("\xC2\xA9 2024 &x \xC2\xACit;"));
  EXPECT_EQ(HtmlUnescape(U("&#0;&#x80;&#xD800;&#1114112;&#1;")),
            U("\xEF\xBF\xBD\xE2\x82\xAC\xEF\xBF\xBD\xEF\xBF\xBD"));
  EXPECT_EQ(HtmlUnescape(U("&#x;&#;&bogus;&NTILDE;")), U("&#x;&#;&bogus;&NTILDE;"));
}

TEST(HtmlUnescape, FtfyAlsoReadsUppercasedNamesButNeedsTheSemicolon) {
  EXPECT_EQ(FtfyUnescapeHtml(U("&NTILDE; &amp &amp; &#12a;")), U("\xC3\x91 &amp & &#12a;"));
}

TEST(CleanClipText, RepairsQuotesLigaturesWidthAndControls) {
  EXPECT_EQ(CleanClipText(U("\xE2\x80\x9C"
                            "Don\xE2\x80\x99t\xE2\x80\x9D")),
            U("\"don't\""));
  EXPECT_EQ(CleanClipText(U("\xEF\xAC\x81sh")), U("fish"));
  EXPECT_EQ(CleanClipText(U("\xEF\xBC\xA1\xEF\xBC\xA2\xE3\x80\x80\xEF\xBC\x91")), U("ab 1"));
  EXPECT_EQ(CleanClipText(U("a\x07"
                            "b \x1b[31mred\x1b[0m")),
            U("ab red"));
  EXPECT_EQ(CleanClipText(U("&amp;amp;amp;")), U("&"));
  EXPECT_EQ(CleanClipText(U("  tab\there \r\n new ")), U("tab here new"));
}

}  // namespace
}  // namespace clipscope

namespace clipscope {
namespace {

// CLIP's BPE loop as written in simple_tokenizer.py: each round finds the lowest-ranked
// adjacent pair and merges all its occurrences left to right (quadratic in the word's length).
std::vector<int32_t> NaiveBpe(const ClipTokenizer& tokenizer,
                              const std::vector<std::pair<std::string, std::string>>& merges,
                              const std::string& word) {
  std::vector<std::string> symbols;
  for (char c : word) symbols.push_back(std::string(1, c));
  symbols.back() += "</w>";
  auto rank = [&](const std::string& a, const std::string& b) {
    int found = -1;
    for (size_t r = 0; r < merges.size(); ++r) {
      if (merges[r].first == a && merges[r].second == b) found = int(r);  // the last one counts
    }
    return found;
  };
  for (;;) {
    int best = -1;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      const int r = rank(symbols[i], symbols[i + 1]);
      if (r >= 0 && (best < 0 || r < best)) best = r;
    }
    if (best < 0) break;
    std::vector<std::string> merged;
    for (size_t i = 0; i < symbols.size(); ++i) {
      if (i + 1 < symbols.size() && symbols[i] == merges[best].first &&
          symbols[i + 1] == merges[best].second) {
        merged.push_back(symbols[i] + symbols[i + 1]);
        ++i;
      } else {
        merged.push_back(symbols[i]);
      }
    }
    symbols.swap(merged);
  }
  std::vector<int32_t> ids;
  for (const std::string& s : symbols) ids.push_back(tokenizer.TokenId(s));
  return ids;
}

// Merges chosen so that rounds overlap and interact: runs of one letter, pairs that a lower-
// ranked merge later extends, and a repeated merge (its last rank counts).
TEST(ClipTokenizerBpe, HeapBpeEqualsClipsRoundByRoundLoopOnOverlappingMerges) {
  const std::vector<std::pair<std::string, std::string>> merges = {
      {"a", "a"},      {"b", "a"},     {"a", "b"},     {"aa", "a"},    {"ab", "a"}, {"a", "b</w>"},
      {"aa", "aa"},    {"b", "b"},     {"ba", "b"},    {"a", "a</w>"}, {"aa", "b"}, {"a", "a"},
      {"bb", "a</w>"}, {"aaaa", "aa"}, {"b", "a</w>"}, {"ba", "ba"},   {"bb", "bb"}};
  std::string text = "#version: 0.2\n";
  for (const auto& [left, right] : merges) text += left + " " + right + "\n";
  ClipTokenizer tokenizer = ClipTokenizer::FromMerges(text, merges.size()).value();
  uint32_t state = 12345;
  for (int trial = 0; trial < 3000; ++trial) {
    state = state * 1664525u + 1013904223u;
    const size_t length = 1 + (state >> 8) % 40;
    std::string word;
    for (size_t i = 0; i < length; ++i) {
      state = state * 1664525u + 1013904223u;
      word += (state >> 16) % 3 ? 'a' : 'b';
    }
    ASSERT_EQ(tokenizer.Encode(word), NaiveBpe(tokenizer, merges, word)) << word;
  }
}

TEST(ClipTokenizerBpe, LongWordsAndNestedEntitiesTakeLinearWork) {
  ClipTokenizer tokenizer = ClipTokenizer::FromMerges("a a\naa aa\n", 2).value();
  // 2^20 letters, the last one "a</w>" (no merge takes it): 2^20 - 1 "a" pair into 2^19 - 1
  // "aa" and an "a", those into 2^18 - 1 "aaaa" and an "aa". CLIP's loop would take minutes.
  const std::vector<int32_t> ids = tokenizer.Encode(std::string(1 << 20, 'a'));
  EXPECT_EQ(ids.size(), (size_t(1) << 18) + 2);
  // Entities nested 100000 deep: cleaning stops after a bounded number of rounds, and a row
  // stops encoding once it is full.
  std::vector<int32_t> row(77);
  const std::string nested = "&" + [] {
    std::string s;
    for (int i = 0; i < 100000; ++i) s += "amp;";
    return s;
  }();
  EXPECT_EQ(tokenizer.EncodePadded(nested, 77, 0, row.data(), nullptr), 77u);
  EXPECT_EQ(row.back(), tokenizer.end_id());
}

}  // namespace
}  // namespace clipscope
