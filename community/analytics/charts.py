"""Small SVG charts drawn on the server: a trend line, stacked shares and a histogram.

No script and no style attribute (the CSP allows neither inline): colours are SVG
presentation attributes, sizes come from a viewBox, so a chart scales to a phone's
width through the stylesheet. Every chart has a title for screen readers, and the
page shows the same numbers in a table.
"""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

W, H, PAD = 480, 240, 36
LEGEND = 44  # room above the stacked bars
COLOURS = {"peer": "#2f7d4f", "ambassador": "#c27c0e", "staff": "#2d5fa8", "case": "#8e3b8e"}
HISTOGRAM = [(0, 15), (15, 60), (60, 240), (240, 1440), (1440, 4320), (4320, None)]


def _bucket_labels() -> list[str]:
    return [_("under 15 min"), _("15–60 min"), _("1–4 h"), _("4–24 h"), _("1–3 days"),
            _("over 3 days")]


def _svg(title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg class="chart-svg" viewBox="0 0 {W} {H}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
        + "".join(body) + "</svg>")


def _label(x: float, y: float, text, anchor: str = "middle", size: int = 14) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="#444">{escape(str(text))}</text>')


def _axes() -> list[str]:
    return [f'<line x1="{PAD}" y1="{H - PAD}" x2="{W - 8}" y2="{H - PAD}" stroke="#999"/>',
            f'<line x1="{PAD}" y1="8" x2="{PAD}" y2="{H - PAD}" stroke="#999"/>']


def trend(title: str, points: list[dict]) -> Markup:
    """A line through ``points`` ({t, value}); None values break nothing (drawn as 0)."""
    values = [p["value"] or 0 for p in points]
    top = max(values, default=0) or 1
    step = (W - PAD - 16) / max(len(points) - 1, 1)
    xy = [(PAD + 8 + i * step, H - PAD - (v / top) * (H - PAD - 16)) for i, v in enumerate(values)]
    body = _axes() + [_label(PAD - 4, 16, _number(top), "end"), _label(PAD - 4, H - PAD, 0, "end")]
    if xy:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        body.append(f'<polyline points="{path}" fill="none" stroke="#2d5fa8" stroke-width="2"/>')
        body += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#2d5fa8"/>' for x, y in xy]
        every = max(len(points) // 6, 1)
        body += [_label(xy[i][0], H - PAD + 18, points[i]["t"][5:],
                        "end" if i == len(points) - 1 else "middle")
                 for i in range(0, len(points), every)]
    return _svg(title, body)


def stacked(title: str, bars: list[tuple[str, dict]], keys: list[str], names: dict) -> Markup:
    """One 100 % bar per period, split by ``keys`` (counts in each bar's dict)."""
    body = _axes()
    width = (W - PAD - 16) / max(len(bars), 1)
    for i, (label, counts) in enumerate(bars):
        total = sum(counts.get(k, 0) for k in keys)
        x, y = PAD + 8 + i * width, H - PAD
        for k in keys:
            if not total or not counts.get(k):
                continue
            h = counts[k] / total * (H - PAD - LEGEND)
            y -= h
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width * 0.8:.1f}" '
                        f'height="{h:.1f}" fill="{COLOURS.get(k, "#777")}"/>')
        body.append(_label(x + width * 0.4, H - PAD + 16, label[5:]))
    for j, k in enumerate(keys):  # the legend, above the plot, two by two
        lx, ly = PAD + 8 + (j % 2) * 200, (j // 2) * 18
        body.append(f'<rect x="{lx}" y="{ly + 2}" width="11" height="11" '
                    f'fill="{COLOURS.get(k, "#777")}"/>')
        body.append(_label(lx + 16, ly + 13, names[k], "start"))
    return _svg(title, body)


def histogram_counts(counts: list[int]) -> list[tuple[str, int]]:
    """The buckets' labels beside their counts (``figures.response_histogram``)."""
    return list(zip(_bucket_labels(), counts, strict=True))


def histogram(title: str, buckets: list[tuple[str, int]]) -> Markup:
    top = max((n for _l, n in buckets), default=0) or 1
    width = (W - PAD - 16) / len(buckets)
    body = _axes() + [_label(PAD - 4, 16, top, "end")]
    for i, (label, n) in enumerate(buckets):
        h = n / top * (H - PAD - 16)
        x = PAD + 8 + i * width
        body.append(f'<rect x="{x:.1f}" y="{H - PAD - h:.1f}" width="{width * 0.8:.1f}" '
                    f'height="{h:.1f}" fill="#2d5fa8"/>')
        body.append(_label(x + width * 0.4, H - PAD + 16, label, size=11))
        if n:
            body.append(_label(x + width * 0.4, H - PAD - h - 4, n))
    return _svg(title, body)


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
