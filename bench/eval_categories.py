"""Measure the 政法 category rules on the hand-labelled gold set: per-category P/R/F1 on dev and test halves.

    .venv/bin/python bench/eval_categories.py [--gold bench/data/categories_gold.jsonl]
        [--rules config/categories.yaml] [--baseline bench/data/categories_rules_baseline.yaml]
        [--split dev|test|all] [--errors CATEGORY]

The gold set (``bench/data/categories_gold.jsonl``, guidelines in ``categories_guidelines.md``) is split
deterministically by a hash of each post's id into a **dev** half (used to write the rules and to choose any
threshold) and a **test** half (reported; never looked at while changing rules). For each split it prints, per
category: precision, recall, F1 and support; then micro and macro averages — for the baseline rules (the rules as
they were before they were measured, kept in ``bench/data/categories_rules_baseline.yaml``) and for the current
rules. (A learnt classifier did not beat the rules; ``bench/category_classifier_experiment.py`` measures it.)

Texts go through ``prepare_for_analysis`` first, exactly as ``Analyzer`` does. Cost: µs per post of
``categorize`` on the prepared text, median of 5 passes over the gold texts plus 3,000 COVID-period posts (CPU time,
after a warm-up pass).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from sentiment.categories import CategoryClassifier
from sentiment.normalize import prepare_for_analysis

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = ROOT / "bench" / "data" / "categories_gold.jsonl"
DEFAULT_BASELINE = ROOT / "bench" / "data" / "categories_rules_baseline.yaml"
DEFAULT_DATA = ROOT.parent / "shared" / "data"


def split_of(post_id: str) -> str:
    """``dev`` or ``test``: a fixed hash of the id, so the halves never change when posts are added."""
    return "dev" if hashlib.sha256(post_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def load_gold(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def scores(gold: list[set[str]], pred: list[set[str]], categories: list[str]) -> dict:
    """Per-category and averaged precision/recall/F1 for multi-label predictions."""
    per = {}
    tp_all = fp_all = fn_all = 0
    for cat in categories:
        tp = sum(1 for g, p in zip(gold, pred) if cat in g and cat in p)
        fp = sum(1 for g, p in zip(gold, pred) if cat not in g and cat in p)
        fn = sum(1 for g, p in zip(gold, pred) if cat in g and cat not in p)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        per[cat] = {"p": prec, "r": rec, "f1": f1, "support": tp + fn, "fp": fp}
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    micro = {
        "p": tp_all / (tp_all + fp_all) if tp_all + fp_all else 0.0,
        "r": tp_all / (tp_all + fn_all) if tp_all + fn_all else 0.0,
        "f1": 2 * tp_all / (2 * tp_all + fp_all + fn_all) if tp_all else 0.0,
    }
    counted = [c for c in categories if per[c]["support"]]
    macro = {k: statistics.fmean(per[c][k] for c in counted) if counted else 0.0 for k in ("p", "r", "f1")}
    exact = sum(1 for g, p in zip(gold, pred) if g == p) / max(len(gold), 1)
    return {"per": per, "micro": micro, "macro": macro, "exact": exact}


def print_table(title: str, result: dict, categories: list[str], baseline: dict | None = None) -> None:
    print(f"\n{title}")
    head = f"  {'category':<15} {'P':>6} {'R':>6} {'F1':>6} {'support':>7} {'false+':>6}"
    print(head + ("   ΔF1 vs baseline" if baseline else ""))
    for cat in categories:
        s = result["per"][cat]
        line = "  " + cat + " " * max(1, 15 - 2 * len(cat))  # CJK characters are two columns wide
        line += f" {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f} {s['support']:7d} {s['fp']:6d}"
        if baseline:
            line += f"   {s['f1'] - baseline['per'][cat]['f1']:+.3f}"
        print(line)
    for avg in ("micro", "macro"):
        s = result[avg]
        line = f"  {avg + '-avg':<15} {s['p']:6.3f} {s['r']:6.3f} {s['f1']:6.3f}"
        if baseline:
            line += " " * 15 + f"{s['f1'] - baseline[avg]['f1']:+.3f}"
        print(line)
    print(f"  exact-match share of posts: {result['exact']:.3f}")


def cost_us(fn: Callable[[str], object], texts: list[str], repeats: int = 5) -> float:
    """Median CPU µs per call over ``repeats`` passes, after one warm-up pass."""
    for t in texts:
        fn(t)
    runs = []
    for _ in range(repeats):
        start = time.process_time()
        for t in texts:
            fn(t)
        runs.append((time.process_time() - start) / len(texts) * 1e6)
    return statistics.median(runs)


def covid_sample(data_dir: Path, n: int = 3000) -> list[str]:
    """The first ``n`` non-empty COVID-period posts (a fixed, realistic timing sample)."""
    path = data_dir / "events" / "covid19_weibo_unlabelled_daily_2020.csv.gz"
    if not path.exists():
        return []
    import csv

    out = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if (row.get("text") or "").strip():
                out.append(row["text"])
                if len(out) >= n:
                    break
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--rules", type=Path, default=ROOT / "config" / "categories.yaml")
    ap.add_argument("--baseline", type=Path, default=DEFAULT_BASELINE)
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", choices=("dev", "test", "all"), default=None,
                    help="only this split (default: dev and test)")
    ap.add_argument("--errors", metavar="CATEGORY", help="list the dev posts this category's rules get wrong")
    args = ap.parse_args()

    gold_rows = load_gold(args.gold)
    rules = CategoryClassifier.from_yaml(args.rules)
    baseline = CategoryClassifier.from_yaml(args.baseline) if args.baseline.exists() else None
    categories = [r.name for r in rules.rules]
    prepared = {row["id"]: prepare_for_analysis(row["text"]).text for row in gold_rows}

    systems: dict[str, Callable[[str], list[str]]] = {}
    if baseline is not None:
        systems[f"baseline rules ({baseline.version})"] = baseline.categorize
    systems[f"rules ({rules.version})"] = rules.categorize

    splits = [args.split] if args.split else ["dev", "test"]
    for split in splits:
        rows = [r for r in gold_rows if split == "all" or split_of(r["id"]) == split]
        gold = [set(r["categories"]) for r in rows]
        role = {"dev": "used to write the rules / choose thresholds",
                "test": "REPORTED: never used while changing the rules", "all": "both halves"}[split]
        print(f"\n=== {split} half: {len(rows)} posts ({role}) ===")
        base_result = None
        for name, fn in systems.items():
            pred = [set(fn(prepared[r["id"]])) for r in rows]
            result = scores(gold, pred, categories)
            print_table(name, result, categories, base_result)
            if base_result is None:
                base_result = result

    if args.errors:
        cat = args.errors
        print(f"\n=== dev errors for {cat} (current rules) ===")
        for r in gold_rows:
            if split_of(r["id"]) != "dev":
                continue
            pred = set(rules.categorize(prepared[r["id"]]))
            g = cat in r["categories"]
            if g != (cat in pred):
                kind = "MISS" if g else "FALSE"
                print(f"{kind} {r['id']} {sorted(rules.found_words(prepared[r['id']]))[:8]} | {r['text'][:120]!r}")

    texts = [prepared[r["id"]] for r in gold_rows]
    texts += [prepare_for_analysis(t).text for t in covid_sample(args.data_dir)]
    print(f"\ncost per post ({len(texts)} prepared texts, CPU µs, median of 5):")
    for name, fn in systems.items():
        print(f"  {name:<40} {cost_us(fn, texts):8.1f} µs")


if __name__ == "__main__":
    main()
