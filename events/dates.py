"""Dates known to a day, a month or a year, and how they are shown.

A date known only to the month or year is stored as the first day of that period; its precision
says how much of it is known, and every display goes through `format_date` so that "2025-12-01"
with month precision reads "December 2025", never a made-up first of the month.
"""

import datetime

from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "Day"
    ESTIMATED = "estimated", "Estimated day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def precision_error(value, precision):
    """Why `value` cannot carry `precision`, or None when they agree."""
    if value is None or not precision:
        return None
    if precision == Precision.MONTH and value.day != 1:
        return (
            f"A date known only to the month is stored as the first of that month: "
            f"use {value:%Y-%m}-01 for {value:%B %Y}, or set the precision to day."
        )
    if precision == Precision.YEAR and (value.month, value.day) != (1, 1):
        return (
            f"A date known only to the year is stored as 1 January: use {value.year}-01-01 "
            f"for {value.year}, or set the precision to day or month."
        )
    return None


def format_date(value, precision=Precision.DAY):
    """'12 February 2026', 'about 4 June 2021', 'December 2025' or '2022'."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return f"{value:%B} {value.year}"
    text = f"{value.day} {value:%B} {value.year}"
    return f"about {text}" if precision == Precision.ESTIMATED else text


def shifted(day, years=0, days=0):
    """The day `years` or `days` away (29 February to 28 February), or None past the calendar's
    ends, years 1 and 9999: the status pages step through time, and a step may fall off the end."""
    try:
        if days:
            return day + datetime.timedelta(days=days)
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February in a year without one
            return day.replace(year=day.year + years, day=28)
    except (ValueError, OverflowError):
        return None
