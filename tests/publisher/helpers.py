"""Builders for release tests: people with roles, accounts, images made with Pillow, a Markdown folder."""

from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

from PIL import Image

from publisher.checks import Lexicons
from publisher.render.images import directory_source
from publisher.render.source import read_cover
from publisher.services.releases import ReleaseInput
from storage.access import Actor
from storage.engine import session_scope
from storage.models import Account, User
from tests.conftest import REPO_ROOT

LEXICONS = Lexicons(REPO_ROOT / "config/lexicons/sensitive_words.txt", REPO_ROOT / "config/lexicons/usage_norms.yaml")
T0 = datetime(2026, 5, 1, 1, 0, tzinfo=timezone.utc)
PEOPLE = {
    "editor1": ("编辑甲", ["editor"]), "editor2": ("编辑乙", ["editor"]),
    "rev1": ("审核一", ["reviewer"]), "rev2": ("审核二", ["reviewer"]), "rev3": ("审核三", ["reviewer"]),
    "rev4": ("审核四", ["reviewer"]), "both": ("编审兼任", ["editor", "reviewer"]),
    "analyst": ("分析员", ["analyst"]), "leader": ("领导", ["leader"]),
}
ARTICLE = """# 关于开展电信网络诈骗专项整治的通报

为切实保障人民群众财产安全，市公安局于近日开展专项整治行动。

## 一、工作成效

> 专项行动期间，全市共破获电信网络诈骗案件 **120** 起。

1. 打掉犯罪团伙 8 个；
2. 追赎返还群众损失 360 万元。

- 加强宣传
- 源头治理

| 项目 | 数量 |
|:--|--:|
| 破案 | 120 |
| 抓获犯罪嫌疑人 | 95 |

![行动现场](images/现场.png)

---

犯罪嫌疑人李某某已被依法采取刑事强制措施。详情请见[往期通报](https://mp.weixin.qq.com/s/AbCdEf)。
"""


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), colour=(200, 30, 30), noise: bool = False) -> bytes:
    image = Image.new("RGB", size, colour)
    if noise:
        image = Image.frombytes("RGB", size, __import__("os").urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def make_people(session_factory) -> dict[str, Actor]:
    with session_scope(session_factory) as session:
        users = {name: User(username=name, display_name=display, roles=roles)
                 for name, (display, roles) in PEOPLE.items()}
        session.add_all(users.values())
        session.add_all([Account(name="平安某市", appid="wx0001", secret_env="ZY_SECRET_1"),
                         Account(name="某市法院", appid="wx0002", secret_env="ZY_SECRET_2"),
                         Account(name="停用号", appid="wx0003", secret_env="ZY_SECRET_3", enabled=False)])
        session.flush()
        return {name: Actor.of(user) for name, user in users.items()}


def write_article(folder: Path, text: str = ARTICLE) -> Path:
    (folder / "images").mkdir(parents=True, exist_ok=True)
    (folder / "images" / "现场.png").write_bytes(image_bytes("PNG"))
    (folder / "cover.jpg").write_bytes(image_bytes("JPEG", (900, 383)))
    path = folder / "release.md"
    path.write_text(text, encoding="utf-8")
    return path


def article_input(folder: Path, text: str = ARTICLE, accounts=("平安某市",), **fields) -> ReleaseInput:
    path = write_article(folder, text)
    return ReleaseInput(markdown=text, accounts=list(accounts), cover=read_cover(folder / "cover.jpg"),
                        images=directory_source(path.parent), **fields)
