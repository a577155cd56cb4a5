"""CSV and Excel exports of the report tables shown on the reports page."""

from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from noaber.ui.contrib import ReportTable

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: Any) -> Any:
    # A cell that starts like a formula is exported as text (CSV/formula injection).
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(_safe_text(value))


def to_csv(table: ReportTable) -> bytes:
    """Semicolon-separated with a BOM, as Dutch spreadsheet programs expect."""
    out = StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: ReportTable) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.name[:31]
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([_safe_text(v) for v in row])
    for i, column in enumerate(table.columns, start=1):
        longest = max([len(str(column)), *(len(str(r[i - 1])) for r in table.rows)])
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = min(60, longest + 2)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
