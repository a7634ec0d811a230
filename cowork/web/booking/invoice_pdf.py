"""An invoice as a PDF, in the reader's language.

fpdf2 writes it: pure Python, kept up, and it embeds a subset of a TrueType font, so
Cyrillic, Azerbaijani (ə, ğ, ş) and Uzbek (oʻ) letters print and the file stays small
(about 20 KB). The font, DejaVu Sans cut to Latin and Cyrillic, ships in `cowork/fonts`:
no system font is needed where the site runs.
"""

import logging
from pathlib import Path

from django.utils.translation import gettext as _

from cowork.dates import local_datetime
from cowork.models import Invoice
from cowork.selectors.rentals import money

FONTS = Path(__file__).resolve().parents[2] / "fonts"

# fpdf2 subsets the font through fontTools, which logs each step at INFO: some thirty lines
# a PDF in the request log, none of them news.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice's PDF; `invoice.booking` is read with its resource, space and holder."""
    # fpdf2 with fontTools is imported here, not with the site's pages: a fifth of a second
    # of CPU that every web process and management command paid, for the few that write one.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    booking = invoice.booking
    space = invoice.space
    zone = space.zone
    pdf = FPDF(format="A4")
    pdf.set_title(_("Invoice %(number)s") % {"number": invoice.label})
    pdf.set_author(invoice.organization.name)
    pdf.set_creator("cowork")
    pdf.add_font("DejaVu", "", FONTS / "DejaVuSans.ttf")
    pdf.add_font("DejaVu", "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_margins(20, 20, 20)
    pdf.add_page()

    def line(text: str, *, size: int = 11, bold: bool = False, gap: float = 6) -> None:
        pdf.set_font("DejaVu", "B" if bold else "", size)
        pdf.multi_cell(0, gap, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(_("Invoice %(number)s") % {"number": invoice.label}, size=18, bold=True, gap=10)
    line(_("Issued: %(date)s") % {"date": local_datetime(invoice.issued_at, zone)})
    pdf.ln(4)
    line(invoice.organization.name, bold=True)
    line(", ".join(part for part in (space.name, space.address, space.city) if part))
    if space.contact_phone:
        line(str(space.contact_phone))
    pdf.ln(4)
    line(_("Billed to"), bold=True)
    line(invoice.billed_to)
    pdf.ln(6)

    pdf.set_font("DejaVu", "B", 11)
    width = pdf.epw
    pdf.cell(width * 0.7, 8, _("Rental"), border="B")
    pdf.cell(
        width * 0.3, 8, _("Amount"), border="B", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font("DejaVu", "", 11)
    what = _("%(resource)s, %(start)s – %(end)s") % {
        "resource": booking.resource.name,
        "start": local_datetime(booking.starts_at, zone),
        "end": local_datetime(booking.ends_at, zone),
    }
    top = pdf.get_y()
    pdf.multi_cell(width * 0.7, 7, what, new_x=XPos.RIGHT, new_y=YPos.TOP)
    pdf.cell(width * 0.3, 7, money(invoice.amount, invoice.currency), align="R")
    pdf.set_y(max(pdf.get_y(), top + 14))
    pdf.set_font("DejaVu", "B", 12)
    pdf.cell(width * 0.7, 10, _("Total"), border="T")
    pdf.cell(
        width * 0.3,
        10,
        money(invoice.amount, invoice.currency),
        border="T",
        align="R",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    if hasattr(booking, "payment"):
        pdf.ln(4)
        line(
            _("Paid on %(date)s.") % {"date": local_datetime(booking.payment.marked_at, zone)},
            bold=True,
        )
    return bytes(pdf.output())
