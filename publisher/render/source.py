"""Reading what an editor hands in: the Markdown file (UTF-8 only) and the images it references."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from publisher.render.article import is_wechat_image_url
from publisher.render.images import ImageError, ImageSource, LoadedImage, validate_body_image, validate_cover
from publisher.render.markdown import references
from zhengyu.errors import ZhengyuError


class SourceError(ZhengyuError):
    pass


def read_markdown(path: Path) -> str:
    """The text of a Markdown file; a clear error when it is missing or not UTF-8."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"找不到文件 {path}")
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path} 不是 UTF-8 编码（第 {exc.start + 1} 个字节无法解码），"
                          "请用编辑器另存为 UTF-8 后重试") from exc


def read_cover(path: Path) -> LoadedImage:
    path = Path(path)
    if not path.is_file():
        raise ImageError(f"找不到封面图片 {path}")
    return validate_cover(str(path), path.name, path.read_bytes())


def is_external(url: str) -> bool:
    return bool(urlsplit(url).scheme) or url.startswith("//")


def collect_images(markdown: str, source: ImageSource | None, stored: dict[str, LoadedImage] | None = None
                   ) -> list[LoadedImage]:
    """Every local body image of ``markdown``, read through ``source`` and checked against WeChat's limits.

    An image ``source`` cannot find but that is already stored under the same reference (an edit of the text
    only, from the dashboard) keeps its stored bytes. Images already on WeChat's image host stay links."""
    loaded: dict[str, LoadedImage] = {}
    for reference in references(markdown):
        if reference.kind != "image" or reference.url in loaded or is_wechat_image_url(reference.url):
            continue
        if is_external(reference.path):
            raise ImageError(f"正文第 {reference.line} 行的图片 {reference.path} 不是本地文件：微信会过滤外部图片，"
                             "请先下载到本地，用相对于 Markdown 文件的路径引用")
        try:
            if source is None:
                raise ImageError(f"找不到图片 {reference.path}")
            filename, data = source(reference.path)
        except ImageError:
            if stored and reference.url in stored:
                loaded[reference.url] = stored[reference.url]
                continue
            raise
        image = validate_body_image(reference.path, filename, data)
        loaded[reference.url] = LoadedImage(reference.url, image.filename, image.content_type, image.data)
    return list(loaded.values())
