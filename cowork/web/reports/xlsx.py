"""A workbook of plain tables written straight as XML: a sheet per table, its header row
bold and frozen, its columns as wide as set.

The report's XLSX is tens of thousands of cells (a year's events and their sentences);
openpyxl, even in its write-only mode, built a cell object and an element per value, and
writing took longer than the report itself. The parts written here are the ones openpyxl
wrote for the same workbook (inline strings, a bold font, a frozen first row, column
widths), so the file opens the same in spreadsheet programs and in openpyxl.
"""

import io
import zipfile
from decimal import Decimal
from xml.sax.saxutils import quoteattr

# A cell's text as XML in one pass: the characters XML 1.0 does not allow (openpyxl
# refused them) left out, markup escaped, a carriage return kept as one.
_XML_TEXT = str.maketrans(
    {
        **{code: None for code in [*range(0o0, 0o11), 0o13, 0o14, *range(0o16, 0o40)]},
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "\r": "&#13;",
    }
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><name val="Calibri"/><family val="2"/><sz val="11"/></font>'
    '<font><b val="1"/></font></fonts>'
    '<fills count="2"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/>'
    "</fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    "</cellStyleXfs>"
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    f'<worksheet xmlns="{_MAIN}"><sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A1" sqref="A1"/></sheetView></sheetViews>'
    '<sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
)


def column_letter(index: int) -> str:
    """ "A" for column 1, "AA" for 27."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _text(value: str, reference: str, style: str) -> str:
    if not value:
        return f'<c r="{reference}"{style} t="inlineStr"/>'
    # A cell holds at most 32,767 characters.
    text = value[:32767].translate(_XML_TEXT)
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _cell(value, reference: str, style: str = "") -> str:
    """One cell, as openpyxl writes it: numbers as numbers, text inline; "" for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _text(value, reference, style)
    if isinstance(value, bool):
        return f'<c r="{reference}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{reference}"{style} t="n"><v>{float(value):.16g}</v></c>'
    return _text(str(value), reference, style)


def _sheet(header: list, rows: list[list], widths: list[float]) -> str:
    letters = [column_letter(n + 1) for n in range(max([len(header), *map(len, rows)]))]
    parts = [_SHEET_START, "<cols>"]
    parts += [
        f'<col width="{width:g}" customWidth="1" min="{n}" max="{n}"/>'
        for n, width in enumerate(widths, start=1)
    ]
    parts.append("</cols><sheetData>")
    cells = "".join(_cell(value, f"{letters[n]}1", ' s="1"') for n, value in enumerate(header))
    parts.append(f'<row r="1">{cells}</row>')
    for number, row in enumerate(rows, start=2):
        cells = "".join(_cell(value, f"{letters[n]}{number}") for n, value in enumerate(row))
        parts.append(f'<row r="{number}">{cells}</row>')
    parts.append(
        '</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5"'
        ' footer="0.5"/></worksheet>'
    )
    return "".join(parts)


def workbook_bytes(sheets: list[tuple[str, list, list[list], list[float]]]) -> bytes:
    """An XLSX file of `sheets`: (name, header row, rows, column widths) each."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
        for n in range(1, len(sheets) + 1)
    )
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'
    )
    root_rels = (
        f'<Relationships xmlns="{_PACKAGE}"><Relationship Type="{_RELATIONSHIPS}/officeDocument"'
        ' Target="xl/workbook.xml" Id="rId1"/></Relationships>'
    )
    workbook = (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>'
        + "".join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
            for n, (name, *_rest) in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    workbook_rels = (
        f'<Relationships xmlns="{_PACKAGE}">'
        + "".join(
            f'<Relationship Type="{_RELATIONSHIPS}/worksheet"'
            f' Target="/xl/worksheets/sheet{n}.xml" Id="rId{n}"/>'
            for n in range(1, len(sheets) + 1)
        )
        + f'<Relationship Type="{_RELATIONSHIPS}/styles" Target="styles.xml"'
        f' Id="rId{len(sheets) + 1}"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/styles.xml", _STYLES)
        for n, (_name, header, rows, widths) in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", _sheet(header, rows, widths))
    return buffer.getvalue()
