"""Body images and the cover, read into the store at create/edit time and checked against WeChat's limits.

WECHAT_API.md §2: ``media/uploadimg`` takes jpg/png under 1 MB; the cover is permanent ``image`` material,
at most 10 MB, bmp/png/jpeg/jpg/gif. The type is read from the bytes (Pillow), never trusted from the name.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PIL import Image, UnidentifiedImageError

from zhengyu.errors import ZhengyuError

MB = 1024 * 1024
BODY_IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
BODY_IMAGE_MAX_BYTES = MB  # strictly below
COVER_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "BMP": "image/bmp"}
COVER_MAX_BYTES = 10 * MB  # at most
FORMAT_NAMES = {"JPEG": "JPG", "PNG": "PNG", "GIF": "GIF", "BMP": "BMP", "WEBP": "WebP", "TIFF": "TIFF"}


class ImageError(ZhengyuError):
    """An image is missing, unreadable, of a type WeChat refuses, or too large."""


@dataclass(frozen=True)
class LoadedImage:
    ref: str
    filename: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data)


# Gives the bytes of an image by its reference (a path relative to the Markdown file, or an uploaded name).
ImageSource = Callable[[str], tuple[str, bytes]]


def directory_source(base_dir: Path) -> ImageSource:
    """Read images relative to ``base_dir`` (the Markdown file's folder)."""

    def read(ref: str) -> tuple[str, bytes]:
        path = (base_dir / ref) if not Path(ref).is_absolute() else Path(ref)
        if not path.is_file():
            raise ImageError(f"找不到图片 {ref}（应在 {path}），请检查路径（相对于 Markdown 文件所在目录）")
        return path.name, path.read_bytes()

    return read


def image_format(data: bytes) -> str | None:
    """Pillow's name of the format of ``data`` (JPEG, PNG …), or None when it is not a readable image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            return image.format
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return None


def _size_text(size: int) -> str:
    return f"{size / MB:.2f} MB" if size >= MB / 10 else f"{size / 1024:.0f} KB"


@dataclass(frozen=True)
class ImageRule:
    """What WeChat accepts for one use of an image, and how the editor is told."""

    name: str  # 正文图片 | 封面
    formats: dict[str, str]  # Pillow format → content type
    max_bytes: int
    inclusive: bool  # whether exactly max_bytes is still allowed
    limit_text: str


BODY_IMAGE = ImageRule("正文图片", BODY_IMAGE_FORMATS, BODY_IMAGE_MAX_BYTES, False, "小于 1 MB")
COVER = ImageRule("封面", COVER_FORMATS, COVER_MAX_BYTES, True, "不能超过 10 MB")


def validate(rule: ImageRule, ref: str, filename: str, data: bytes) -> LoadedImage:
    """The image, or an ImageError saying what is wrong with it for ``rule`` and what to do."""
    allowed = "、".join(dict.fromkeys(FORMAT_NAMES[fmt] for fmt in rule.formats))
    fmt = image_format(data)
    if fmt is None:
        raise ImageError(f"{rule.name} {ref} 不是可识别的图片文件，请换用 {allowed} 图片")
    if fmt not in rule.formats:
        raise ImageError(f"{rule.name} {ref} 是 {FORMAT_NAMES.get(fmt, fmt)} 格式，微信{rule.name}只支持 {allowed}，请转换后重试")
    too_big = len(data) > rule.max_bytes if rule.inclusive else len(data) >= rule.max_bytes
    if too_big:
        raise ImageError(f"{rule.name} {ref} 大小为 {_size_text(len(data))}，微信要求{rule.limit_text}，请压缩后重试")
    return LoadedImage(ref, filename, rule.formats[fmt], data)


def validate_body_image(ref: str, filename: str, data: bytes) -> LoadedImage:
    return validate(BODY_IMAGE, ref, filename, data)


def validate_cover(ref: str, filename: str, data: bytes) -> LoadedImage:
    return validate(COVER, ref, filename, data)
