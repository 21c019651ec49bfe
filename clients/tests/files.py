"""Spreadsheet files for the import tests: honest ones and hostile ones (issue #28, item 3)."""

import io
import zipfile

from openpyxl import Workbook


def xlsx(rows) -> bytes:
    """An honest workbook, as Excel or openpyxl writes it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_sheet(sheet_xml: bytes, *, shared_strings: bytes | None = None) -> bytes:
    """An honest one-row workbook whose first sheet's XML is replaced, packed as tightly as
    zip allows: a small file that unpacks to a huge one."""
    template = zipfile.ZipFile(io.BytesIO(xlsx([["a"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as packed:
        for info in template.infolist():
            data = template.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml
            packed.writestr(info.filename, data)
        if shared_strings is not None:
            packed.writestr("xl/sharedStrings.xml", shared_strings)
    return out.getvalue()


def sheet(rows_xml: bytes, *, dimension: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + (b'<dimension ref="' + dimension + b'"/>' if dimension else b"")
        + b"<sheetData>"
        + rows_xml
        + b"</sheetData></worksheet>"
    )


def one_cell_rows(count: int) -> bytes:
    """``count`` rows of one text cell each, without row numbers (they are optional): about
    60 KB for 400,000 rows (the tester's file, issue #28 item 3)."""
    return with_sheet(sheet(b'<row><c t="inlineStr"><is><t>a</t></is></c></row>' * count))
