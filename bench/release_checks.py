"""Pre-publish checks on real political-legal writing: what they flag, and how fast.

Data: the five articles by political-legal officials in ../shared/data/seeds/ (real official prose, never
seen by the lists' author while writing them), each as the body of a release. Prints, per article, its
length and the findings by code (official prose should publish: a blocking finding on it is a false alarm; each finding is printed with its context), then
the median time of the whole check run per article and, for the two word lists alone, the median time of
the Aho-Corasick matcher against a baseline measured in the same run: one ``str.find`` scan per word.

    .venv/bin/python bench/release_checks.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from publisher.checks import Lexicons, run_checks
from publisher.checks.base import AssetInfo, ReleaseContent
from publisher.checks.lexicons import sensitive_words, usage_rules
from publisher.render.article import render_body
from publisher.render.markdown import references

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "data" / "seeds"


def content_of(text: str) -> ReleaseContent:
    title = text.strip().splitlines()[0][:32]
    html = render_body(text, title, "blue", lambda ref: "http://mmbiz.qpic.cn/mmbiz_jpg/x/0")
    cover = AssetInfo("cover", "cover.jpg", "image/jpeg", 0, b"")
    return ReleaseContent(title=title, author="", digest="", markdown=text, content_source_url="", html=html,
                          references=list(references(text)), cover=cover)


def naive_find(text: str, words: list[str]) -> int:
    hits = 0
    for word in words:
        start = text.find(word)
        while start >= 0:
            hits += 1
            start = text.find(word, start + 1)
    return hits


def median_ms(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    lexicons = Lexicons(REPO / "config/lexicons/sensitive_words.txt", REPO / "config/lexicons/usage_norms.yaml")
    words, rules = sensitive_words(lexicons.sensitive_words_file), usage_rules(lexicons.usage_rules_file)
    word_list = list(words.payload) + list(rules.payload)
    print(f"word lists: {len(words)} sensitive words, {len(rules)} 规范表述 rules")
    totals: Counter = Counter()
    check_ms, ac_ms, naive_ms = [], [], []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        content = content_of(text)
        findings = [f for f in run_checks(content, lexicons) if f.code != "cover_invalid"]
        counts = Counter(f"{f.code}({f.severity})" for f in findings)
        totals.update(counts)
        print(f"{path.name}: {len(text)} chars; " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no findings"))
        for finding in findings:
            print(f"    {finding.severity} {finding.code} at {finding.where}: {finding.context}")
        check_ms.append(median_ms(lambda: run_checks(content, lexicons), args.repeat))
        ac_ms.append(median_ms(lambda: (list(words.find(text)), list(rules.find(text))), args.repeat))
        naive_ms.append(median_ms(lambda: naive_find(text, word_list), args.repeat))
    print("all articles: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    print(f"whole check run per article (rendering excluded): median {statistics.median(check_ms):.2f} ms")
    ac, naive = statistics.median(ac_ms), statistics.median(naive_ms)
    print(f"word lists only: Aho-Corasick median {ac:.3f} ms, str.find per word median {naive:.3f} ms, "
          f"ratio {naive / ac:.1f}x")


if __name__ == "__main__":
    main()
