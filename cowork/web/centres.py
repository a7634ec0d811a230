"""The home page (every centre, by country, open or not) and a centre's own page."""

from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from cowork.models import Space
from cowork.selectors.spaces import space_is_open_at, spaces_by_country
from cowork.web.events import public_upcoming_events


@require_GET
def home(request):
    now = timezone.now()
    groups = spaces_by_country(now=now)
    return render(
        request,
        "cowork/home.html",
        {
            "groups": groups,
            "space_total": sum(len(group.spaces) for group in groups),
            "open_total": sum(status.is_open for group in groups for status in group.spaces),
        },
    )


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
            "equipment": [r for r in resources if r.kind == r.Kind.EQUIPMENT],
            "upcoming_closures": [c for c in space.closures.all() if c.ends_on >= now.date()],
            "upcoming_events": public_upcoming_events(
                space=space, language=request.LANGUAGE_CODE, now=now
            ),
        },
    )
