"""Expected token ids for the C++ CLIP tokenizer tests.

Usage: clip_tokenizer_reference.py OUT_DIR   (npm test runs it; Debian python3-regex)

The tokenizer here is openai/CLIP's simple_tokenizer.py (MIT, models/clip-bpe/LICENSE-CLIP.txt)
with Python's own unicodedata, html and the `regex` module. ftfy.fix_text is replaced by the
steps of it that clipscope implements (ftfy 6 semantics): HTML entities, C1 controls as
Windows-1252, Latin ligatures, full/half-width forms, curly quotes, line breaks, terminal
escapes, control characters, NFC. Mojibake repair is out of scope.

The script first checks that it reproduces every id of tests/fixtures/clip-tokenizer-cases.json
(made by the original tokenizer with ftfy), then writes cases.json for many more strings.
"""
import gzip
import html
import html.entities
import json
import os
import random
import re
import sys
import unicodedata

import regex

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
VOCAB = os.path.join(ROOT, "models", "clip-bpe", "bpe_simple_vocab_16e6.txt.gz")
PUBLIC_CASES = os.path.join(ROOT, "tests", "fixtures", "clip-tokenizer-cases.json")

# --- the ftfy.fix_text steps in scope --------------------------------------------------------

HTML_ENTITY_RE = re.compile(r"&#?[0-9A-Za-z]{1,24};")
ANSI_RE = re.compile("\033\\[((?:\\d|;)*)([a-zA-Z])")
SINGLE_QUOTE_RE = re.compile("[\u02bc\u2018-\u201b]")
DOUBLE_QUOTE_RE = re.compile("[\u201c-\u201f]")
C1_RE = re.compile("[\x80-\x9f]")
LIGATURES = {
    ord("Ĳ"): "IJ", ord("ĳ"): "ij", ord("ŉ"): "ʼn", ord("Ǳ"): "DZ", ord("ǲ"): "Dz",
    ord("ǳ"): "dz", ord("Ǆ"): "DŽ", ord("ǅ"): "Dž", ord("ǆ"): "dž", ord("Ǉ"): "LJ",
    ord("ǈ"): "Lj", ord("ǉ"): "lj", ord("Ǌ"): "NJ", ord("ǋ"): "Nj", ord("ǌ"): "nj",
    ord("ﬀ"): "ff", ord("ﬁ"): "fi", ord("ﬂ"): "fl", ord("ﬃ"): "ffi", ord("ﬄ"): "ffl",
    ord("ﬅ"): "ſt", ord("ﬆ"): "st",
}
CONTROL_CHARS = dict.fromkeys(
    list(range(0x00, 0x09)) + [0x0B] + list(range(0x0E, 0x20)) + [0x7F]
    + list(range(0x206A, 0x2070)) + [0xFEFF] + list(range(0xFFF9, 0xFFFD)))
WIDTH_MAP = {0x3000: " "}
for _cp in range(0xFF01, 0xFFF0):
    _alt = unicodedata.normalize("NFKC", chr(_cp))
    if _alt != chr(_cp):
        WIDTH_MAP[_cp] = _alt


def _entity_table():
    entities = {}
    for name, char in html.entities.html5.items():
        if name.endswith(";"):
            entities["&" + name] = char
            if name == name.lower():
                upper = "&" + name.upper()
                if html.unescape(upper) == upper:
                    entities[upper] = char.upper()
    return entities


HTML_ENTITIES = _entity_table()


def _unescape_entity(match):
    text = match.group(0)
    if text in HTML_ENTITIES:
        return HTML_ENTITIES[text]
    if text.startswith("&#"):
        unescaped = html.unescape(text)
        return text if ";" in unescaped else unescaped
    return text


def _sloppy_cp1252(match):
    byte = match.group(0).encode("latin-1")
    try:
        return byte.decode("cp1252")
    except UnicodeDecodeError:
        return match.group(0)


def _fix_segment(text, unescape_html):
    while True:
        original = text
        if unescape_html:
            text = HTML_ENTITY_RE.sub(_unescape_entity, text)
        text = C1_RE.sub(_sloppy_cp1252, text)
        text = text.translate(LIGATURES)
        text = text.translate(WIDTH_MAP)
        text = DOUBLE_QUOTE_RE.sub('"', SINGLE_QUOTE_RE.sub("'", text))
        text = (text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
                .replace("\u2029", "\n").replace("\u0085", "\n"))
        text = ANSI_RE.sub("", text)
        text = text.translate(CONTROL_CHARS)
        text = unicodedata.normalize("NFC", text)
        if text == original:
            return text


def fix_text(text):
    # ftfy works line by line and stops unescaping HTML from the first line holding a '<'.
    out, pos, unescape_html = [], 0, True
    while pos < len(text):
        end = text.find("\n", pos) + 1 or len(text)
        segment = text[pos:end]
        if "<" in segment:
            unescape_html = False
        out.append(_fix_segment(segment, unescape_html))
        pos = end
    return "".join(out)


