"""The version of what pages show: one number, moved on after every committed write."""

from django.db import models


class PageVersion(models.Model):
    """One row. Rendered pages are kept under the number they were read at
    (cowork.page_version); a write to any table that pages read moves it on, so no page
    rendered before the write is served after it."""

    number = models.BigIntegerField(default=0)

    class Meta:
        # Nobody edits it: it is bookkeeping, not data.
        default_permissions = ()

    def __str__(self) -> str:
        return str(self.number)
