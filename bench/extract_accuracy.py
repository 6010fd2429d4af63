"""Accuracy and speed of the generic article extractor on saved real pages, beside trafilatura and htmldate.

Usage::

    .venv/bin/python bench/extract_accuracy.py [--pages ../shared/data/pages/dev] [--repeat 3] [--failures]

The pages are split in two (``bench/data/extract_split.json``: a fixed hash rule): *calibration* pages, on which
rules and variants may be chosen, and *held-back* pages, which are only measured. Both are printed, so a tuning
gain on one and a loss on the other both show. Per-page failures are printed for the calibration pages only
(``--failures`` shows the held-back ones too, for diagnosis, not for tuning).

``truth.json`` in the pages folder maps file name → {title, publish_time (ISO 8601 to the minute, or a bare date,
or null), author, source, body_head, body_tail, body_chars}. Scoring:

* title: equal after Unicode NFKC and removing whitespace;
* publish time: equal to the minute (a bare-date truth compares the date only; a null truth expects null), and
  separately equal to the day (htmldate's precision);
* body: ``body_head`` and ``body_tail`` both contained in the extracted text, whitespace-insensitive; the median
  ratio of extracted to true body length is printed as a precision hint (1.0 is ideal, above 1 means extra text);
* author, source: equal after NFKC and whitespace removal, null expects null.

Measured in the same run: trafilatura (``bare_extraction`` with metadata; its date is htmldate's) and htmldate on
its own (``find_date`` with ``extensive_search`` and ``original_date``), and our extractor without its htmldate
fallback, which is how the fallback was chosen (see docs/extraction.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
import unicodedata
from datetime import date, datetime
from pathlib import Path

from crawlers.encoding import decode_html
from crawlers.extract import article as article_module
from crawlers.extract import extract_article
from crawlers.extract.stamps import CHINA_TZ

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PAGES = ROOT.parent / "shared" / "data" / "pages" / "dev"
SPLIT_FILE = ROOT / "bench" / "data" / "extract_split.json"
FIELDS = ("title", "published_at", "published_day", "body", "author", "source")


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    return "".join(unicodedata.normalize("NFKC", text).split())


def _time_ok(truth: str | None, got: datetime | None, day_only: bool = False) -> bool:
    if truth is None:
        return got is None
    if got is None:
        return False
    local = got.astimezone(CHINA_TZ) if got.tzinfo else got.replace(tzinfo=CHINA_TZ)
    if "T" not in truth or day_only:
        return local.date() == date.fromisoformat(truth[:10])
    want = datetime.fromisoformat(truth)
    return local.replace(second=0, microsecond=0) == want.astimezone(CHINA_TZ)


def score_page(truth: dict, result: dict) -> dict[str, bool | None]:
    """Per field: True/False, or None where this extractor does not produce the field."""
    body = _norm(result.get("text"))
    scored: dict[str, bool | None] = {
        "published_at": _time_ok(truth.get("publish_time"), result["published_at"]),
        "published_day": _time_ok(truth.get("publish_time"), result["published_at"], day_only=True),
    }
    if "title" in result:
        scored["title"] = _norm(truth["title"]) == _norm(result["title"])
        scored["body"] = bool(body) and _norm(truth["body_head"]) in body and _norm(truth["body_tail"]) in body
        scored["author"] = _norm(truth.get("author")) == _norm(result["author"])
        scored["source"] = _norm(truth.get("source")) == _norm(result["source"])
    return {field: scored.get(field) for field in FIELDS}


def ours(raw: bytes) -> dict:
    article = extract_article(decode_html(raw))
    return {"title": article.title, "published_at": article.published_at, "text": article.text,
            "author": article.author, "source": article.source}


def ours_without_htmldate(raw: bytes) -> dict:
    """The same extractor with its last-resort htmldate witness switched off (bench only)."""
    saved = article_module.htmldate_stamp
    article_module.htmldate_stamp = lambda *args, **kwargs: None
    try:
        return ours(raw)
    finally:
        article_module.htmldate_stamp = saved


def trafilatura_extractor(raw: bytes) -> dict:
    import trafilatura

    doc = trafilatura.bare_extraction(decode_html(raw), with_metadata=True, favor_recall=True)
    data = doc.as_dict() if doc is not None and hasattr(doc, "as_dict") else (doc or {})
    published = None
    if data.get("date"):
        try:
            published = datetime.fromisoformat(data["date"]).replace(tzinfo=CHINA_TZ)
        except ValueError:
            published = None
    return {"title": data.get("title"), "published_at": published, "text": data.get("text") or "",
            "author": data.get("author"), "source": data.get("sitename")}


def htmldate_extractor(raw: bytes) -> dict:
    from htmldate import find_date

    found = find_date(decode_html(raw), extensive_search=True, original_date=True, outputformat="%Y-%m-%d %H:%M")
    published = datetime.strptime(found, "%Y-%m-%d %H:%M").replace(tzinfo=CHINA_TZ) if found else None
    return {"published_at": published}


def load_split(names: list[str]) -> set[str]:
    """The held-back page names, after checking the recorded list against its rule."""
    split = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    ranked = sorted(names, key=lambda n: hashlib.sha256((split["salt"] + n).encode("utf-8")).hexdigest())
    expected = ranked[: len(names) // 3]
    if sorted(expected) != sorted(split["held_back"]):
        sys.exit(f"{SPLIT_FILE} no longer matches its rule for these pages; refusing to measure")
    return set(split["held_back"])


def run(extractor, pages: list[tuple[str, bytes, dict]], repeat: int) -> tuple[dict[str, dict], float]:
    timings = []
    results: dict[str, dict] = {}
    for _ in range(repeat):
        start = time.perf_counter()
        for page, raw, _truth in pages:
            results[page] = extractor(raw)
        timings.append(time.perf_counter() - start)
    return results, statistics.median(timings)


def figures(results: dict[str, dict], pages: list[tuple[str, bytes, dict]]) -> dict[str, float | None]:
    hits: dict[str, list[bool]] = {field: [] for field in FIELDS}
    ratios = []
    for page, _raw, truth in pages:
        for field, ok in score_page(truth, results[page]).items():
            if ok is not None:
                hits[field].append(ok)
        if truth.get("body_chars") and "text" in results[page]:
            ratios.append(len(_norm(results[page]["text"]) or "") / truth["body_chars"])
    out: dict[str, float | None] = {f: (sum(v) / len(v) if v else None) for f, v in hits.items()}
    out["length_ratio"] = statistics.median(ratios) if ratios else None
    return out


def show_failures(name: str, results: dict[str, dict], pages: list[tuple[str, bytes, dict]]) -> None:
    print(f"\n-- {name}: per-page failures")
    for page, _raw, truth in pages:
        result = results[page]
        failed = [f for f, ok in score_page(truth, result).items() if ok is False and f != "published_day"]
        if not failed:
            continue
        shown = {
            "title": (result.get("title"), truth["title"]),
            "published_at": (result["published_at"] and result["published_at"].isoformat(), truth.get("publish_time")),
            "body": (len(result.get("text") or ""), "head/tail missing"),
            "author": (result.get("author"), truth.get("author")),
            "source": (result.get("source"), truth.get("source")),
        }
        print(f"  {page}: " + "; ".join(f"{f} got {shown[f][0]!r} want {shown[f][1]!r}" for f in failed))


def table(title: str, columns: dict[str, dict[str, float | None]], count: int) -> None:
    print(f"\n== {title}: {count} pages")
    print(f"  {'field':<14}" + "".join(f"{name:>22}" for name in columns))
    for field in (*FIELDS, "length_ratio"):
        cells = []
        for values in columns.values():
            value = values.get(field)
            cells.append(f"{'-':>22}" if value is None else
                         f"{value:>22.2f}" if field == "length_ratio" else f"{100 * value:>21.1f}%")
        print(f"  {field:<14}" + "".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder with *.html and truth.json")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over all pages")
    parser.add_argument("--failures", action="store_true", help="also print the held-back pages' failures")
    args = parser.parse_args()

    truth = json.loads((args.pages / "truth.json").read_text(encoding="utf-8"))
    pages = [(name, (args.pages / name).read_bytes(), truth[name]) for name in sorted(truth)]
    held_back = load_split([name for name, _, _ in pages])
    splits = {"calibration": [p for p in pages if p[0] not in held_back],
              "held-back": [p for p in pages if p[0] in held_back]}

    extractors = {"zhengyu": ours, "zhengyu-no-htmldate": ours_without_htmldate,
                  "trafilatura": trafilatura_extractor, "htmldate": htmldate_extractor}
    runs = {name: run(fn, pages, args.repeat) for name, fn in extractors.items()}
    for split, members in splits.items():
        table(split, {name: figures(results, members) for name, (results, _) in runs.items()}, len(members))
        if split == "calibration" or args.failures:
            show_failures(f"zhengyu, {split}", runs["zhengyu"][0], members)
    table("all dev pages", {name: figures(results, pages) for name, (results, _) in runs.items()}, len(pages))

    print(f"\n== speed over all {len(pages)} pages (median of {args.repeat} passes, decoding included)")
    base = runs["trafilatura"][1]
    for name, (_results, seconds) in runs.items():
        print(f"  {name:<22} {len(pages) / seconds:7.1f} pages/s   {base / seconds:5.2f}× trafilatura")


if __name__ == "__main__":
    main()
