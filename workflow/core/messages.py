"""User-facing messages that web/ can translate. workflow/ speaks Vietnamese, the interface's source language, and
never imports Flask; a message made with `msg` keeps its catalogue id and its values apart, so the web layer can
look the id up in the user's language and fill the values in there.

A Message is a str (the Vietnamese text), so code and tests that compare or join messages see plain text."""

from __future__ import annotations

from typing import Any


class Message(str):
    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid, text.params = msgid, params
        return text


def msg(msgid: str, **params: Any) -> Message:
    """A translatable message: `msg("Tối đa %(limit)s ký tự.", limit=200)`. The id is a literal string, so the
    catalogue extraction (`make messages`) finds it."""
    return Message(msgid, **params)


class DataLabel(str):
    """A name that comes from data with both forms stored (a title's name_vi / name_en, a document kind's): the
    Vietnamese text, carrying its English form for web/messages.py::translate."""

    en: str

    def __new__(cls, vi: str, en: str | None = None) -> DataLabel:
        text = super().__new__(cls, vi)
        text.en = en or vi
        return text


def data_label(row: Any) -> DataLabel:
    """The bilingual name of a rule-set row that has name_vi and (possibly) name_en."""
    return DataLabel(row.name_vi, getattr(row, "name_en", None))
