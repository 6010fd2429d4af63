"""The 政法 category rules on real posts, the rule-file format, and the hand-labelled gold set's consistency."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from sentiment.categories import CategoryClassifier, CategoryRulesError
from sentiment.normalize import prepare_for_analysis

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "bench" / "data" / "categories_gold.jsonl"
RULES = ROOT / "config" / "categories.yaml"
MENTION = re.compile(r"@(?!用户)[^\s@:：,，。]{1,30}[:：\s]|//@(?!用户)|回复@(?!用户)")


@pytest.fixture(scope="module")
def rules() -> CategoryClassifier:
    return CategoryClassifier.from_yaml(RULES)


def cats(rules: CategoryClassifier, text: str) -> set[str]:
    return set(rules.categorize(prepare_for_analysis(text).text))


# Real posts (texts from ../shared/data, cut; the source row is named) and what an analyst files them under.
REAL_POSTS = [
    # events/covid19_weibo_unlabelled_daily_2020.csv.gz: a police report of an online fraud during the epidemic
    ("【湖北男子微信群假卖蔬菜诈骗 民警：摸摸你良心过得去吗】2月17日、18日期间，湖北应城警方陆续接到大型小区居民报案，"
     "称在微信群因购买蔬菜被骗。警方锁定嫌疑人贾某义后在家中将其抓获。经查，贾某义抓住防疫期间居民在家蔬菜紧缺急需购买的心理实施诈骗。目前，贾某义已被刑事拘留。（应城公安）",
     {"涉警", "电信网络诈骗", "刑事案件", "公共卫生与疫情"}, set()),
    # the same stream: prison outbreak reported by the ministry
    ("【#3省5所监狱共确诊555例#，司法部：监狱发生疫情，教训十分深刻】截至2月25日，湖北、浙江、山东三省五所监狱共确诊555例",
     {"监所", "公共卫生与疫情"}, {"群体性事件"}),
    # slang: 爆炸 as "very" is no accident (weibo2018/train.csv)
    ("去年某人陪我去泰州考试，随便找了一家东北馆子，就对酸菜炖大骨头一吃钟情！！真的爆炸好吃啊[心]", set(),
     {"安全生产与事故"}),
    # 不聚集 is epidemic advice, not a mass incident (events stream)
    ("#钟南山说当务之急要鉴别流感和新冠肺炎#希望大家依旧能保持高度警惕！戴口罩，勤洗手，不聚集，少出门",
     {"公共卫生与疫情"}, {"群体性事件", "涉警"}),
    # 黑社会 as a joke is not organised crime (weibo_senti_100k)
    ("婚姻是靠经营的，即便遇到对方很坏，也只当经营黑社会。[嘻嘻]", set(), {"扫黑除恶"}),
    # a real gang: hired thugs in a demolition (weibo_senti_100k)
    ("湖北宜昌市80岁劳模的家被开发商挖成了孤岛，老劳模被拆迁公司雇黑社会打断了两根肋骨",
     {"扫黑除恶", "群体性事件"}, set()),
    # a kindergarten child hurt (weibo2018/train.csv)
    ("一个小朋友进门时不小心将门帘撩起，碰到了一位准妈妈，结果这位孕妇故意伸脚绊倒了这个4岁男童，已经住院了",
     {"校园与未成年人"}, set()),
    # 比起诉说 contains 起诉 but is no lawsuit (weibo2018/train.csv)
    ("越长大越觉得，比起诉说自己的委屈与不甘，沉默最好", set(), {"涉法涉诉"}),
    # traditional characters are normalised before matching
    ("檢察院對涉黑團伙提起公訴", {"涉检", "扫黑除恶"}, set()),
]


@pytest.mark.parametrize(("text", "expected", "not_expected"), REAL_POSTS)
def test_rules_on_real_posts(rules, text, expected, not_expected):
    got = cats(rules, text)
    assert expected <= got, f"missing {expected - got} in {got}"
    assert not (got & not_expected), f"false hit {got & not_expected}"


def test_rules_keep_yaml_order_and_handle_empty(rules):
    names = [r.name for r in rules.rules]
    out = rules.categorize("检察院对涉黑团伙提起公诉，扫黑除恶常态化，民警到场")
    assert out == sorted(out, key=names.index)
    assert rules.categorize("") == [] and rules.categorize("今天天气不错") == []
    assert rules.categorize("x" * 100_000) == []


def test_context_clause_needs_its_context(rules):
    assert "安全生产与事故" not in rules.categorize("心情爆炸")
    assert "安全生产与事故" in rules.categorize("化工厂发生爆炸，现场浓烟")
    assert "公共卫生与疫情" not in rules.categorize("防晒隔离霜推荐")
    assert "公共卫生与疫情" in rules.categorize("密接人员集中隔离")


def test_rule_file_errors_are_clear(tmp_path):
    bad = tmp_path / "bad.yaml"
    cases = {
        "categories:\n  - name: 涉警\n    any: [警察\n": "YAML",
        "categories:\n  - name: 涉警\n": "涉警",
        "categories:\n  - name: 涉警\n    any: [警察]\n    also: 报警\n": "also",
        "categories:\n  - name: 涉警\n    any: [警察]\n    also:\n      - all_of: [[报警]]\n": "any",
        "categories:\n  - name: 涉警\n    any: [警察]\n  - name: 涉警\n    any: [民警]\n": "重复",
        "version: 1\n": "categories",
    }
    for text, message in cases.items():
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(CategoryRulesError, match=message):
            CategoryClassifier.from_yaml(bad)
    with pytest.raises(CategoryRulesError, match="无法读取"):
        CategoryClassifier.from_yaml(tmp_path / "missing.yaml")


def _gold() -> list[dict]:
    with GOLD.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_gold_set_schema_and_consistency(rules):
    rows = _gold()
    names = {r.name for r in rules.rules}
    assert 400 <= len(rows) <= 800
    ids = Counter(r["id"] for r in rows)
    assert not [i for i, n in ids.items() if n > 1], "duplicate ids"
    texts = Counter(r["text"] for r in rows)
    assert not [t for t, n in texts.items() if n > 1], "duplicate texts"
    for r in rows:
        assert set(r) == {"id", "text", "categories", "source", "sample"}, r["id"]
        assert r["text"].strip() and len(r["text"]) <= 500, r["id"]
        assert set(r["categories"]) <= names, (r["id"], set(r["categories"]) - names)
        assert len(set(r["categories"])) == len(r["categories"]), r["id"]
        assert r["sample"] in {"random", "topic-search"}
        assert " row " in r["source"] or " line " in r["source"], r["id"]
        assert not MENTION.search(r["text"]), f"{r['id']}: an author name is left in the text"
    support = Counter(c for r in rows for c in r["categories"])
    assert min(support[n] for n in names) >= 15, support
    assert sum(1 for r in rows if not r["categories"]) >= 100
    assert sum(1 for r in rows if r["sample"] == "random") >= 100


@pytest.mark.slow
def test_gold_sources_point_at_the_shared_rows(shared_data):
    """Every gold text is (the start of) the text at the named file and row (mentions and private names hidden)."""
    rows = _gold()
    by_file: dict[str, dict[int, str]] = {}
    for r in rows:
        name, _, num = r["source"].rpartition(" ")
        by_file.setdefault(name.rsplit(" ", 1)[0], {})[int(num)] = r["text"]
    for name, wanted in by_file.items():
        path = shared_data / name
        assert path.exists(), name
        found: dict[int, str] = {}
        if name.startswith("seeds/"):
            for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if i in wanted:
                    found[i] = line.strip()
        else:
            opener = gzip.open if name.endswith(".gz") else open
            last = max(wanted)
            with opener(path, "rt", encoding="utf-8", newline="") as fh:
                for i, row in enumerate(csv.DictReader(fh), 1):
                    if i in wanted:
                        found[i] = row["text"].strip()
                    if i >= last:
                        break
        for num, text in wanted.items():
            head = re.split(r"@用户|.某", text)[0][:20]  # up to the first hidden mention or name
            assert found.get(num, "").startswith(head), f"{name} row {num}"


def _eval_module():
    spec = importlib.util.spec_from_file_location("eval_categories", ROOT / "bench" / "eval_categories.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_eval_split_is_deterministic_and_balanced():
    split_of = _eval_module().split_of
    rows = _gold()
    splits = Counter(split_of(r["id"]) for r in rows)
    assert set(splits) == {"dev", "test"}
    assert abs(splits["dev"] - splits["test"]) < 0.15 * len(rows)
    assert split_of("g0001") == split_of("g0001")


def test_eval_scores_count_false_hits_and_misses():
    scores = _eval_module().scores
    gold = [{"涉警"}, {"涉警", "监所"}, set(), {"监所"}]
    pred = [{"涉警"}, {"涉警"}, {"涉警"}, {"监所"}]
    result = scores(gold, pred, ["涉警", "监所"])
    assert result["per"]["涉警"] == {"p": 2 / 3, "r": 1.0, "f1": 0.8, "support": 2, "fp": 1}
    assert result["per"]["监所"]["r"] == 0.5 and result["per"]["监所"]["p"] == 1.0
    assert result["micro"]["f1"] == pytest.approx(2 * 3 / (2 * 3 + 1 + 1))
    assert result["exact"] == 0.5
