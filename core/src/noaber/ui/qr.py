"""QR codes as inline SVG (segno), for the authenticator-app enrolment page."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(data: str, label: str) -> Markup:
    """``data`` as an inline SVG QR code (black on white, quiet zone included) with
    ``role="img"`` and ``label`` as its accessible name (its ``<title>``)."""
    svg = segno.make(data, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title=label, svgclass="noaber-qr"
    )
    return Markup(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S704 - segno escapes the title
