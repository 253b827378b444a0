"""The movement's content items (nội dung thi đua), read one way everywhere: registrations' targets and reports'
figures are keyed by the item's stable key."""

from __future__ import annotations

from dataclasses import dataclass

from models import Movement


@dataclass(frozen=True)
class ContentItem:
    key: str
    text: str


def content_items(movement: Movement) -> list[ContentItem]:
    """The items in order. Contents stored as plain strings take the keys nd1, nd2… by position; items stored as
    objects keep their own `key` (their text under `title` or `text`)."""
    items = []
    for position, item in enumerate(movement.contents or [], start=1):
        if isinstance(item, dict):
            key = str(item.get("key") or f"nd{position}")
            text = str(item.get("title") or item.get("text") or "")
        else:
            key, text = f"nd{position}", str(item)
        items.append(ContentItem(key, text))
    return items
