"""What a job keeps for later: its messages as JSON that still knows each message's catalogue id and values (so the
owner reads them in their own language), and its result file under the upload folder, by content hash."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from workflow.core.messages import DataLabel, Message
from workflow.dossiers.documents import content_path

FOLDER = "jobs"


def dump(message: Any) -> Any:
    """A message (and the messages among its values) as JSON."""
    if isinstance(message, Message):
        return {"msgid": message.msgid, "params": {name: dump(v) for name, v in message.params.items()}}
    if isinstance(message, DataLabel):
        return {"vi": str(message), "en": message.en}
    return message


def load(data: Any) -> Any:
    """The message `dump` kept, again as a Message web/messages.py::translate understands."""
    if isinstance(data, dict) and "msgid" in data:
        return Message(data["msgid"], **{name: load(v) for name, v in data["params"].items()})
    if isinstance(data, dict) and "vi" in data:
        return DataLabel(data["vi"], data["en"])
    return data


def path_of(upload_dir: Path, sha256: str) -> Path:
    return content_path(upload_dir / FOLDER, sha256)


def keep(upload_dir: Path, content: bytes) -> str:
    """Store `content` (once per content) and return its SHA-256; written beside its place, then renamed, so a
    reader never sees half a file."""
    sha256 = hashlib.sha256(content).hexdigest()
    final = path_of(upload_dir, sha256)
    if not final.exists():
        final.parent.mkdir(parents=True, exist_ok=True)
        handle, partial = tempfile.mkstemp(dir=final.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(partial, final)
    return sha256


def read(upload_dir: Path, sha256: str) -> bytes | None:
    path = path_of(upload_dir, sha256)
    return path.read_bytes() if path.is_file() else None
