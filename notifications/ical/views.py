"""Calendar feeds and pages: thin shims over `feeds` (reads) and `tokens` (secrets).

A feed answers a conditional request from its version alone (a few aggregate queries) and
renders only when the client's copy is stale.
"""

import datetime
import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cowork.models import Booking, Event, Registration, Resource, Space
from cowork.selectors.accounts import person_time_zone
from notifications.ical import tokens, versions
from notifications.ical.dates import local_when
from notifications.ical.feeds.bookings import booking_items, room_feed_items
from notifications.ical.feeds.common import CANCELLED, FeedVersion
from notifications.ical.feeds.events import event_feed_items, programme_items
from notifications.ical.feeds.members import member_feed_items, member_language, registration_items
from notifications.ical.render import render_calendar

CONTENT_TYPE = "text/calendar; charset=utf-8"
# Clients poll subscriptions on their own schedule; this is our hint to them.
REFRESH = datetime.timedelta(hours=1)
_SESSION_KEY = "notifications.ical.new_feed_key"


def clock() -> datetime.datetime:
    """The time feeds are built at; one seam, so tests can stand on a chosen day."""
    return timezone.now()


def _feed_response(request, *, version: FeedVersion, build, filename: str, private: bool):
    """A 304 when the client's copy is current; else the rendered feed (headers only on HEAD)."""
    last_modified = int(version.last_modified.timestamp())
    response = get_conditional_response(request, etag=version.etag, last_modified=last_modified)
    if response is None:
        body = build()
        response = HttpResponse(
            b"" if request.method == "HEAD" else body, content_type=CONTENT_TYPE
        )
        response["Content-Length"] = str(len(body))
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = version.etag
    response["Last-Modified"] = http_date(last_modified)
    # A private feed's URL is its secret: no shared cache may keep a copy.
    if private:
        patch_cache_control(response, private=True, no_cache=True)
        response["Referrer-Policy"] = "no-referrer"
    else:
        patch_cache_control(response, public=True, max_age=300)
    return response


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _language(request, default: str) -> str:
    wanted = request.GET.get("lang", "")
    return wanted if wanted in dict(settings.LANGUAGES) else default


def _calendar_feed(request, *, version: FeedVersion, read, filename: str, private: bool):
    """A feed whose `read()` gives its items and its name, called only when the client's
    copy is stale."""

    def build() -> bytes:
        items, name = read()
        return render_calendar(
            items, method=None, stamp=version.last_modified, name=name, refresh=REFRESH
        )

    return _feed_response(request, version=version, build=build, filename=filename, private=private)


@require_http_methods(["GET", "HEAD"])
def member_feed(request, key):
    """The private feed of one member; a key that is not live reads as missing."""
    owner_id = tokens.feed_token_owner_id(key=key)
    if owner_id is None:
        raise Http404
    now = clock()

    def read():
        owner = get_user_model().objects.select_related("member").get(pk=owner_id)
        with translation.override(member_language(owner)):
            name = _("cowork — %(name)s") % {"name": owner.get_full_name() or owner.get_username()}
            return member_feed_items(user=owner, now=now, base_url=_base_url(request)), name

    version = versions.member_feed_version(user_id=owner_id, now=now)
    return _calendar_feed(request, version=version, read=read, filename="cowork.ics", private=True)


def _public_space(slug: str) -> Space:
    return get_object_or_404(Space, slug=slug, is_active=True)


@require_http_methods(["GET", "HEAD"])
def programme_feed(request, slug):
    """A centre's public events, every session."""
    space = _public_space(slug)
    now = clock()
    language = _language(request, space.default_language)

    def read():
        with translation.override(language):
            items = programme_items(
                space=space, language=language, now=now, base_url=_base_url(request)
            )
            return items, _("%(centre)s — events") % {
                "centre": space.name_in(translation.get_language())
            }

    version = versions.programme_version(space_id=space.pk, language=language, now=now)
    return _calendar_feed(
        request, version=version, read=read, filename=f"{space.slug}.ics", private=False
    )


@require_http_methods(["GET", "HEAD"])
def event_feed(request, pk):
    """The sessions of one public event, such as a course's weekly meetings."""
    event = get_object_or_404(
        Event.objects.select_related("space"), pk=pk, is_public=True, space__is_active=True
    )
    now = clock()
    language = _language(request, event.space.default_language)

    def read():
        with translation.override(language):
            items = event_feed_items(
                event=event, language=language, now=now, base_url=_base_url(request)
            )
        return items, event.title_in(language)

    version = versions.event_feed_version(
        event_id=event.pk, space_id=event.space_id, language=language, now=now
    )
    return _calendar_feed(
        request, version=version, read=read, filename=f"event-{event.pk}.ics", private=False
    )


