"""Pure helpers that turn profile data into words and chart geometry (no database)."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

CHART_MAX_YEARS = 40
CHART_TARGET_WIDTH = 360  # the plot is about this wide whatever the number of years
CHART_MIN_STEP, CHART_MAX_STEP = 9, 56
CHART_LABEL_SPACING = 34  # a year label needs this much room
CHART_PLOT_HEIGHT = 96
CHART_TOP = 18  # room for the count above the tallest bar
CHART_BOTTOM = 20  # room for the year labels
CHART_SIDE = 6


def _join_names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def profile_summary(*, topic_names: list[str], years: list[int], works: int) -> str:
    """One sentence from real data, e.g. ``Publishes on A and B; 5 works from 2020 to 2024.``"""
    if works == 0:
        return "No published work has been imported for this researcher yet."
    count = f"{works} work{'' if works == 1 else 's'}"
    if years:
        first, last = min(years), max(years)
        when = f" in {first}" if first == last else f" from {first} to {last}"
    else:
        when = ""
    if topic_names:
        return f"Publishes on {_join_names(topic_names[:3])}; {count}{when}."
    return f"{count[0].upper()}{count[1:]} on record{when}."


@dataclass(frozen=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    height: float
    label_x: float
    value_y: float  # where the count is written, just above the bar
    show_label: bool


@dataclass(frozen=True)
class YearChart:
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    max_count: int
    first_year: int
    last_year: int
    omitted_before: int  # works older than the first year drawn
    total: int
    bar_width: float

    @property
    def description(self) -> str:
        busiest = max(self.bars, key=lambda bar: (bar.count, bar.year))
        return (
            f"{self.total} dated work{'' if self.total == 1 else 's'} from {self.first_year} to "
            f"{self.last_year}; the busiest year is {busiest.year} with {busiest.count}."
        )


def year_chart(counts: list[tuple[int | None, int]]) -> YearChart | None:
    """Bar geometry for works per year, every year in the range drawn (gaps as empty years)."""
    dated = {year: count for year, count in counts if year is not None and count > 0}
    if not dated:
        return None
    last = max(dated)
    first = max(min(dated), last - CHART_MAX_YEARS + 1)
    omitted = sum(count for year, count in dated.items() if year < first)
    years = list(range(first, last + 1))
    max_count = max(dated.get(year, 0) for year in years)
    step = min(max(CHART_TARGET_WIDTH / len(years), CHART_MIN_STEP), CHART_MAX_STEP)
    bar_width = round(step * 0.62, 1)
    label_every = ceil(CHART_LABEL_SPACING / step)
    baseline = CHART_TOP + CHART_PLOT_HEIGHT
    bars = []
    for index, year in enumerate(years):
        count = dated.get(year, 0)
        height = round(CHART_PLOT_HEIGHT * count / max_count, 1) if max_count else 0
        x = round(CHART_SIDE + index * step + (step - bar_width) / 2, 1)
        bars.append(
            Bar(
                year=year,
                count=count,
                x=x,
                y=round(baseline - height, 1),
                height=height,
                label_x=round(x + bar_width / 2, 1),
                value_y=round(baseline - height - 4, 1),
                show_label=(len(years) - 1 - index) % label_every == 0,
            )
        )
    return YearChart(
        width=round(CHART_SIDE * 2 + len(years) * step),
        height=baseline + CHART_BOTTOM,
        baseline=baseline,
        bars=bars,
        max_count=max_count,
        first_year=first,
        last_year=last,
        omitted_before=omitted,
        total=sum(dated.values()),
        bar_width=bar_width,
    )
