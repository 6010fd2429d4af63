"""Features of the trained sentiment model: hashed character 1..3-grams plus negation-scoped words and word bigrams.

:func:`feature_ids` serves both training (:mod:`sentiment.train` builds the sparse matrix from it) and inference
(:mod:`sentiment.model`), so the two can never drift apart. Features are hashed into fixed buckets (2**21 for
character n-grams and 2**18 for words and word bigrams, computed in numpy): no vocabulary to look up, which is what makes the
per-post analysis fast.

Negation: a negator (不, 没有, 并非 …) flips the polarity of the words that follow it up to the next punctuation
mark or three words on, whichever comes first; the flipped words become separate features (``¬满意``). Words
that jieba keeps whole but start with a negator (不满意, 没意思) are split first, so 不满意 gives ``¬满意``. Two
negators cancel out: 不是不好 gives the plain feature ``好``.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterable
from zlib import crc32

import numpy as np

CHAR_BITS = 21
WORD_BITS = 18
CHAR_BUCKETS = 1 << CHAR_BITS
N_FEATURES = CHAR_BUCKETS + (1 << WORD_BITS)
_FIB = np.uint64(0x9E3779B97F4A7C15)
_CHAR_SHIFT = np.uint64(64 - CHAR_BITS)
_SHIFT21 = np.uint64(21)
_SHIFT42 = np.uint64(42)
_SHIFT32 = np.uint64(32)
_WORD_SHIFT = np.uint64(64 - WORD_BITS)
_WORD_MASK64 = np.uint64((1 << WORD_BITS) - 1)
_CHAR_BUCKETS64 = np.uint64(1 << CHAR_BITS)
_EMPTY = np.zeros(0, dtype=np.int64)
# The same constants as 0-d arrays: a ufunc call with a 0-d array operand costs about 40 % less than with a numpy
# scalar (no scalar-to-array conversion per call), which counts when a post is a dozen calls on short arrays.
_FIB0 = np.array(_FIB)
_SHIFT21_0 = np.array(_SHIFT21)
_SHIFT32_0 = np.array(_SHIFT32)
_CHAR_SHIFT0 = np.array(_CHAR_SHIFT)
_WORD_SHIFT0 = np.array(_WORD_SHIFT)
_WORD_MASK0 = np.array(_WORD_MASK64)
_CHAR_BUCKETS0 = np.array(_CHAR_BUCKETS64)
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
_NEGATION_CHARS = frozenset("".join(NEGATORS) + "".join(_NEG_PREFIXES))
_PUNCT = frozenset("，。！？；：、,.!?;:…~～\n()（）【】[]「」『』\"'“”‘’")


def negation_marked(words: Iterable[str]) -> list[str]:
    """Words with those inside an odd number of negations prefixed by ``¬``."""
    words = list(words)
    if _NEGATION_CHARS.isdisjoint("".join(words)):  # fast path, same result: no negator, only punctuation goes
        return [w for w in words if not (w in _PUNCT or (len(w) == 1 and not w.isalnum()))]
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
    """Character 1..3-grams of ``text`` with spaces removed (the readable form of :func:`char_ngram_ids`)."""
    text = text.replace(" ", "")
    n = len(text)
    grams = list(text)
    if n >= 2:
        grams += [text[i:i + 2] for i in range(n - 1)]
    if n >= 3:
        grams += [text[i:i + 3] for i in range(n - 2)]
    return grams


def sentiment_text(text: str) -> str:
    """The text whose character n-grams are features: spaces and cancelling double negations removed."""
    if "不" in text:
        text = _DOUBLE_NEGATION_RE.sub("", text)
    return text.replace(" ", "")


def char_ngram_ids(text: str) -> np.ndarray:
    """Hashed ids (0 .. 2**CHAR_BITS-1) of the character 1..3-grams of ``text`` (already :func:`sentiment_text`).

    Each n-gram's code points are packed into one exact 64-bit key (21 bits per character), then spread over
    the buckets with Fibonacci hashing: all in numpy, so one text costs a handful of array operations."""
    if not text:
        return _EMPTY
    a = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    keys = [a]
    if len(a) >= 2:
        keys.append((a[:-1] << _SHIFT21) | a[1:])
    if len(a) >= 3:
        keys.append((a[:-2] << _SHIFT42) | (a[1:-1] << _SHIFT21) | a[2:])
    k = np.concatenate(keys) if len(keys) > 1 else a
    return ((k * _FIB) >> _CHAR_SHIFT).view(np.int64)  # < 2**CHAR_BITS: the same values, no copy


def word_feature_ids(words: list[str]) -> np.ndarray:
    """Hashed ids (after the character buckets) of negation-marked words and word bigrams.

    A word's 32-bit key is the CRC-32 of the (negation-marked) word (stable across processes, unlike ``hash()``);
    a bigram's id is the Fibonacci hash of its two keys packed into 64 bits, computed in numpy. The result is
    exactly that of hashing :func:`negation_marked` (whitespace-only words dropped), but each distinct word is
    classified and hashed once per process (:func:`_word_info`), which is what keeps one post fast."""
    keys = _marked_word_keys(words)
    if not keys:
        return _EMPTY
    k = np.array(keys, dtype=np.uint64)
    uni = (k & _WORD_MASK64) + _CHAR_BUCKETS64
    if len(k) < 2:
        return uni.view(np.int64)
    bi = ((((k[:-1] << _SHIFT32) | k[1:]) * _FIB) >> _WORD_SHIFT) + _CHAR_BUCKETS64
    return np.concatenate((uni, bi)).view(np.int64)


_PLAIN, _BREAK, _NEGATOR, _NEG_PREFIXED = 0, 1, 2, 3
_WORD_INFO: dict[str, tuple] = {}
_CODES: dict[str, int] = {}
"""Every memoised word → one int: its key (>= 0) for a plain word, ``_BLANK`` for a whitespace-only word,
``_BREAKS`` for punctuation, ``_NEGATES`` for a negator or a word such as 不满意 (details in ``_WORD_INFO``)."""
_BLANK, _BREAKS, _NEGATES = -1, -2, -3
_WORD_INFO_LIMIT = 200_000
"""Words memoised at most: enough for the vocabulary of a day's posts; a bigger table measured slower (cache
misses), and words beyond it are simply classified again each time."""


def _word_info(word: str) -> tuple:
    """How :func:`negation_marked` treats ``word``, with the keys it would hash to (memoised, bounded).

    ``(_BREAK,)`` punctuation; ``(_NEGATOR,)`` a negator; ``(_PLAIN, key, negated_key)`` an ordinary word (key
    -1: whitespace-only, dropped); ``(_NEG_PREFIXED, info_of_rest | None)`` a word such as 不满意 that negates
    its own rest (None: the rest is a negator itself)."""
    info = _WORD_INFO.get(word)
    if info is not None:
        return info
    if word in _PUNCT or (len(word) == 1 and not word.isalnum()):
        info = (_BREAK,)
    elif word in NEGATORS:
        info = (_NEGATOR,)
    elif len(word) >= 2 and word[0] in _NEG_PREFIXES and word not in _NOT_NEGATING:
        rest = word[1:]
        info = (_NEG_PREFIXED, None if rest in NEGATORS else _plain_info(rest))
    else:
        info = _plain_info(word)
    if len(_WORD_INFO) < _WORD_INFO_LIMIT:
        _WORD_INFO[word] = info
        _CODES[word] = _code(info)
    return info


def _code(info: tuple) -> int:
    kind = info[0]
    if kind == _PLAIN:
        return info[1]  # -1 (_BLANK) for whitespace-only words
    return _BREAKS if kind == _BREAK else _NEGATES


def _plain_info(word: str) -> tuple:
    return (_PLAIN, -1 if word.isspace() else _word_key(word), _word_key("¬" + word))


def _marked_word_keys(words: list[str]) -> list[int]:
    """CRC keys of ``negation_marked(words)`` minus whitespace-only words.

    One dict lookup per word (:data:`_CODES`); only the words from a negator to the end of its scope are looked
    at one by one, the stretches between scopes are taken as they are. The scope rules are those of
    :func:`negation_marked`; outside a scope (``left == 0``) the parity is always 0, so each scope can be
    replayed on its own."""
    try:  # (a KeyError costs less than testing the list for None: that compares every item)
        codes = list(map(_CODES.__getitem__, words))
    except KeyError:  # words not seen yet (or beyond the memo's bound)
        codes = [_code(_word_info(w)) if c is None else c for w, c in zip(words, map(_CODES.get, words))]
    todo = codes.count(_NEGATES)
    if todo:
        info_of = _WORD_INFO.get
        n = len(codes)
        i = codes.index(_NEGATES)
        while True:
            parity = left = 0
            while i < n:
                code = codes[i]
                if code == _NEGATES:
                    todo -= 1
                    info = info_of(words[i]) or _word_info(words[i])
                    parity ^= 1
                    left = NEGATION_SCOPE
                    rest = info[1] if info[0] == _NEG_PREFIXED else None
                    if rest is None:  # a negator, or 不不: nothing of its own
                        codes[i] = _BLANK
                    else:  # 不满意: its rest is the first word in scope (left becomes 2, never 0 here)
                        codes[i] = rest[2] if parity else rest[1]
                        left -= 1
                elif left == 0:
                    break
                elif code == _BREAKS:
                    i += 1
                    break
                else:  # a plain word in scope
                    if parity:
                        codes[i] = (info_of(words[i]) or _word_info(words[i]))[2]
                    left -= 1
                    if left == 0:
                        parity = 0
                i += 1
            if not todo:
                break
            i = codes.index(_NEGATES, i)
    return list(filter(_NON_NEGATIVE, codes))  # drops punctuation, blank words and spent negators


_NON_NEGATIVE = (-1).__lt__


def _word_key(word: str) -> int:
    return crc32(word.encode("utf-8"))


def feature_ids(text: str, words: list[str]) -> np.ndarray:
    """All feature ids of one prepared text and its words (with repeats: counts are term frequencies).

    Exactly ``np.concatenate((char_ngram_ids(sentiment_text(text)), word_feature_ids(words)))``, element for
    element, but written into one buffer with a dozen in-place numpy operations: for a post of a hundred
    characters the per-call overhead of numpy, not the arithmetic, is the cost. The n-gram keys are formed from
    the hashed characters, which gives the same 64-bit products as hashing the packed keys: with ``h = c * FIB``
    (mod 2**64), ``((c0 << 21) | c1) * FIB == (h0 << 21) + h1`` and a trigram's product is ``(bigram's << 21) +
    h2``. Returns a fresh array the caller may sort in place."""
    return _fused_ids(sentiment_text(text), _marked_word_keys(words))


def _fused_ids(chars: str, keys: list[int]) -> np.ndarray:
    n, m = len(chars), len(keys)
    nc = 3 * n - 3 if n >= 3 else (0, 1, 3)[n]
    out = np.empty(nc + (2 * m - 1 if m else 0), dtype=np.uint64)
    if n:
        h = out[:n]
        np.multiply(np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32), _FIB0, out=h)
        if n >= 2:
            bi = out[n:2 * n - 1]
            np.left_shift(h[:-1], _SHIFT21_0, out=bi)
            np.add(bi, h[1:], out=bi)
            if n >= 3:
                tri = out[2 * n - 1:nc]
                np.left_shift(bi[:-1], _SHIFT21_0, out=tri)
                np.add(tri, h[2:], out=tri)
        grams = out[:nc]
        np.right_shift(grams, _CHAR_SHIFT0, out=grams)
    if m:
        k = np.frombuffer(array("Q", keys), dtype=np.uint64)  # uint64 like every operand: no casting loops
        w = out[nc:]
        np.bitwise_and(k, _WORD_MASK0, out=w[:m])
        if m >= 2:
            b = w[m:]
            np.left_shift(k[:-1], _SHIFT32_0, out=b)
            np.bitwise_or(b, k[1:], out=b)
            np.multiply(b, _FIB0, out=b)
            np.right_shift(b, _WORD_SHIFT0, out=b)
        np.add(w, _CHAR_BUCKETS0, out=w)
    return out.view(np.int64)  # every id < 2**22: the same values


def batch_feature_ids(texts: list[str], words: list[list[str]]) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, ids)`` of the features of many texts at once: the same multiset of ids per text as
    :func:`feature_ids`, with the character n-grams of the whole batch hashed in one pass."""
    prepared = [sentiment_text(t).replace("\0", "") for t in texts]
    n = len(prepared)
    lengths = np.fromiter((len(t) + 1 for t in prepared), dtype=np.int64, count=n)
    a = np.frombuffer(("\0".join(prepared) + "\0").encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    row_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    ok = a != 0  # the separators: no n-gram may include one
    ok2 = ok[:-1] & ok[1:]
    ok3 = ok2[:-1] & ok[2:]
    keys = np.concatenate((
        a[ok],
        ((a[:-1] << _SHIFT21) | a[1:])[ok2],
        ((a[:-2] << _SHIFT42) | (a[1:-1] << _SHIFT21) | a[2:])[ok3],
    ))
    rows = [row_of[ok], row_of[:-1][ok2], row_of[:-2][ok3]]
    ids = [((keys * _FIB) >> _CHAR_SHIFT).astype(np.int64)]
    for i, w in enumerate(words):
        word_ids = word_feature_ids(w) if texts[i] else _EMPTY
        if len(word_ids):
            ids.append(word_ids)
            rows.append(np.full(len(word_ids), i, dtype=np.int64))
    return np.concatenate(rows), np.concatenate(ids)
