"""Page through a SELECT: `?page=` for HTML, `page`/`per_page` for the API."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from web.params import MAX_ID, int_arg


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def window(self, around: int = 2) -> list[int | None]:
        """The page numbers a pager shows: the first, the last and a few either side of this one, None for a gap;
        a list of 4,000 pages then renders a dozen links, not 4,000."""
        shown = sorted({1, self.pages, *range(max(1, self.page - around), min(self.pages, self.page + around) + 1)})
        numbers: list[int | None] = []
        for n in shown:
            if numbers and n - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers


def paginate(session: Session, query: Select, per_page: int = 25, max_per_page: int = 100) -> Page:
    page = int_arg("page", 1, MAX_ID, default=1)
    per_page = int_arg("per_page", 1, max_per_page, default=per_page)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)
