"""Check that the working tree's ``Analyzer`` gives exactly the outputs of another git revision's.

    .venv/bin/python bench/compare_analyzer_revisions.py [--rev HEAD] [--per-corpus 3000] [--data-dir ../shared/data]

A speed change to the analysis path must not change a single result. This script extracts the ``sentiment``
package of ``--rev`` (``git show REV:path``) into a temporary directory under another package name, builds both
analyzers on the same settings, the same model file and the same category rules (so that a concurrent edit of
the rules is not counted as a difference), and compares label, score (float equality), keywords, categories and
hashtags of ``Analyzer.analyze`` and of ``Analyzer.analyze_many`` on raw posts from several corpora plus a set of
tricky inputs (negations, traditional characters, emoji, markup, empty, a 100 KB post). It prints the number of
texts compared and every difference, and exits with status 1 if there is one.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

from sentiment.analyzer import Analyzer
from sentiment.datasets import CORPORA, load_corpus
from zhengyu.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data"
OLD_PACKAGE = "sentiment_at_rev"
TRICKY = [
    None, "", " ", "\n\n", "😀😀😀", "[哈哈][怒]", "#话题#", "@某人", "http://t.cn/abc",
    "对结果不满意，但是服务好", "这个回应不是不好", "没有人支持这做法，真的", "不不不", "不", "不 好", "不是不是不好",
    "絕不姑息！警察進(jìn)行調查，網友：這是個反覆出現的問題", "電信網路詐騙 套路貸 掃黑除惡",
    "{%#扫黑除恶#%}成果显著👍👍 //@某网友: 点赞[赞] 网页链接", "回复@张三:你说得对\t\t好\u3000的",
    "ＡＢＣ１２３，全角！", "<p>警方通报</p><br>&amp;&lt;", "民警\u200b不作为\ufeff", "a", "ab", "abc",
    "不满意不满意不满意" * 50, "电信网络诈骗" * 3000, ("警方通报：某地发生一起电信网络诈骗案件，不法分子冒充客服。"
                                          "网友表示很不满意，希望尽快破案！#反诈#[怒]") * 1500,
]


def load_revision(rev: str, target: Path) -> None:
    """Write the ``sentiment`` package of ``rev`` to ``target/OLD_PACKAGE`` with its imports renamed."""
    names = subprocess.run(["git", "ls-tree", "-r", "--name-only", rev, "sentiment/"], cwd=REPO, check=True,
                           capture_output=True, text=True).stdout.split()
    for name in names:
        if not name.endswith(".py"):
            continue
        source = subprocess.run(["git", "show", f"{rev}:{name}"], cwd=REPO, check=True, capture_output=True,
                                text=True).stdout
        source = source.replace("from sentiment.", f"from {OLD_PACKAGE}.").replace("import sentiment.",
                                                                                 f"import {OLD_PACKAGE}.")
        path = target / OLD_PACKAGE / name.removeprefix("sentiment/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    # model files are data: the old code reads the working tree's (the same model for both sides)
    (target / OLD_PACKAGE / "models").symlink_to(REPO / "sentiment" / "models")


def import_revision(target: Path) -> None:
    """Import the extracted package by its path (its submodules are then found through its ``__path__``)."""
    package = target / OLD_PACKAGE
    spec = importlib.util.spec_from_file_location(OLD_PACKAGE, package / "__init__.py",
                                                  submodule_search_locations=[str(package)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[OLD_PACKAGE] = module
    spec.loader.exec_module(module)


def build_old(settings, new: Analyzer):
    old_analyzer = importlib.import_module(f"{OLD_PACKAGE}.analyzer")
    old_model = importlib.import_module(f"{OLD_PACKAGE}.model")
    old_segment = importlib.import_module(f"{OLD_PACKAGE}.segment")
    a = settings.analysis
    lexicon = old_segment.Lexicon.load(a.lexicon_dir)
    return old_analyzer.Analyzer(
        lexicon=lexicon, segmenter=old_segment.Segmenter.from_lexicon(lexicon),
        model=old_model.load_model("trained", a.model_file), categorizer=new.categorizer, idf=new.idf,
        top_k=a.keywords_top_k, keyword_method=a.keyword_method, neutral_low=a.neutral_low,
        neutral_high=a.neutral_high)


def compare(old, new: Analyzer, texts: list[str | None], rev: str) -> int:
    """Print and count the texts on which the two analyzers differ (one post per call, and in batches)."""
    differences = 0
    for i, text in enumerate(texts):
        a, b = fields(old.analyze(text)), fields(new.analyze(text))
        if a != b:
            differences += 1
            print(f"analyze differs on text {i} {str(text)[:60]!r}:\n  {rev}: {a}\n  working tree: {b}")
    for start in range(0, len(texts), 500):
        chunk = texts[start:start + 500]
        for j, (a, b) in enumerate(zip(old.analyze_many(chunk), new.analyze_many(chunk))):
            if fields(a) != fields(b):
                differences += 1
                print(f"analyze_many differs on text {start + j}:\n  {rev}: {fields(a)}\n  working tree: {fields(b)}")
    return differences


def fields(result) -> tuple:
    return result.label, result.score, tuple(result.keywords), tuple(result.categories), tuple(result.hashtags)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--per-corpus", type=int, default=3000, help="raw posts taken from each corpus")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()

    settings = load_settings()
    new = Analyzer.from_settings(settings, sentiment_model="trained")
    with tempfile.TemporaryDirectory() as tmp:
        load_revision(args.rev, Path(tmp))
        import_revision(Path(tmp))
        old = build_old(settings, new)
        texts: list[str | None] = []
        for corpus in CORPORA:
            rows = load_corpus(args.data_dir, corpus)
            texts += [ex.raw for ex in rows[:args.per_corpus]]
        texts += TRICKY
        differences = compare(old, new, texts, args.rev)
    corpora = ", ".join(c.name for c in CORPORA)
    print(f"{len(texts)} texts ({args.per_corpus} raw posts from each of {corpora}, plus {len(TRICKY)} tricky "
          f"inputs), analyze and analyze_many: {differences} differences against {args.rev}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
