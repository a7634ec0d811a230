"""The home page (every centre, by country, open or not, searchable) and a centre's page."""

from urllib.parse import quote

from django import forms
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from cowork.models import Space
from cowork.models.spaces import COUNTRIES
from cowork.selectors.equipment import equipment_groups, natural_key
from cowork.selectors.free_today import free_today
from cowork.selectors.spaces import centres_found, space_is_open_at
from cowork.web.events import public_upcoming_events
from cowork.web.page_cache import kept_page


class CentreSearchForm(forms.Form):
    """The home page's search: words of a name or city, a country, a city (a GET form)."""

    q = forms.CharField(label=_("Name or city"), max_length=100, required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("All countries")), *COUNTRIES]


@kept_page
@require_GET
def home(request):
    form = CentreSearchForm(request.GET)
    valid = form.is_valid()
    wanted = form.cleaned_data if valid else {}
    found = centres_found(
        now=timezone.now(),
        text=wanted.get("q", ""),
        country=wanted.get("country", ""),
        city=wanted.get("city", ""),
    )
    return render(
        request,
        "cowork/home.html",
        {
            "form": form,
            "searched": valid and any(wanted.values()),
            "found": found,
            "groups": found.groups,
            "chosen_city": wanted.get("city", ""),
        },
        status=200 if valid else 400,
    )


def directions_links(space: Space) -> dict[str, str]:
    """Where the centre is on OpenStreetMap and in a phone's map app (a `geo:` URI, RFC
    5870, whose query form every common map app reads), found by its address."""
    place = ", ".join(
        part
        for part in (space.address, space.city, space.region, str(space.get_country_display()))
        if part
    )
    return {
        "osm": f"https://www.openstreetmap.org/search?query={quote(place)}",
        "geo": f"geo:0,0?q={quote(place)}",
    }


@kept_page
@require_GET
def space_detail(request, slug):
    space = get_object_or_404(
        Space.objects.filter(is_active=True).prefetch_related(
            "opening_hours", "closures", "resources"
        ),
        slug=slug,
    )
    now = timezone.now()
    resources = list(space.resources.all())
    return render(
        request,
        "cowork/space_detail.html",
        {
            "space": space,
            "local_time": space.local_now(now),
            "is_open": space_is_open_at(space=space, moment=now),
            "on_plan": [resource for resource in resources if resource.on_plan],
            "rooms": [r for r in resources if r.kind == r.Kind.ROOM],
            "desks": [r for r in resources if r.kind == r.Kind.DESK],
            "equipment": equipment_groups(r for r in resources if r.kind == r.Kind.EQUIPMENT),
            "upcoming_closures": [c for c in space.closures.all() if c.ends_on >= now.date()],
            **_today(space, now),
            "directions": directions_links(space),
            "upcoming_events": public_upcoming_events(
                space=space, language=request.LANGUAGE_CODE, now=now
            ),
        },
    )


def _today(space: Space, now) -> dict:
    rows = sorted(free_today(space=space, now=now), key=lambda row: natural_key(row.resource.name))
    desks = [row for row in rows if row.resource.kind == row.resource.Kind.DESK]
    return {
        "today_rooms": [row for row in rows if row.resource.kind == row.resource.Kind.ROOM],
        "today_desks": desks,
        "free_desks_now": sum(1 for row in desks if row.free_now),
    }
