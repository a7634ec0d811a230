"""`{% report_rows table %}`: the body rows of a report's table (`cowork.web.reports.table`).

A year's report has tables of thousands of cells (the use of the space week by week); an
included template per cell made the page slow. The HTML is what `_table.html` wrote with
`_value.html`: row headers first, numbers aligned, "<5" and "x" explained by abbr, and a
dash for no value; values rendered as `{{ value }}` renders them (localized, escaped).
"""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cowork.selectors.reports.suppression import HIDDEN_MARK, SMALL_MARK

register = template.Library()


@register.simple_tag(takes_context=True)
def report_rows(context, table) -> str:
    no_value = format_html('<span title="{}">–</span>', _("No value"))
    marks = {
        SMALL_MARK: format_html(
            '<abbr title="{}">{}</abbr>',
            _("between 1 and 4, hidden to protect the people counted"),
            SMALL_MARK,
        ),
        HIDDEN_MARK: format_html(
            '<abbr title="{}">{}</abbr>',
            _("hidden too, so that a hidden small number cannot be worked out from the total"),
            HIDDEN_MARK,
        ),
    }
    headers, text_columns = table.row_header_columns, table.text_columns
    rows = []
    for row in table.rows:
        cells = []
        for index, value in enumerate(row):
            if index < headers:
                cells.append(f'<th scope="row">{render_value_in_context(value, context)}</th>')
                continue
            if value is None:
                shown = no_value
            elif isinstance(value, str) and value in marks:
                shown = marks[value]
            else:
                shown = render_value_in_context(value, context)
            numeric = "" if index in text_columns else ' class="num"'
            cells.append(f"<td{numeric}>{shown}</td>")
        rows.append(f"\n      <tr>{''.join(cells)}</tr>\n    ")
    # Every value was escaped above.
    return mark_safe("".join(rows))
