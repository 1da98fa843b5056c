"""Charts drawn on the server as SVG (includes/chart.html).

No script and no inline style, so they pass a strict Content-Security-Policy; colours come from
classes in site.css. Geometry is in percent of the width, so a chart fills a phone or a desktop
without shrinking its text; heights are in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format

# Bars stop short of the right edge: the value is written after the bar.
BAR_ROOM = 82.0
ROW_LABEL = 20  # px: the label line above each group
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_GAP = 14


@dataclass(frozen=True)
class Bar:
    series: int  # index of the series: its colour class is s<series>
    value: int
    width: float  # percent of the chart's width
    y: int
    text: str  # the value as the page writes numbers (10.040)


@dataclass(frozen=True)
class BarGroup:
    label: str
    y: int  # baseline of the label
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    title: str
    series: list[str]
    groups: list[BarGroup]
    height: int
    description: str  # what a screen reader says instead of the picture


def bar_chart(title: str, series: list[str], rows: list[tuple[str, list[int]]]) -> BarChart:
    """Horizontal bars, one group per row and one bar per series in each group (before/after)."""
    top = max((v for _label, values in rows for v in values), default=0) or 1
    groups, y = [], 0
    for label, values in rows:
        label_y = y + ROW_LABEL - 6
        y += ROW_LABEL
        bars = []
        for index, value in enumerate(values):
            bars.append(
                Bar(
                    series=index,
                    value=value,
                    width=round(BAR_ROOM * value / top, 2),
                    y=y,
                    text=number_format(value),
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        groups.append(BarGroup(label=label, y=label_y, bars=bars))
        y += GROUP_GAP
    description = "; ".join(
        f"{label}: "
        + ", ".join(f"{s} {number_format(v)}" for s, v in zip(series, values, strict=False))
        for label, values in rows
    )
    return BarChart(title, series, groups, max(y, 1), description)


@dataclass(frozen=True)
class Segment:
    series: int
    x: float
    width: float
    value: int


@dataclass(frozen=True)
class StackRow:
    label: str
    y: int
    bar_y: int
    total: int
    total_text: str
    total_x: float
    segments: list[Segment]


@dataclass(frozen=True)
class StackChart:
    title: str
    series: list[str]
    rows: list[StackRow]
    height: int
    description: str


def stack_chart(title: str, series: list[str], rows: list[tuple[str, list[int]]]) -> StackChart:
    """One horizontal bar per row (a date), split into the series (categories of units)."""
    top = max((sum(values) for _label, values in rows), default=0) or 1
    out, y = [], 0
    for label, values in rows:
        x, segments = 0.0, []
        for index, value in enumerate(values):
            width = round(BAR_ROOM * value / top, 2)
            if value:
                segments.append(Segment(index, round(x, 2), width, value))
            x += width
        out.append(
            StackRow(
                label=label,
                y=y + ROW_LABEL - 6,
                bar_y=y + ROW_LABEL,
                total=sum(values),
                total_text=number_format(sum(values)),
                total_x=round(x, 2),
                segments=segments,
            )
        )
        y += ROW_LABEL + BAR_HEIGHT + 4 + GROUP_GAP
    description = "; ".join(
        f"{label}: {number_format(sum(values))} ("
        + ", ".join(f"{s} {number_format(v)}" for s, v in zip(series, values, strict=False) if v)
        + ")"
        for label, values in rows
    )
    return StackChart(title, series, out, max(y, 1), description)