# --- openai/CLIP simple_tokenizer.py ----------------------------------------------------------

def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(2 ** 8):
        if b not in bs:
            bs.append(b)
            cs.append(2 ** 8 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def get_pairs(word):
    return {(a, b) for a, b in zip(word, word[1:])}


class SimpleTokenizer:
    def __init__(self, bpe_path=VOCAB):
        self.byte_encoder = bytes_to_unicode()
        merges = gzip.open(bpe_path).read().decode("utf-8").split("\n")
        merges = [tuple(m.split()) for m in merges[1:49152 - 256 - 2 + 1]]
        vocab = list(self.byte_encoder.values())
        vocab = vocab + [v + "</w>" for v in vocab]
        vocab.extend("".join(m) for m in merges)
        vocab.extend(["<|startoftext|>", "<|endoftext|>"])
        self.encoder = dict(zip(vocab, range(len(vocab))))
        self.bpe_ranks = dict(zip(merges, range(len(merges))))
        self.cache = {"<|startoftext|>": "<|startoftext|>", "<|endoftext|>": "<|endoftext|>"}
        self.pat = regex.compile(
            r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
            regex.IGNORECASE)

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        pairs = get_pairs(word)
        if not pairs:
            return token + "</w>"
        while True:
            bigram = min(pairs, key=lambda pair: self.bpe_ranks.get(pair, float("inf")))
            if bigram not in self.bpe_ranks:
                break
            first, second = bigram
            new_word = []
            i = 0
            while i < len(word):
                try:
                    j = word.index(first, i)
                    new_word.extend(word[i:j])
                    i = j
                except ValueError:
                    new_word.extend(word[i:])
                    break
                if word[i] == first and i < len(word) - 1 and word[i + 1] == second:
                    new_word.append(first + second)
                    i += 2
                else:
                    new_word.append(word[i])
                    i += 1
            word = tuple(new_word)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        word = " ".join(word)
        self.cache[token] = word
        return word

    def encode(self, text):
        text = html.unescape(html.unescape(fix_text(text))).strip()
        text = re.sub(r"\s+", " ", text).strip().lower()
        ids = []
        for token in regex.findall(self.pat, text):
            token = "".join(self.byte_encoder[b] for b in token.encode("utf-8"))
            ids.extend(self.encoder[t] for t in self.bpe(token).split(" "))
        return ids


START, END, CONTEXT = 49406, 49407, 77


def case(tokenizer, text):
    ids = [START] + tokenizer.encode(text) + [END]
    truncated = ids[:CONTEXT]
    truncated[-1] = END
    return {"text": text, "ids": ids, "ids_truncated_77": truncated}


# --- strings of every kind --------------------------------------------------------------------

CURATED = [
    "", "a", "A", "  leading and trailing  ", "\t\n\r\u3000\u00a0\u2003 ", "ǅungla ǈubljana ǋegoš",
    "Don’t “quote” me ‘on’ that", "ﬁsh ﬂour ﬀ ﬃ ﬄ ﬅ ﬆ Ĳssel", "ＦＵＬＬ　ｗｉｄｔｈ　１２３！？",
    "ｶﾀｶﾅ ﾊﾝｶｸ", "e\u0301 a\u0308 o\u0302 n\u0303 combining", "Å\u030a double ring",
    "ΟΔΥΣΣΕΥΣ σοφός ΣΟΦΟΣ", "İstanbul ISTANBUL ıi", "ǅ ǲ ß ẞ ﬀ", "Ⅻ roman ⅻ numerals ①②③",
    "١٢٣ arabic digits ٤٥٦", "३४५ devanagari", "½ ¾ ² ³ ⁴ superscripts", "mañana über naïve façade",
    "Привет, мир! Как дела?", "مرحبا بالعالم", "שלום עולם", "नमस्ते दुनिया", "こんにちは世界、カタカナ！",
    "안녕하세요 세계", "你好，世界！中文標點。", "ภาษาไทย", "ქართული", "Հայերեն", "ᚠᛇᚻ runes",
    "😀😃😄 grinning", "👩‍👩‍👧‍👦 family zwj", "🏳️‍🌈 flag", "#️⃣ keycap 1️⃣", "👍🏻👍🏿", "I ❤ NY ♥ ☺",
    "&lt;b&gt;bold&lt;/b&gt;", "&amp;amp;amp;", "&copy 2024 &reg; &trade;", "&NTILDE; &Eacute; &eacute;",
    "&#128512; &#x1F600; &#0; &#x80; &#150; &#xD800; &#1114112;", "&notanentity; &am &ampx",
    "<b>&amp;</b> stays", "line1 &amp;\n<tag> &amp;\nline3 &amp;", "&nbsp;&nbsp;spaces&nbsp;",
    "AT&T R&D Q&A", "don't can't won't shouldn't", "I'M YOU'RE WE'LL THEY'D SHE'S",
    "'tis 'twas o'clock rock'n'roll", "it’s curly", "l'été c'est", "`backtick` ´acute´",
    "3.14159 2.71828 1e-10 0x1F", "$100 €50 £20 ¥1000 ₹500", "2024-01-01T12:34:56Z",
    "+1 (555) 123-4567", "user@example.com http://example.com/path?q=1&r=2#frag",
    "C++ C# F# .NET node.js", "snake_case camelCase PascalCase kebab-case", "#hashtag @mention",
    "!!!??? ... --- *** ///", "(parentheses) [brackets] {braces} <angles>", "«guillemets» „low“ ‹single›",
    "em—dash en–dash hyphen-minus", "…ellipsis", "tab\there", "nul\x00char bell\x07 esc\x1b[31mred\x1b[0m",
    "zero\u200bwidth\u200cnon\u200djoiner", "bom\ufeffinside", "soft\u00adhyphen", "\x85next line\u2028ls\u2029ps",
    "c1 \x80\x91\x92\x93\x94\x9f controls", "<|startoftext|>", "<|endoftext|>", "<|ENDOFTEXT|>",
    "a<|endoftext|>b", "x" * 300, "word " * 100, "ab" * 200, "1" * 90, "🙂" * 80,
    "The quick brown fox jumps over the lazy dog.", "a photo of a dog", "a blurry photo of a red car",
    "an oil painting of a sunset over mountains", "black and white photo of New York City, 1950s",
    "ĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ",
    "ǍǏǑǓǕǗǙǛǞǠǢǤǦǨǪǬǮǴǶǷǸǺǼǾȀȂȄȆȈȊȌȎȐȒȔȖȘȚȜȞȠȢȤȦȨȪȬȮȰȲȺȻȽȾɁɃɄɅɆɈɊɌɎ",
    "ΆΈΉΊΌΎΏΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΪΫ", "ЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
    "ԱԲԳԴԵԶԷԸԹԺԻԼԽԾԿՀՁՂՃՄՅՆՇՈՉՊՋՌՍՎՏՐՑՒՓՔՕՖ", "ႠႡႢႣႤႥႦႧ Ᏸ ᏸ Ⓐ ⓐ 𐐀 𐐨 𞤀",
    "Ａｂｃ　ＸＹＺ", "ﬀ\u0301", "ᄀ\u1161\u11a8 hangul jamo", "가\u11a8 lv+t", "Å Å Ω Ω",
    "ḱṷḓ ẛ\u0323 ỏ\u031b q\u0307\u0323", "\u0958\u0959 exclusions", "क़ ख़", "ﬠ ﬡ hebrew wide",
]

POOLS = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789", " \t\n", ".,;:!?'\"-()[]{}<>/\\@#$%^&*_+=~`|",
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýþÿÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝÞßœŒ",
    "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔΕΖΗΘΣΩς", "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГДЁЖ",
    "一二三四五六七八九十人大小中国日本語猫犬鳥", "ぁあいうえおかきくけこアイウエオカキクケコー",
    "\u0300\u0301\u0302\u0303\u0308\u030a\u0327\u0323", "😀🐱🐶❤️👍🏽🇺🇸✨🔥", "ＡＢＣａｂｃ０１２！？　",
    "‘’“”ʼ", "ﬁﬂﬀĳ", "&;#x0123456789amp lt gt quot", "'s't're've'm'll'd",
]


