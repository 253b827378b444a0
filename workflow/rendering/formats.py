"""How numbers and dates are written in Vietnamese documents."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal


def long_date(day: date) -> str:
    """As in "ngày 16 tháng 6 năm 2025". Decree 30/2020 writes a day below 10 and the months 1 and 2 with a leading
    zero, so that no digit can be added later: "ngày 05 tháng 01 năm 2024"."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def clock(moment: datetime) -> str:
    """As in "8 giờ 05 phút"."""
    return f"{moment.hour} giờ {moment.minute:02d} phút"


def percent(fraction: Decimal) -> str:
    """As in "75%" or "66,7%": at most one decimal, with a decimal comma."""
    value = (Decimal(fraction) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value:f}".removesuffix(".0").replace(".", ",") + "%"


def thousands(amount: int) -> str:
    """As in "1.170.000": Vietnamese groups thousands with dots (a comma is the decimal mark)."""
    return f"{amount:,}".replace(",", ".")


def money(amount: int) -> str:
    """As documents write an amount in running text: "1.170.000 đồng"."""
    return f"{thousands(amount)} đồng"
