"""Documents as PDF: a Jinja template of templates/ rendered by WeasyPrint. Each document extends document.html,
the Decree 30/2020 page: A4, margins, Times New Roman 13 pt, the national title and motto, the issuing body, its
number, place and date, the signatures and the recipients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from workflow.rendering.formats import clock, long_date, money, percent, thousands

TEMPLATES = Path(__file__).parent / "templates"

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.filters.update(long_date=long_date, clock=clock, percent=percent, money=money, thousands=thousands)


@dataclass(frozen=True)
class Letterhead:
    """The top of the page: who issues the document, its number, where and when."""

    governing_body: str  # "UBND huyện Ngọc Hồi", printed in capitals above the issuing body; "" when there is none
    issuing_body: str
    symbol: str  # "BB-HĐTĐKT", written "Số: 12/BB-HĐTĐKT"
    place: str
    day: date
    number: int | None = None  # left blank for the clerk until the register gives one


@dataclass(frozen=True)
class Signer:
    capacity: tuple[str, ...]  # ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), printed in capitals
    name: str


def local_only() -> URLFetcher:
    """A document is made from the database alone: nothing it names (an image in a pasted text) is fetched, from
    the network or from this machine's files; only inline data: URLs load."""
    return URLFetcher(allowed_protocols={"data"})


def render_pdf(template_name: str, **context) -> bytes:
    html = _env.get_template(template_name).render(**context)
    return HTML(string=html, base_url=str(TEMPLATES), url_fetcher=local_only()).write_pdf()
