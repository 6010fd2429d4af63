"""Release rendering: Markdown → the article HTML sent to WeChat, with a theme inlined as ``style=``."""

from publisher.render.article import wechat_html

__all__ = ["wechat_html"]