def random_strings(count, seed=20261126):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        pools = rng.sample(POOLS, rng.randint(1, 4))
        length = rng.randint(1, 60)
        out.append("".join(rng.choice(rng.choice(pools)) for _ in range(length)))
    return out


def write_lines(path, cases):
    """One case per line for the C++ tests: hex of the UTF-8 text, ids, truncated ids."""
    with open(path, "w", encoding="ascii") as f:
        for c in cases:
            f.write("%s\t%s\t%s\n" % (c["text"].encode("utf-8").hex(), " ".join(map(str, c["ids"])),
                                       " ".join(map(str, c["ids_truncated_77"]))))


def main():
    out_dir = sys.argv[1]
    tokenizer = SimpleTokenizer()
    public = json.load(open(PUBLIC_CASES, encoding="utf-8"))
    for expected in public:
        got = case(tokenizer, expected["text"])
        if got["ids"] != expected["ids"] or got["ids_truncated_77"] != expected["ids_truncated_77"]:
            sys.exit(f"reference tokenizer disagrees with the original on {expected['text']!r}")
    cases = [case(tokenizer, text) for text in CURATED + random_strings(2000)]
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "cases.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False)
    write_lines(os.path.join(out_dir, "public_cases.txt"), public)
    write_lines(os.path.join(out_dir, "cases.txt"), cases)
    # The native tests read the vocabulary uncompressed.
    with open(os.path.join(out_dir, "bpe_simple_vocab_16e6.txt"), "wb") as f:
        f.write(gzip.open(VOCAB).read())
    print(f"tokenizer reference: {len(public)} public cases reproduced, {len(cases)} cases written")


if __name__ == "__main__":
    main()
