"""Evaluate the shipped sentiment model against SnowNLP on the held-out test splits, and time the analysis.

    .venv/bin/python bench/eval_sentiment.py [--data-dir ../shared/data] [--snownlp-sample 2000]

For every corpus in ``sentiment.datasets.CORPORA`` it prints, on that corpus's ``test`` split (never trained on;
the split is a hash of the prepared text, see ``sentiment/datasets.py``):

* accuracy and macro-F1 of the trained model (binary decision P(pos) ≥ 0.5), the share of texts the neutral band
  (analysis.neutral_low..neutral_high) would label ``neu``, and accuracy on the texts outside the band;
* SnowNLP's accuracy and macro-F1 on a deterministic sample of at most ``--snownlp-sample`` rows of the same split
  (SnowNLP is slow), with the trained model's accuracy on the very same sample beside it.

Then throughput, single process: the full per-post analysis (normalise + segment + sentiment + keywords +
categories, ``Analyzer.analyze`` one post per call, after one warm-up pass) on raw Weibo posts, median of 5 runs
in texts per CPU-second (the per-core figure: a shared, noisy machine inflates wall-clock time), against SnowNLP's
sentiment alone; the CPU time per post of each stage; and the two segmenter backends (rjieba vs jieba) with their
agreement. ``bench/compare_analyzer_revisions.py`` checks that a speed change leaves every output as it was.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

from sentiment.analyzer import Analyzer
from sentiment.datasets import CORPORA, load_corpus
from sentiment.model import SnowNLPModel
from sentiment.normalize import prepare_for_analysis
from sentiment.segment import Lexicon, Segmenter
from zhengyu.settings import load_settings

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def macro_f1(y_true: list[int], y_pred: list[int]) -> float:
    f1s = []
    for cls in (0, 1):
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == cls and p == cls)
        fp = sum(1 for t, p in zip(y_true, y_pred) if t != cls and p == cls)
        fn = sum(1 for t, p in zip(y_true, y_pred) if t == cls and p != cls)
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return sum(f1s) / 2


def accuracy(y_true: list[int], y_pred: list[int]) -> float:
    return sum(t == p for t, p in zip(y_true, y_pred)) / max(len(y_true), 1)


def expected_calibration_error(y_true: list[int], probs: list[float], bins: int = 10) -> float:
    """Mean |observed positive rate - mean predicted P(pos)| over equal-width probability bins, weighted."""
    total = 0.0
    for b in range(bins):
        members = [(t, p) for t, p in zip(y_true, probs) if b / bins <= p < (b + 1) / bins or (b == bins - 1 and p == 1)]
        if members:
            total += len(members) * abs(sum(t for t, _ in members) / len(members) - sum(p for _, p in members) / len(members))
    return total / max(len(y_true), 1)


def throughput(fn, items, repeats: int = 3) -> tuple[float, float]:
    """Median texts/s over ``repeats`` runs: by wall clock, and per CPU-second of this process (the per-core
    figure; it does not count time the process waited for a CPU on a shared machine)."""
    wall, cpu = [], []
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        for item in items:
            fn(item)
        wall.append(len(items) / (time.perf_counter() - w0))
        cpu.append(len(items) / max(time.process_time() - c0, 1e-9))
    return statistics.median(wall), statistics.median(cpu)


def print_stages(analyzer: Analyzer, posts: list[str], repeats: int = 5) -> None:
    """Microseconds of CPU per post for each stage of ``Analyzer.analyze``, each stage run over all posts on its
    own (median of ``repeats``). Their sum is less than a whole ``analyze`` call: run one after the other on a
    post, the stages evict each other's tables and code from the CPU caches."""
    prepared = [prepare_for_analysis(p) for p in posts]
    words = [analyzer.segmenter.cut(p.text) for p in prepared]
    model, tfidf, categorizer = analyzer.model, analyzer._tfidf, analyzer.categorizer
    stages = {
        "normalise + markup": lambda: [prepare_for_analysis(p) for p in posts],
        "segment": lambda: [analyzer.segmenter.cut(p.text) for p in prepared],
        "sentiment (features + score)": lambda: [model.prob_positive(p.text, w) for p, w in zip(prepared, words)],
        "keywords": lambda: [tfidf.keywords(w, p.hashtags) for p, w in zip(prepared, words)],
        "categories": lambda: [categorizer.categorize(p.text) for p in prepared],
        "whole Analyzer.analyze": lambda: [analyzer.analyze(p) for p in posts],
    }
    print(f"  per stage, CPU microseconds per post (each stage alone over the {len(posts)} posts, median of "
          f"{repeats}):")
    for name, run in stages.items():
        times = []
        for _ in range(repeats):
            c0 = time.process_time()
            run()
            times.append((time.process_time() - c0) / len(posts) * 1e6)
        print(f"    {name:30s} {statistics.median(times):7.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--snownlp-sample", type=int, default=2000)
    parser.add_argument("--corpora", nargs="*", default=None, help="only these corpora (none: throughput only)")
    args = parser.parse_args()

    settings = load_settings()
    analyzer = Analyzer.from_settings(settings, sentiment_model="trained")
    snow = SnowNLPModel()
    low, high = settings.analysis.neutral_low, settings.analysis.neutral_high
    print(f"model {analyzer.model_version}; neutral band {low:.2f} <= P(pos) < {high:.2f}; SnowNLP on <= "
          f"{args.snownlp_sample} rows per corpus (same rows for the 'trained@sample' column)")
    header = (f"{'corpus':24s} {'n_test':>6s} {'acc':>6s} {'F1':>6s} {'neu%':>5s} {'acc_conf':>8s} | "
              f"{'ECE':>5s} | {'n_smp':>5s} {'trained@smp':>11s} {'snownlp':>7s} {'snow_F1':>7s}  note")
    print(header)
    print("-" * len(header))
    for corpus in CORPORA:
        if args.corpora is not None and corpus.name not in args.corpora:  # --corpora alone: none
            continue
        test = [ex for ex in load_corpus(args.data_dir, corpus) if ex.split == "test"]
        y = [ex.label for ex in test]
        probs = [analyzer.model.prob_positive(ex.text, analyzer.segmenter.cut(ex.text)) for ex in test]
        pred = [int(p >= 0.5) for p in probs]
        confident = [(t, q) for t, q, p in zip(y, pred, probs) if not (low <= p < high)]
        sample_idx = list(range(len(test)))
        random.Random(0).shuffle(sample_idx)
        sample_idx = sorted(sample_idx[:args.snownlp_sample])
        ys = [y[i] for i in sample_idx]
        snow_pred = [int(snow.prob_positive(test[i].raw, []) >= 0.5) for i in sample_idx]
        print(f"{corpus.name:24s} {len(test):6d} {accuracy(y, pred):6.3f} {macro_f1(y, pred):6.3f} "
              f"{100 * (1 - len(confident) / max(len(test), 1)):5.1f} "
              f"{accuracy([t for t, _ in confident], [q for _, q in confident]):8.3f} "
              f"{expected_calibration_error(y, probs):5.3f} | "
              f"{len(sample_idx):5d} {accuracy(ys, [pred[i] for i in sample_idx]):11.3f} "
              f"{accuracy(ys, snow_pred):7.3f} {macro_f1(ys, snow_pred):7.3f}  {corpus.note}")

    # --- throughput -------------------------------------------------------------------------------------------
    posts = [ex.raw for ex in load_corpus(args.data_dir, "weibo2018")][:3000]
    mean_len = sum(map(len, posts)) / len(posts)
    for post in posts:  # warm-up: per-word caches fill as a long-running worker's would
        analyzer.analyze(post)
    full, full_cpu = throughput(analyzer.analyze, posts, repeats=5)
    batches = [posts[i:i + 500] for i in range(0, len(posts), 500)]
    batch_wall, batch_cpu = throughput(analyzer.analyze_many, batches)
    batch_wall, batch_cpu = batch_wall * 500, batch_cpu * 500  # batches/s -> texts/s (3000 = 6 x 500)
    snow_posts = posts[:300]
    snow_rate, snow_cpu = throughput(lambda t: snow.prob_positive(t, []), snow_posts, repeats=1)
    print()
    print(f"throughput, one process, {len(posts)} raw weibo2018 posts (mean {mean_len:.0f} chars); "
          f"wall-clock texts/s and texts per CPU-second:")
    print(f"  PER-CALL full analysis, Analyzer.analyze one post per call (normalise+segment+sentiment+keywords+"
          f"categories): {full_cpu:7.0f} texts per CPU-second (median of 5; target >= 5000), {full:7.0f} /s wall")
    print(f"  the same, Analyzer.analyze_many in batches of 500 (the worker's path):   {batch_wall:7.0f} /s wall, "
          f"{batch_cpu:7.0f} /CPU-s (median of 3)")
    print(f"  SnowNLP sentiment only ({len(snow_posts)} posts):                      {snow_rate:7.0f} /s wall, "
          f"{snow_cpu:7.0f} /CPU-s   -> ratio {full_cpu / snow_cpu:.0f}x per CPU-s")
    print_stages(analyzer, posts)
    lexicon = Lexicon.load(settings.analysis.lexicon_dir)
    fast, ref = Segmenter.from_lexicon(lexicon, "rjieba"), Segmenter.from_lexicon(lexicon, "jieba")
    fast_rate = throughput(fast.cut, posts)[1]
    ref_rate = throughput(ref.cut, posts)[1]
    same = sum(fast.cut(t) == ref.cut(t) for t in posts)
    print(f"  segmentation rjieba {fast_rate:8.0f} /CPU-s vs jieba {ref_rate:8.0f} /CPU-s "
          f"({fast_rate / ref_rate:.1f}x); identical output on {same}/{len(posts)} posts")


if __name__ == "__main__":
    main()