@require_http_methods(["GET", "HEAD"])
def room_feed(request, pk):
    """When a room is taken, without names or purposes."""
    room = get_object_or_404(
        Resource.objects.select_related("space"),
        pk=pk,
        kind=Resource.Kind.ROOM,
        space__is_active=True,
    )
    now = clock()
    language = _language(request, room.space.default_language)

    def read():
        with translation.override(language):
            name = _("%(room)s, %(centre)s — busy") % {
                "room": room.name_in(translation.get_language()),
                "centre": room.space.name_in(translation.get_language()),
            }
            return room_feed_items(room=room, now=now), name

    version = versions.room_feed_version(room_id=room.pk, language=language, now=now)
    return _calendar_feed(
        request, version=version, read=read, filename=f"room-{room.pk}.ics", private=False
    )


@require_http_methods(["GET", "HEAD"])
def ics_download(request, token):
    """One booking or place at an event as a file, for people who got a link by SMS."""
    target = tokens.download_target(token)
    if target is None:
        raise Http404
    kind, pk = target
    base_url = _base_url(request)
    if kind == "booking":
        booking = get_object_or_404(Booking.objects.select_related("booked_by__member"), pk=pk)
        language = member_language(booking.booked_by)
        with translation.override(language):
            items = booking_items(booking=booking)
    else:
        registration = get_object_or_404(
            Registration.objects.select_related("event__space", "event__room", "participant"),
            pk=pk,
        )
        language = registration.participant.language or registration.event.space.default_language
        with translation.override(language):
            items = registration_items(registration, language=language, base_url=base_url)
    return _download_response(request, items, filename="cowork.ics")


def _download_response(request, items, *, filename: str):
    """One booking's or place's items as a private file to save; 404 when there are none."""
    if not items:
        raise Http404
    stamp = max(item.last_modified for item in items)
    body = render_calendar(items, method=None, stamp=stamp)
    version = FeedVersion(
        etag=f'"{hashlib.sha256(body).hexdigest()[:32]}"',
        last_modified=stamp.replace(microsecond=0),
    )
    response = _feed_response(
        request, version=version, build=lambda: body, filename=filename, private=True
    )
    if response.status_code == 200:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD"])
def booking_download(request, pk):
    """One of the signed-in member's own bookings as a file, from My bookings ("Add to
    calendar"); anyone else's booking does not exist here."""
    booking = get_object_or_404(
        Booking.objects.select_related("resource", "space", "booked_by__member"),
        pk=pk,
        booked_by=request.user,
    )
    with translation.override(member_language(booking.booked_by)):
        items = booking_items(booking=booking)
    return _download_response(request, items, filename=f"booking-{booking.pk}.ics")


# Pages ----------------------------------------------------------------------------------


def _subscribe_links(request, path: str) -> dict:
    https = request.build_absolute_uri(path)
    return {"https_url": https, "webcal_url": "webcal://" + https.split("://", 1)[1]}


@login_required
@require_http_methods(["GET", "HEAD"])
def profile_calendar(request):
    """The member's calendar link: shown once when made, rotatable and revocable."""
    key = request.session.pop(_SESSION_KEY, None)
    live = tokens.feed_token_live(owner=request.user)
    zone = person_time_zone(user=request.user) or settings.TIME_ZONE
    context = {"live": live, "new_link": None, "zone": zone}
    if key is not None and live is not None:
        context["new_link"] = _subscribe_links(
            request, reverse("notifications:member-feed", args=[key])
        )
    return render(request, "notifications/ical/profile_calendar.html", context)


@login_required
@require_POST
def profile_calendar_rotate(request):
    key = tokens.feed_token_rotate(owner=request.user)
    # Kept for the one page view that shows it, never in the database.
    request.session[_SESSION_KEY] = key
    return redirect("notifications:profile-calendar")


@login_required
@require_POST
def profile_calendar_revoke(request):
    tokens.feed_token_revoke(owner=request.user)
    request.session.pop(_SESSION_KEY, None)
    return redirect("notifications:profile-calendar")


@require_http_methods(["GET", "HEAD"])
def programme_page(request, slug):
    """A centre's coming public events, with the buttons to subscribe to them."""
    space = _public_space(slug)
    now = clock()
    language = _language(request, getattr(request, "LANGUAGE_CODE", space.default_language))
    items = [
        (item, local_when(item.starts_at, space.zone, language))
        for item in programme_items(
            space=space, language=language, now=now, base_url=_base_url(request)
        )
        if item.ends_at > now and item.status != CANCELLED
    ]
    return render(
        request,
        "notifications/ical/programme.html",
        {
            "space": space,
            "items": items[:50],
            **_subscribe_links(request, reverse("notifications:programme-feed", args=[space.slug])),
        },
    )
