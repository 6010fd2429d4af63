"""Generic article extraction for pages with no configured selectors: title, publish time, author, source, body.

Use :func:`extract_article` on decoded HTML (see :func:`crawlers.encoding.decode_html` for raw bytes).
"""

from crawlers.extract.article import extract_article
from crawlers.extract.model import Article

__all__ = ["Article", "extract_article"]
