"""Turn the raw bytes of a web page into text, whatever the server or the page claims.

Chinese sites routinely lie about their encoding: a header or ``<meta>`` saying gb2312 on a page that was
re-saved as UTF-8, Big5 pages with no declaration at all, GB18030 characters outside GB2312 on pages declared
gb2312. The order of evidence here is:

1. a byte-order mark (never wrong);
2. strict UTF-8 validity — legacy CJK bytes of any length are practically never valid UTF-8, so a page that
   decodes cleanly as UTF-8 is UTF-8 whatever it declares;
3. the declared charsets (HTTP header, then ``<meta>``/XML declaration, found with w3lib) together with the usual
   suspects GB18030 and Big5-HKSCS; every candidate that decodes without error is scored with charset-normalizer's
   "mess" measure on the page's visible text and the least garbled one wins (Big5 bytes also decode "cleanly" as
   GBK, but into nonsense that the measure sees at once); ties go to the declared charset;
4. when nothing decodes cleanly, the candidate with the fewest undecodable bytes, with U+FFFD in their place.

Legacy labels are widened to their supersets (gb2312/gbk → gb18030, big5 → big5hkscs) as browsers do.
"""

from __future__ import annotations

import codecs
import logging
import re

from charset_normalizer.md import mess_ratio
from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, resolve_encoding

log = logging.getLogger(__name__)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_FALLBACKS = ("gb18030", "big5hkscs")
_TAG_RE = re.compile(rb"<script\b.*?</script>|<style\b.*?</style>|<[^>]*>", re.S | re.I)
_SCORE_BYTES = 64_000


def _canonical(label: str | None) -> str | None:
    """A Python codec name for a charset label (browser aliases applied), or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    name = resolve_encoding(label)
    if name is None:
        try:
            name = codecs.lookup(label).name
        except LookupError:
            return None
    # w3lib maps windows-1252-ish labels to cp1252 and gb2312/gbk to gb18030; widen Big5 as browsers do.
    if name in {"big5", "cp950"}:
        name = "big5hkscs"
    return name


def _declared_header_charset(declared: str | bytes | None) -> str | None:
    """Accept either a bare charset ('gbk') or a whole Content-Type header value (str, or bytes as Scrapy has)."""
    if not declared:
        return None
    if isinstance(declared, (bytes, bytearray)):
        declared = bytes(declared).decode("latin-1")
    if "=" in declared or ";" in declared:
        return _canonical(http_content_type_encoding(declared))
    return _canonical(declared)


def _visible_sample(body: bytes) -> bytes:
    """The page's text bytes with markup removed, so that scoring looks at prose rather than ASCII tags."""
    return _TAG_RE.sub(b" ", body[: _SCORE_BYTES * 4])[:_SCORE_BYTES]


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def detect_encoding(body: bytes, declared_charset: str | bytes | None = None) -> str:
    """Return the codec name :func:`decode_html` would use for ``body``."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    if _strict(body, "utf-8") is not None:
        return "utf-8"

    candidates: list[str] = []
    for name in (
        _declared_header_charset(declared_charset),
        _canonical(html_body_declared_encoding(body[:8192])),
        *_FALLBACKS,
    ):
        if name and name not in candidates and name not in {"utf-8", "utf-16", "utf-32"}:
            candidates.append(name)

    sample = _visible_sample(body)
    clean: list[tuple[float, int, str]] = []
    for order, name in enumerate(candidates):
        if _strict(body, name) is None:
            continue
        text = sample.decode(name, errors="replace")
        clean.append((mess_ratio(text, maximum_threshold=1.0), order, name))
    if clean:
        return min(clean)[2]

    def damage(name: str) -> int:
        return body.decode(name, errors="replace").count("\ufffd")

    return min(["utf-8", *candidates], key=lambda name: (damage(name), name != "utf-8"))


def declared_encoding(body: bytes, declared_charset: str | bytes | None = None) -> str | None:
    """The codec the transport (header) or else the page itself (``<meta>``, XML declaration) claims, if any."""
    return _declared_header_charset(declared_charset) or _canonical(html_body_declared_encoding(bytes(body[:8192])))


def decode_report(body: bytes, declared_charset: str | bytes | None = None) -> tuple[str, str | None, str | None]:
    """``(text, codec used, codec declared)``: :func:`decode_html` plus what was claimed, so callers can count
    pages whose declaration is wrong. The codec used is None for an empty body."""
    if not body:
        return "", None, None
    if isinstance(body, str):
        return body, None, None
    body = bytes(body)
    used = detect_encoding(body, declared_charset)
    declared = declared_encoding(body, declared_charset)
    if declared and (body.isascii() or declared[:6] == used[:6] == "utf-16" or declared[:6] == used[:6] == "utf-32"):
        declared = used  # ASCII reads the same in every CJK codec; a BOM settles the byte order
    return _decode(body, used, declared_charset), used, declared


def _decode(body: bytes, encoding: str, declared_charset) -> str:
    for bom, name in _BOMS:
        if name == encoding and body.startswith(bom):
            body = body[len(bom):]
            break
    log.debug("decoding %d bytes as %s (declared %r)", len(body), encoding, declared_charset)
    return body.decode(encoding, errors="replace")


def decode_html(body: bytes, declared_charset: str | bytes | None = None) -> str:
    """Decode a page's raw bytes to text; never raises for any bytes.

    ``declared_charset`` is what the transport claimed: a bare label ("gb2312") or a Content-Type header value,
    as str or bytes (``response.headers.get("Content-Type")`` in Scrapy).
    A leading BOM is stripped from the result.
    """
    if isinstance(body, str):
        return body
    if not body:
        return ""
    body = bytes(body)
    return _decode(body, detect_encoding(body, declared_charset), declared_charset)
