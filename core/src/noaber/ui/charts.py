"""Bar charts drawn on the server as SVG (no JavaScript), with a text alternative."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

WIDTH = 640
BAR_HEIGHT = 26
GAP = 8
LABEL_WIDTH = 200
VALUE_WIDTH = 70


def _number(value: object) -> float:
    if isinstance(value, int | float | Decimal):
        return float(value)
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return 0.0


def _fmt(value: float) -> str:
    return (
        f"{value:,.0f}".replace(",", ".")
        if value == int(value)
        else f"{value:.1f}".replace(".", ",")
    )


def bar_chart(title: str, labels: Sequence[object], values: Sequence[object], colour: str) -> str:
    """A horizontal bar chart; ``title`` is its accessible name (the table beside it
    carries the same figures for screen readers)."""
    numbers = [_number(v) for v in values]
    top = max([*numbers, 1.0])
    height = max(1, len(numbers)) * (BAR_HEIGHT + GAP) + GAP
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="noaber-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, number) in enumerate(zip(labels, numbers, strict=True)):
        y = GAP + i * (BAR_HEIGHT + GAP)
        width = 0 if top == 0 else max(0.0, number / top * span)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.1f}" text-anchor="end" '
            f'font-size="14" fill="#1a1a1a">{escape(str(label))[:32]}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
            f'fill="{escape(colour)}"/>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + BAR_HEIGHT * 0.7:.1f}" '
            f'font-size="14" fill="#1a1a1a">{_fmt(number)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
