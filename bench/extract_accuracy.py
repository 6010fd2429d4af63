"""Accuracy and speed of the generic article extractor on saved real pages with ground truth.

Usage::

    .venv/bin/python bench/extract_accuracy.py [--pages ../shared/data/pages/dev] [--repeat 3] [--baseline]

``truth.json`` in the pages folder maps file name → {title, publish_time (ISO 8601 to the minute, or a bare date,
or null), author, source, body_head, body_tail, body_chars}. Scoring:

* title: equal after Unicode NFKC and removing whitespace;
* publish time: equal to the minute (a bare-date truth compares the date only; a null truth expects null);
* body: ``body_head`` and ``body_tail`` both contained in the extracted text, whitespace-insensitive; the median
  ratio of extracted to true body length is printed as a precision hint (1.0 is ideal, above 1 means extra text);
* author, source: equal after NFKC and whitespace removal, null expects null.

``--baseline`` also scores trafilatura (with htmldate) on the same pages when it is importable; it is not a
project dependency, so run this script from an environment that has it to compare.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import unicodedata
from datetime import date, datetime
from pathlib import Path

from crawlers.encoding import decode_html
from crawlers.extract import extract_article
from crawlers.extract.dates import CHINA_TZ

DEFAULT_PAGES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "pages" / "dev"
FIELDS = ("title", "published_at", "body", "author", "source")


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    return "".join(unicodedata.normalize("NFKC", text).split())


def _time_ok(truth: str | None, got: datetime | None) -> bool:
    if truth is None:
        return got is None
    if got is None:
        return False
    if "T" not in truth:
        return got.astimezone(CHINA_TZ).date() == date.fromisoformat(truth)
    want = datetime.fromisoformat(truth)
    return got.astimezone(CHINA_TZ).replace(second=0, microsecond=0) == want.astimezone(CHINA_TZ)


def score_page(truth: dict, result: dict) -> dict[str, bool]:
    body = _norm(result["text"]) or ""
    return {
        "title": _norm(truth["title"]) == _norm(result["title"]),
        "published_at": _time_ok(truth.get("publish_time"), result["published_at"]),
        "body": bool(body) and _norm(truth["body_head"]) in body and _norm(truth["body_tail"]) in body,
        "author": _norm(truth.get("author")) == _norm(result["author"]),
        "source": _norm(truth.get("source")) == _norm(result["source"]),
    }


def ours(raw: bytes) -> dict:
    article = extract_article(decode_html(raw))
    return {"title": article.title, "published_at": article.published_at, "text": article.text,
            "author": article.author, "source": article.source}


def trafilatura_baseline():
    """trafilatura's extractor as a comparable callable, or None when it is not installed."""
    try:
        import trafilatura
    except ImportError:
        return None

    def run(raw: bytes) -> dict:
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

    return run


def evaluate(name: str, extractor, pages: list[tuple[str, bytes, dict]], repeat: int) -> dict[str, float]:
    timings = []
    results: dict[str, dict] = {}
    for _ in range(repeat):
        start = time.perf_counter()
        for page, raw, _truth in pages:
            results[page] = extractor(raw)
        timings.append(time.perf_counter() - start)
    hits = {field: 0 for field in FIELDS}
    ratios = []
    print(f"\n== {name}: per-page failures")
    for page, _raw, truth in pages:
        result = results[page]
        scored = score_page(truth, result)
        for field, ok in scored.items():
            hits[field] += ok
        if truth.get("body_chars"):
            ratios.append(len(_norm(result["text"]) or "") / truth["body_chars"])
        failed = [field for field, ok in scored.items() if not ok]
        if failed:
            shown = {
                "title": (result["title"], truth["title"]),
                "published_at": (result["published_at"] and result["published_at"].isoformat(),
                                 truth.get("publish_time")),
                "body": (len(result["text"]), "head/tail missing"),
                "author": (result["author"], truth.get("author")),
                "source": (result["source"], truth.get("source")),
            }
            print(f"  {page}: " + "; ".join(f"{f} got {shown[f][0]!r} want {shown[f][1]!r}" for f in failed))
    total = len(pages)
    median_s = statistics.median(timings)
    figures = {field: hits[field] / total for field in FIELDS}
    figures["pages_per_s"] = total / median_s if median_s else float("inf")
    figures["length_ratio"] = statistics.median(ratios) if ratios else float("nan")
    print(f"== {name}: {total} pages")
    for field in FIELDS:
        print(f"  {field:<13} {hits[field]:>3}/{total}  {100 * figures[field]:5.1f} %")
    print(f"  body length ratio (median extracted/true chars): {figures['length_ratio']:.2f}")
    print(f"  speed: {figures['pages_per_s']:.1f} pages/s (median of {repeat} passes, decoding included)")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="folder with *.html and truth.json")
    parser.add_argument("--repeat", type=int, default=3, help="timed passes over all pages")
    parser.add_argument("--baseline", action="store_true", help="also score trafilatura when importable")
    args = parser.parse_args()

    truth = json.loads((args.pages / "truth.json").read_text(encoding="utf-8"))
    pages = [(name, (args.pages / name).read_bytes(), truth[name]) for name in sorted(truth)]
    mine = evaluate("zhengyu generic extractor", ours, pages, args.repeat)
    if args.baseline:
        baseline = trafilatura_baseline()
        if baseline is None:
            print("\ntrafilatura is not installed here; no baseline measured")
            return
        theirs = evaluate("trafilatura baseline", baseline, pages, args.repeat)
        print("\n== ratio zhengyu / trafilatura")
        for field in (*FIELDS, "pages_per_s"):
            if theirs[field]:
                print(f"  {field:<13} {mine[field] / theirs[field]:.2f}")


if __name__ == "__main__":
    main()
