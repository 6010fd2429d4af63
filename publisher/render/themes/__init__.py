"""Themes of official releases: one CSS file each, inlined into the article by css-inline.

Selectors are plain tag selectors under the article's ``section``: WeChat keeps neither classes nor ids, so a
theme cannot rely on them. Declarations stay few, because every one is repeated on every element and the
HTML sent counts against WeChat's 20,000-character limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from zhengyu.errors import ZhengyuError

_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    description: str

    @property
    def css(self) -> str:
        return _css(self.code)


THEMES: dict[str, Theme] = {theme.code: theme for theme in (
    Theme("red", "党政红", "红色标题与引用线，庄重醒目，适合政法委、法院、检察院的权威发布"),
    Theme("blue", "政务蓝", "蓝色层次，沉稳清晰，适合公安、司法行政的通报与便民信息"),
    Theme("plain", "简洁", "黑白灰无底色，适合长篇说明、以案释法与政策解读"),
)}
DEFAULT_THEME = "blue"


class UnknownTheme(ZhengyuError):
    pass


@cache
def _css(code: str) -> str:
    return (_DIR / f"{code}.css").read_text(encoding="utf-8")


def theme_by_name(name: str | None) -> Theme:
    """The theme called ``name`` (its code such as ``red`` or its Chinese name such as 党政红)."""
    if not name:
        return THEMES[DEFAULT_THEME]
    wanted = name.strip()
    for theme in THEMES.values():
        if wanted in (theme.code, theme.name):
            return theme
    choices = "、".join(f"{t.name}（{t.code}）" for t in THEMES.values())
    raise UnknownTheme(f"没有名为 {name} 的版式，可选：{choices}")
