"""Domain messages in the reader's language. workflow/ writes Vietnamese (workflow.core.messages); a message made
with `msg` carries its catalogue id and values (a value may itself be a `msg`, translated in turn), a plain one is
looked up as it is, and anything the catalogue does not hold is shown in Vietnamese rather than not at all."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import get_locale, gettext

from workflow.core.messages import DataLabel, Message


def translate(message: str) -> str:
    if isinstance(message, DataLabel):
        return message.en if str(get_locale()) == "en" else str(message)
    if isinstance(message, Message):
        if not message.params:
            return gettext(message.msgid)
        params = {
            name: translate(v) if isinstance(v, (Message, DataLabel)) else v for name, v in message.params.items()
        }
        return gettext(message.msgid, **params)
    return gettext(message) if message else message


def translate_all(messages: Iterable[str]) -> list[str]:
    return [translate(m) for m in messages]


def translate_fields(errors: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    return {field: translate_all(messages) for field, messages in errors.items()}
