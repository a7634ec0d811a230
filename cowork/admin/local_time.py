"""Times in the admin as the centre reads them, not in UTC.

A booking from 18:45 to 20:00 in Kyiv is stored as 16:45 UTC; the admin, whose active zone
is the site's (UTC), showed "4:45 p.m.". Two things fix that:

- a change page renders in its centre's zone (`timezone.override`), so every date and time
  on it, the inlines' too, is the centre's wall clock, and the page says which zone;
- the lists, whose rows may come from centres in three zones, show each row's time in its
  own centre's zone, with the zone's name, in a column sorted by the stored moment.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cowork.dates import local_datetime


def _space_of(obj, path: str):
    for step in path.split("__") if path else []:
        obj = getattr(obj, step, None)
    return obj


def local_column(field: str, description):
    """A list column: the row's `field` in its centre's zone, e.g. "Dec 7, 2026, 6:45 PM
    (Europe/Kyiv)"; sorted by the stored moment."""

    @admin.display(description=description, ordering=field)
    def column(self, obj):
        moment = getattr(obj, field)
        space = _space_of(obj, self.space_path)
        if moment is None or space is None:
            return self.get_empty_value_display()
        return f"{local_datetime(moment, space.zone)} ({space.time_zone})"

    column.__name__ = f"{field}_local"
    return column


class InCentreTime:
    """A ModelAdmin whose change page shows times in the object's centre's zone.

    Needs `space_path`, the lookup from the model to its Space (ScopedToSpaces has it).
    """

    space_path = "space"

    def object_in_centre_time(self, obj, space) -> str:
        """The object's name in the page's heading; one with times in it names them locally."""
        return str(obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        space = _space_of(obj, self.space_path) if obj is not None else None
        if space is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        note = _("Times in the centre's zone: %(zone)s") % {"zone": space.time_zone}
        extra_context = {
            **(extra_context or {}),
            "subtitle": f"{self.object_in_centre_time(obj, space)} · {note}",
        }
        with timezone.override(space.zone):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # A TemplateResponse renders later, outside this zone, unless rendered here.
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return response
