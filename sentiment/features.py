"""Features of the trained sentiment model: character n-grams plus negation-scoped words.

The same function serves training (through scikit-learn's vectorizer) and inference (a plain dict lookup in
:mod:`sentiment.model`), so the two can never drift apart.

Negation: a negator (不, 没有, 并非 …) flips the polarity of the words that follow it up to the next punctuation
mark or three words on, whichever comes first; the flipped words become separate features (``¬满意``). Words
that jieba keeps whole but start with a negator (不满意, 没意思) are split first, so 不满意 gives ``¬满意``. Two
negators cancel out: 不是不好 gives the plain feature ``好``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

CHAR_NGRAMS = (1, 2, 3)
NEGATION_SCOPE = 3
NEGATORS = frozenset(
    "不 没 没有 无 未 别 非 勿 莫 不是 并非 并不 并没有 毫不 毫无 绝不 决不 从不 从未 从没 不太 不够 不怎么 不会 不能 "
    "不要 不用 不再 没法 无法 难以".split()
)
_NEG_PREFIXES = ("不", "没", "未", "无")
# words that start with a negator character but do not negate what follows
_NOT_NEGATING = frozenset(
    "不过 不断 不仅 不但 不管 不论 不久 不少 不同 不如 不禁 不然 不得不 不已 不止 不时 不只 不料 不妨 不免 不由得 "
    "不错 不必 不用说 不要紧 不怕 不外乎 不至于 没事 没关系 无论 无疑 无限 无比 无数 无所谓 未来 未必 未尝 无非 "
    "不知不觉 不约而同 无微不至 不辞辛劳 不忘初心 不负 不辱使命 无私 无畏 无悔 无愧".split()
)
# "不是不好", "没有不满意的": two negators in a row cancel out; for the character n-grams both are dropped, otherwise
# the n-grams 不好 / 不满 would outvote the meaning. 不得不 (have to) and 不仅/不但/不过… are not negations.
_DOUBLE_NEGATION_RE = re.compile(r"(?:不是|并非|并不是|并没有|没有|不会|不能|绝非|无)不(?!得不|仅|但|过|断|管|论|少|同|久|如|然|禁)")
_PUNCT = frozenset("，。！？；：、,.!?;:…~～\n()（）【】[]「」『』\"'“”‘’")


def negation_marked(words: Iterable[str]) -> list[str]:
    """Words with those inside an odd number of negations prefixed by ``¬``."""
    out: list[str] = []
    parity = 0
    left = 0
    for word in words:
        if word in _PUNCT or (len(word) == 1 and not word.isalnum()):
            parity, left = 0, 0
            continue
        rest = None
        if word in NEGATORS:
            parity ^= 1
            left = NEGATION_SCOPE
            continue
        if len(word) >= 2 and word[0] in _NEG_PREFIXES and word not in _NOT_NEGATING:
            # 不满意 → negator + 满意; 不好 → negator + 好
            parity ^= 1
            left = NEGATION_SCOPE
            rest = word[1:]
            if rest in NEGATORS:
                continue
            word = rest
        if left > 0:
            out.append("¬" + word if parity else word)
            left -= 1
            if left == 0:
                parity = 0
        else:
            out.append(word)
    return out


def char_ngrams(text: str) -> list[str]:
    """Character 1..3-grams of ``text`` with spaces removed."""
    text = text.replace(" ", "")
    n = len(text)
    grams = list(text)
    if n >= 2:
        grams += [text[i:i + 2] for i in range(n - 1)]
    if n >= 3:
        grams += [text[i:i + 3] for i in range(n - 2)]
    return grams


def sentiment_features(text: str, words: list[str]) -> list[str]:
    """All features of one text: char n-grams, negation-marked words (``w:``) and word bigrams (``b:``)."""
    feats = char_ngrams(_DOUBLE_NEGATION_RE.sub("", text) if "不" in text else text)
    marked = [w for w in negation_marked(words) if not w.isspace()]
    feats += ["w:" + w for w in marked]
    feats += [f"b:{a}_{b}" for a, b in zip(marked, marked[1:])]
    return feats


def make_feature_function(cut: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """A one-argument analyzer for scikit-learn that segments with ``cut``."""
    def analyzer(text: str) -> list[str]:
        return sentiment_features(text, cut(text))

    return analyzer
