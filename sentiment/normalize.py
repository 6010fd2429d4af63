"""Text normalisation shared by the crawlers (stored form) and the analysers (analysis form).

Two pure functions:

* :func:`normalize_text` — the form stored in ``Post.text``: HTML stripped, entities decoded, zero-width and
  control characters removed, full-width ASCII folded to half-width, pinyin annotations such as ``進(jìn)``
  removed, traditional characters converted to simplified, whitespace collapsed.
* :func:`prepare_for_analysis` — a richer, analysis-side view of one post: Weibo emoticons (``[怒]``) pulled out
  as tokens, URLs, ``@mentions``, repost chains (``//@某人:``) and ``#话题#`` / ``{%#话题#%}`` hashtag markers
  handled, so that segmentation and the sentiment model see prose only.

Traditional→simplified uses the OpenCC ``t2s`` dictionaries shipped with ``opencc-python-reimplemented``,
applied with ``str.translate`` plus a phrase regex (same result as ``OpenCC("t2s")``, checked by a test, but
about two orders of magnitude faster); text without any traditional character skips conversion entirely.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

__all__ = ["PreparedText", "normalize_text", "prepare_for_analysis", "to_simplified"]

# --- HTML -------------------------------------------------------------------------------------------------------
_SCRIPT_STYLE_RE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_TAG_RE = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr|p|div|li|h[1-6]|tr)\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"<[A-Za-z/!][^<>]*>")
_HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)

# --- invisible characters -----------------------------------------------------------------------------------------
# zero-width spaces/joiners, bidi controls, word joiner, BOM, soft hyphen, variation selectors
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad"
_INVISIBLE_TABLE = {ord(c): None for c in _INVISIBLE}
_INVISIBLE_TABLE.update({cp: None for cp in range(0xFE00, 0xFE10)})
_INVISIBLE_TABLE.update({cp: None for cp in range(0x00, 0x20) if cp not in (0x09, 0x0A, 0x0D)})
_INVISIBLE_TABLE.update({cp: None for cp in range(0x7F, 0xA0)})
_INVISIBLE_TABLE[0x3000] = " "  # ideographic space
_INVISIBLE_TABLE[0x00A0] = " "  # no-break space
# lone surrogates (from broken JSON escapes or bad decoding) cannot be encoded, which would make the segmenter and
# the storage fail on the whole post: they become U+FFFD, as undecodable bytes do
_INVISIBLE_TABLE.update({cp: "\ufffd" for cp in range(0xD800, 0xE000)})
# Full-width ASCII letters, digits and symbols become half-width. The full-width forms that are ordinary Chinese
# punctuation (，！？：；（）) stay as they are: they are the correct form in Chinese prose.
_KEEP_FULLWIDTH = set("，！？：；（）")
for _cp in range(0xFF01, 0xFF5F):
    if chr(_cp) not in _KEEP_FULLWIDTH:
        _INVISIBLE_TABLE[_cp] = chr(_cp - 0xFEE0)
_CLEAN_TABLE = _INVISIBLE_TABLE


def _char_class(codepoints) -> re.Pattern[str]:
    """A regex matching any one of ``codepoints`` (as a character class of ranges)."""
    cps = sorted(codepoints)
    parts = []
    start = prev = cps[0]
    for cp in cps[1:] + [-1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(re.escape(chr(start)) if start == prev else f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
        start = prev = cp
    return re.compile("[" + "".join(parts) + "]")


# str.translate with a dict is slow; most posts contain none of these characters and skip it (a regex of 16
# ranges finds out about 4x faster than a set test over the text's characters)
_NEEDS_CLEANING_RE = _char_class(_CLEAN_TABLE)

# --- pinyin annotations: 進(jìn), 时（shí）----------------------------------------------------------------------
_TONE_CHARS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_RE = re.compile(
    r"(?<=[\u3400-\u9fff])[(（]\s*([a-zü" + _TONE_CHARS + r"]{1,6}(?:\s[a-zü" + _TONE_CHARS + r"]{1,6}){0,3})\s*[)）]"
)
_SYLLABLE_RE = re.compile(r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:[aeiouv]{1,3})(?:ng|n|r)?$")
_TONE_STRIP = str.maketrans(
    {**{c: b for b, cs in {"a": "āáǎà", "e": "ēéěè", "i": "īíǐì", "o": "ōóǒò", "u": "ūúǔù", "v": "ǖǘǚǜü"}.items()
        for c in cs}, "ń": "n", "ň": "n", "ǹ": "n", "ḿ": "m"}
)

# --- whitespace ---------------------------------------------------------------------------------------------------
_SPACES_RE = re.compile(r"[ \t\r\f\v]+")


def _collapse_spaces(text: str) -> str:
    """``_SPACES_RE.sub(" ", text)``, skipped when there is nothing to collapse (most posts)."""
    if "  " in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        return _SPACES_RE.sub(" ", text)
    return text
_NEWLINES_RE = re.compile(r" ?\n[\s]*")

# --- analysis-side patterns ---------------------------------------------------------------------------------------
_URL_RE = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.IGNORECASE)
_WEIBO_LINK_NOISE_RE = re.compile(r"\s?[OＯ]?网页链接|\s?L[^\s]{1,20}的微博视频|\[组图共\d+张\]|原图")
_SUPERTOPIC_RE = re.compile(r"\{%#([^#{}%]{1,80})#%\}")
_HASHTAG_RE = re.compile(r"#([^#\n]{1,80}?)#")
_REPOST_CHAIN_RE = re.compile(r"(?://\s?|^回复\s?)@([^\s:：]{1,30})\s?[:：]")
_MENTION_RE = re.compile(r"@[\w\u3400-\u9fff\-·]{1,30}")
_EMOTICON_RE = re.compile(r"\[([\u3400-\u9fffA-Za-z0-9_ ]{1,10})\]")
# emoji (pictographs, dingbats, symbols, flags); they carry little for the model and break nothing when dropped
_EMOJI_RE = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U0001F1E6-\U0001F1FF\U00002B00-\U00002BFF\u2190-\u21FF\u2300-\u23FF]"
)


@functools.lru_cache(maxsize=1)
def _t2s_tables() -> tuple[dict[int, str], re.Pattern[str] | None, dict[str, str], frozenset[str]]:
    """Load OpenCC's t2s dictionaries once: a char table, a phrase regex and the set of traditional chars."""
    base = resources.files("opencc") / "dictionary"
    chars: dict[int, str] = {}
    for line in (base / "TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("\t")
        if key and value and len(key) == 1:
            chars[ord(key)] = value.split(" ")[0]
    phrases: dict[str, str] = {}
    for line in (base / "TSPhrases.txt").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition("\t")
        if key and value:
            phrases[key] = value.split(" ")[0]
    ordered = sorted(phrases, key=len, reverse=True)
    phrase_re = re.compile("|".join(map(re.escape, ordered))) if ordered else None
    # characters whose presence means conversion may change something: those the char table changes, and in
    # phrases (反覆 → 反复) the characters that the phrase changes
    trad = {chr(cp) for cp, v in chars.items() if v != chr(cp)}
    changed = frozenset(trad)
    for key, value in phrases.items():
        if any(c in changed for c in key):
            continue  # that character triggers the conversion already
        if len(key) == len(value):
            trad.update(k for k, v in zip(key, value) if k != v)
        else:
            trad.update(key)
    return chars, phrase_re, phrases, frozenset(trad)


_ASTRAL_RE = re.compile("[\U00010000-\U0010FFFF]")


@functools.lru_cache(maxsize=1)
def _traditional_finder() -> tuple[re.Pattern[str], frozenset[str]]:
    """A regex for the traditional characters of the Basic Multilingual Plane, and the set of the others.

    Over the BMP, ``re`` compiles the class to a bitmap and scans a post about 7x faster than a set test (which
    makes a string object per character); a class with characters beyond the BMP would be a list of ranges,
    tried one by one (a hundred times slower), so those few hundred (CJK extension B …) are tested as a set on
    the text's astral characters only."""
    trad = _t2s_tables()[3]
    return _char_class(ord(c) for c in trad if c <= "\uffff"), frozenset(c for c in trad if c > "\uffff")


def _has_traditional(text: str) -> bool:
    """``not trad.isdisjoint(text)`` for the set of characters conversion may change."""
    bmp_re, astral = _traditional_finder()
    if bmp_re.search(text) is not None:
        return True
    return _ASTRAL_RE.search(text) is not None and not astral.isdisjoint(_ASTRAL_RE.findall(text))


def to_simplified(text: str) -> str:
    """Convert traditional Chinese to simplified with OpenCC's t2s dictionaries (phrases first, then characters)."""
    if not text:
        return text
    chars, phrase_re, phrases, _ = _t2s_tables()
    if not _has_traditional(text):
        return text
    if phrase_re is None:
        return text.translate(chars)
    # Phrases are matched leftmost-longest, the characters between them are converted one by one.
    out: list[str] = []
    pos = 0
    for m in phrase_re.finditer(text):
        out.append(text[pos:m.start()].translate(chars))
        out.append(phrases[m.group(0)])
        pos = m.end()
    out.append(text[pos:].translate(chars))
    return "".join(out)


def _strip_html(text: str) -> str:
    if "<" in text:
        text = _HTML_COMMENT_RE.sub(" ", text)
        text = _SCRIPT_STYLE_RE.sub(" ", text)
        text = _BLOCK_TAG_RE.sub("\n", text)
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def _drop_pinyin(match: re.Match[str]) -> str:
    # Only well-formed pinyin syllables go: "微信(wechat)" or "App(app)" stay.
    syllables = match.group(1).translate(_TONE_STRIP).split()
    if all(_SYLLABLE_RE.match(s) for s in syllables):
        return ""
    return match.group(0)


def normalize_text(text: str | None) -> str:
    """Return the clean, simplified form of a scraped text (the form stored and shown).

    Pure and total: ``None`` and empty input give ``""``; emoji are kept (they are content); any size works.
    """
    if not text:
        return ""
    text = _strip_html(text)
    if _NEEDS_CLEANING_RE.search(text) is not None:
        text = text.translate(_CLEAN_TABLE)
    # decomposed accents would hide tone marks from the pinyin pattern; NFC keeps CJK untouched
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if "(" in text or "（" in text:
            text = _PINYIN_RE.sub(_drop_pinyin, text)
        text = to_simplified(text)
    text = _collapse_spaces(text)
    if "\n" in text:
        text = _NEWLINES_RE.sub("\n", text)
    return text.strip()


@dataclass(frozen=True, slots=True)
class PreparedText:
    """The analysis-side view of one post."""

    text: str
    """Prose only: no URLs, mentions, emoticons, emoji or hashtag markers (hashtag words are kept in place)."""
    emoticons: tuple[str, ...] = ()
    """Weibo emoticon names in order of appearance, e.g. ``("怒", "泪")`` for ``[怒][泪]``."""
    hashtags: tuple[str, ...] = ()
    """Hashtag topics (``#话题#`` and ``{%#话题#%}``), normalised, in order of appearance, deduplicated."""
    mentions: tuple[str, ...] = ()
    """Mentioned account names without the ``@``."""
    url_count: int = 0

    @property
    def emoticon_tokens(self) -> tuple[str, ...]:
        """Emoticons as single tokens (``emo_怒``), so that a segmenter never splits them into characters."""
        return tuple(f"emo_{e}" for e in self.emoticons)

    @property
    def model_text(self) -> str:
        """Prose followed by the emoticon tokens: the text for models that know about emoticons."""
        if not self.emoticons:
            return self.text
        return f"{self.text} {' '.join(self.emoticon_tokens)}".strip()


def prepare_for_analysis(text: str | None, *, already_normalized: bool = False) -> PreparedText:
    """Split a post into prose and its Weibo markup (emoticons, hashtags, mentions, URLs)."""
    if not already_normalized:
        text = normalize_text(text)
    if not text:
        return PreparedText("")
    url_count = 0
    if "http" in text or "www." in text:
        text, url_count = _URL_RE.subn(" ", text)
    if "链接" in text or "微博视频" in text or "组图" in text or "原图" in text:
        text = _WEIBO_LINK_NOISE_RE.sub(" ", text)
    hashtags: list[str] = []
    if "#" in text:
        if "{%" in text:
            text = _SUPERTOPIC_RE.sub(lambda m: f"#{m.group(1)}#", text)

        def _tag(m: re.Match[str]) -> str:
            topic = m.group(1).strip()
            if topic and topic not in hashtags:
                hashtags.append(topic)
            return f" {topic} "

        text = _HASHTAG_RE.sub(_tag, text)
    mentions: list[str] = []
    if "@" in text:

        def _chain(m: re.Match[str]) -> str:
            mentions.append(m.group(1))
            return " "

        def _mention(m: re.Match[str]) -> str:
            mentions.append(m.group(0)[1:])
            return " "

        text = _REPOST_CHAIN_RE.sub(_chain, text)
        text = _MENTION_RE.sub(_mention, text)
    emoticons: list[str] = []
    if "[" in text:
        def _emo(m: re.Match[str]) -> str:
            emoticons.append(m.group(1).strip())
            return " "

        text = _EMOTICON_RE.sub(_emo, text)
    if not text.isascii():
        text = _EMOJI_RE.sub(" ", text)
    text = _collapse_spaces(text).strip()
    return PreparedText(text, tuple(emoticons), tuple(hashtags), tuple(mentions), url_count)
