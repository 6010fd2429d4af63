"""Personal data: pseudonymous authors (a keyed HMAC-SHA256 of platform + id, never the id or a profile) and the
redaction of personal numbers from stored and exported text (:func:`redact_personal_data`)."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from storage.redaction import personal_data_kinds, redact_personal_data

__all__ = ["author_hash_key", "hash_author", "personal_data_kinds", "redact_personal_data"]

log = logging.getLogger(__name__)

KEY_FILE_NAME = "author_hash.key"


def author_hash_key(settings) -> bytes:
    """The HMAC key: ``secrets.author_hash_key`` when set, else a random key kept in ``data_dir``.

    The generated key is created once (mode 0600) so hashes stay stable across runs of one installation.
    """
    configured = settings.secrets.author_hash_key
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value().encode("utf-8")
    path = Path(settings.data_dir) / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another crawler process created it first
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            log.info("generated a new author hash key in %s", path)
    return path.read_text(encoding="utf-8").strip().encode("utf-8")


def hash_author(key: bytes, platform: str, author_id: str | int | None) -> str | None:
    if author_id is None or str(author_id) == "":
        return None
    return hmac.new(key, f"{platform}:{author_id}".encode("utf-8"), hashlib.sha256).hexdigest()
