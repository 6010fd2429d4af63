"""``zhengyu analyze`` and ``zhengyu analyze-text``: text analysis."""

from __future__ import annotations

import io
import json
import logging
import sys
import time

import click

from zhengyu.cli.app import AppContext, pass_app
from zhengyu.errors import ZhengyuError

log = logging.getLogger(__name__)


def _build_analyzer(app: AppContext, model: str | None):
    from sentiment.analyzer import Analyzer
    from sentiment.categories import CategoryRulesError
    from sentiment.keywords import IdfError
    from sentiment.model import ModelLoadError
    from sentiment.segment import LexiconError

    try:
        return Analyzer.from_settings(app.settings, sentiment_model=model)
    except (ModelLoadError, LexiconError, CategoryRulesError, IdfError) as exc:
        raise ZhengyuError(str(exc)) from exc


@click.command("analyze")
@click.option("--once", is_flag=True, help="Analyse what is pending and exit (default: keep polling).")
@click.option("--refresh-idf", is_flag=True,
              help="First relearn the keyword IDF table from the posts in the store (it is also rebuilt "
                   "automatically when due: analysis.idf_auto_refresh).")
@click.option("--batch-size", type=int, default=None, help="Posts per batch (default: analysis.batch_size).")
@pass_app
def analyze(app: AppContext, once: bool, refresh_idf: bool, batch_size: int | None) -> None:
    """Score sentiment, keywords and categories of posts not yet analysed."""
    from sentiment.worker import IdfRefresher, analyze_all_pending, refresh_store_idf
    from zhengyu.clock import SystemClock

    settings = app.settings
    app.migrated_engine()
    factory = app.session_factory()
    analyzer = _build_analyzer(app, None)
    batch = batch_size or settings.analysis.batch_size
    clock = SystemClock()
    if refresh_idf:
        table = refresh_store_idf(factory, analyzer, settings.data_dir, settings.analysis.idf_store_max_posts,
                                  settings.analysis.idf_min_store_docs, now=clock.now)
        click.echo(f"关键词 IDF 表已更新：{table.n_docs} 条帖子")
    refresher = IdfRefresher.from_settings(factory, settings, clock.now)
    total = 0
    try:
        while True:
            n = analyze_all_pending(factory, analyzer, batch, clock.now, idf_refresher=refresher)
            total += n
            if once:
                break
            if n == 0:
                time.sleep(settings.analysis.poll_interval_s)
    except KeyboardInterrupt:
        pass
    click.echo(f"已分析 {total} 条帖子（模型 {analyzer.model_version}）")


def _parse_line(line: str, lineno: int) -> tuple[object, str]:
    """``(id, text)`` from a JSON object line or a plain text line; raises ValueError with a reason."""
    stripped = line.strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ValueError(f"JSON 无法解析：{exc.msg}（第 {exc.colno} 列）") from exc
        except RecursionError as exc:
            raise ValueError("JSON 嵌套层数过多") from exc
        if not isinstance(obj, dict):
            raise ValueError("JSON 行应为对象")
        text = obj.get("text")
        if text is None:
            raise ValueError("缺少 text 字段")
        if not isinstance(text, str):
            raise ValueError("text 字段应为字符串")
        return obj.get("id", lineno), text
    return lineno, line.rstrip("\r\n")


@click.command("analyze-text")
@click.option("--model", type=click.Choice(["trained", "snownlp"]), default=None,
              help="Sentiment model (default: analysis.sentiment_model).")
@pass_app
def analyze_text(app: AppContext, model: str | None) -> None:
    """Analyse texts from stdin: JSON lines ({"id":…, "text":…}) or plain lines; one JSON line out per input.

    \b
    Output fields: id, label (neg/neu/pos), score (probability of positive, 0-1), keywords, categories,
    model_version. A line that cannot be read gives {"id":…, "error":…} and the run goes on.
    Plain lines get their line number (from 1) as id; empty lines are skipped.
    """
    analyzer = _build_analyzer(app, model)
    # undecodable bytes become U+FFFD instead of killing the stream
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    for lineno, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            ident, text = _parse_line(line, lineno)
        except ValueError as exc:
            record = {"id": lineno, "line": lineno, "error": str(exc)}
        else:
            try:
                result = analyzer.analyze(text)
            except Exception as exc:  # one bad text must not stop the stream; the reason is reported
                log.exception("analysis failed on line %d", lineno)
                record = {"id": ident, "line": lineno, "error": f"分析失败：{type(exc).__name__}: {exc}"}
            else:
                record = {"id": ident, **result.as_dict()}
        click.echo(json.dumps(record, ensure_ascii=False))


def register(cli: click.Group) -> None:
    cli.add_command(analyze)
    cli.add_command(analyze_text)
