"""Inline SVG charts for report.html: no script, no external asset, well-formed XML.

Each function returns one `<svg>` element as a string; every label passes
through `html.escape`, so ids from a dataset cannot break the markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from evals.report.model import Confusion, Histogram, MetricValue

SVG_NS = "http://www.w3.org/2000/svg"
SERIES_COLOURS = ("#2f6db5", "#d9822b", "#4a9a5b", "#8e5ba8", "#c9a227", "#5f6b7a")


@dataclass(frozen=True)
class Bar:
    series: str
    value: MetricValue
    floor: float | None = None


@dataclass(frozen=True)
class BarGroup:
    label: str
    bars: list[Bar]


def _open(element_id: str, width: float, height: float, title: str) -> str:
    return (
        f'<svg xmlns="{SVG_NS}" id="{escape(element_id)}" role="img" class="chart" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">'
        f"<title>{escape(title)}</title>"
    )


def bar_chart(element_id: str, title: str, groups: list[BarGroup]) -> str:
    """Grouped bars on a 0-1 scale with bootstrap whiskers and dashed threshold marks."""
    series = list(dict.fromkeys(bar.series for group in groups for bar in group.bars))
    bar_w, gap, left, top, plot_h, label_h = 14.0, 18.0, 44.0, 28.0, 200.0, 110.0
    group_w = bar_w * max(len(series), 1) + gap
    width = left + group_w * max(len(groups), 1) + 80  # room for the last slanted label
    height = top + plot_h + label_h
    out = [_open(element_id, max(width, 320), height, title)]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        out.append(f'<line class="grid" x1="{left}" y1="{y:.1f}" x2="{width - 10:.1f}" y2="{y:.1f}"/>')
        out.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick:.2f}</text>')
    for index, name in enumerate(series):
        x = left + index * 110
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        out.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text class="legend" x="{x + 14}" y="15">{escape(name)}</text>')
    for g_index, group in enumerate(groups):
        x0 = left + g_index * group_w + gap / 2
        for bar in group.bars:
            s_index = series.index(bar.series)
            x = x0 + s_index * bar_w
            value = min(max(bar.value.value, 0.0), 1.0)
            y = top + plot_h * (1 - value)
            colour = SERIES_COLOURS[s_index % len(SERIES_COLOURS)]
            label = f"{group.label} {bar.series}: {bar.value.value:.3f}"
            if bar.value.ci_low is not None and bar.value.ci_high is not None:
                label += f" ({bar.value.ci_low:.3f}-{bar.value.ci_high:.3f})"
            out.append(
                f'<rect class="bar" data-group="{escape(group.label)}" data-series="{escape(bar.series)}" '
                f'x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{top + plot_h - y:.1f}" '
                f'fill="{colour}"><title>{escape(label)}</title></rect>'
            )
            out += _whisker(bar.value, x + (bar_w - 2) / 2, top, plot_h)
            if bar.floor is not None:
                fy = top + plot_h * (1 - bar.floor)
                out.append(
                    f'<line class="floor" x1="{x - 1:.1f}" y1="{fy:.1f}" x2="{x + bar_w - 1:.1f}" y2="{fy:.1f}">'
                    f"<title>{escape(f'{group.label} {bar.series} floor {bar.floor:.2f}')}</title></line>"
                )
        cx = x0 + bar_w * len(series) / 2
        ly = top + plot_h + 10
        out.append(
            f'<text class="label" x="{cx:.1f}" y="{ly:.1f}" transform="rotate(40 {cx:.1f} {ly:.1f})">'
            f"{escape(group.label)}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _whisker(value: MetricValue, cx: float, top: float, plot_h: float) -> list[str]:
    if value.ci_low is None or value.ci_high is None:
        return []
    y_low = top + plot_h * (1 - value.ci_low)
    y_high = top + plot_h * (1 - value.ci_high)
    return [
        f'<line class="whisker" x1="{cx:.1f}" y1="{y_low:.1f}" x2="{cx:.1f}" y2="{y_high:.1f}"/>',
        f'<line class="whisker" x1="{cx - 3:.1f}" y1="{y_low:.1f}" x2="{cx + 3:.1f}" y2="{y_low:.1f}"/>',
        f'<line class="whisker" x1="{cx - 3:.1f}" y1="{y_high:.1f}" x2="{cx + 3:.1f}" y2="{y_high:.1f}"/>',
    ]


def confusion_grid(element_id: str, title: str, confusion: dict[str, Confusion]) -> str:
    """One 2x2 matrix per category: rows are the label, columns the prediction."""
    cell, pad, per_row = 38.0, 26.0, 5
    block_w, block_h = cell * 2 + 70, cell * 2 + 48
    names = list(confusion)
    rows = (len(names) + per_row - 1) // per_row or 1
    width = pad + block_w * min(len(names), per_row)
    out = [_open(element_id, max(width, 320), pad + block_h * rows, title)]
    for index, name in enumerate(names):
        c = confusion[name]
        x0 = pad + (index % per_row) * block_w + 40
        y0 = pad + (index // per_row) * block_h + 18
        total = max(c.tp + c.fp + c.fn + (c.tn or 0), 1)
        out.append(f'<text class="label" x="{x0:.1f}" y="{y0 - 6:.1f}">{escape(name)}</text>')
        cells: list[tuple[int, int, str, int | None, str]] = [
            (0, 0, "tp", c.tp, "#4a9a5b"),
            (0, 1, "fn", c.fn, "#c0392b"),
        ]
        cells += [(1, 0, "fp", c.fp, "#d9822b"), (1, 1, "tn", c.tn, "#2f6db5")]
        for row, col, tag, count, colour in cells:
            x, y = x0 + col * cell, y0 + row * cell
            shown = "-" if count is None else str(count)
            opacity = 0.12 + 0.88 * ((count or 0) / total) ** 0.5
            out.append(
                f'<rect class="cell" data-kind="{tag}" x="{x:.1f}" y="{y:.1f}" width="{cell - 2:.1f}" '
                f'height="{cell - 2:.1f}" fill="{colour}" fill-opacity="{opacity:.2f}">'
                f"<title>{escape(f'{name} {tag}: {shown}')}</title></rect>"
            )
            ink = "count light" if opacity > 0.6 else "count"  # keep the count readable on a dark cell
            out.append(
                f'<text class="{ink}" x="{x + cell / 2 - 1:.1f}" y="{y + cell / 2 + 3:.1f}" '
                f'text-anchor="middle">{tag} {shown}</text>'
            )
        out.append(
            f'<text class="axis" x="{x0 - 4:.1f}" y="{y0 + cell / 2 + 3:.1f}" text-anchor="end">pos</text>'
        )
        out.append(
            f'<text class="axis" x="{x0 - 4:.1f}" y="{y0 + cell * 1.5 + 3:.1f}" text-anchor="end">neg</text>'
        )
    out.append("</svg>")
    return "".join(out)


def histogram_chart(element_id: str, title: str, histogram: Histogram) -> str:
    left, top, plot_w, plot_h = 44.0, 14.0, 520.0, 160.0
    counts = [*histogram.counts, histogram.overflow] if histogram.overflow else list(histogram.counts)
    peak = max(counts, default=0) or 1
    bar_w = plot_w / max(len(counts), 1)
    out = [_open(element_id, left + plot_w + 20, top + plot_h + 44, title)]
    out.append(
        f'<line class="grid" x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}"/>'
    )
    out.append(f'<text class="tick" x="{left - 6}" y="{top + 8}" text-anchor="end">{peak}</text>')
    out.append(f'<text class="tick" x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>')
    for index, count in enumerate(counts):
        overflow = index >= len(histogram.counts)
        h = plot_h * count / peak
        x = left + index * bar_w
        if overflow:
            span = f"at or past {histogram.edges[-1]:g} {histogram.unit}"
        else:
            span = f"{histogram.edges[index]:g}-{histogram.edges[index + 1]:g} {histogram.unit}"
        out.append(
            f'<rect class="{"overflow" if overflow else "bin"}" x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{bar_w - 2:.1f}" height="{h:.1f}"><title>{escape(f"{span}: {count}")}</title></rect>'
        )
    for index in range(0, len(histogram.edges), max(len(histogram.edges) // 5, 1)):
        x = left + index * bar_w
        out.append(
            f'<text class="tick" x="{x:.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle">'
            f"{histogram.edges[index]:g}</text>"
        )
    out.append(
        f'<text class="axis" x="{left + plot_w / 2:.1f}" y="{top + plot_h + 36:.1f}" text-anchor="middle">'
        f"{escape(histogram.unit)}{' (last bar: overflow)' if histogram.overflow else ''}</text>"
    )
    out.append("</svg>")
    return "".join(out)
