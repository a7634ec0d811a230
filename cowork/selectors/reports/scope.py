"""Who may report on what: the centres and tags a viewer sees, and a donor's scope.

- network admins: every centre and every event;
- hosts and staff: the centres they work at (`spaces_staffed_by`) and their events;
- donors (users with DonorAccess rows): the events carrying one of their tags, where the tag
  may be used (an organization's tag on that organization's centres, a network tag
  anywhere), and of those events only: how many were held or cancelled, registrations,
  attendances, people, no-shows, the suppressed breakdowns, the months, each event's row.
  Centres appear only as where those events took place, with those events' figures. Desk,
  room and visit figures (utilization, visits, days open, heat maps) are never a donor's:
  they count everyone's use of a centre, not the donor's events. A donor who asks for a
  centre or a tag outside that scope is refused (NotAllowed), not answered.
  Someone who is both host and donor sees the union; desk, room and visit figures then
  cover only the centres they work at.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _

from cowork.errors import NotAllowed
from cowork.models import DonorAccess, Event, Space, Tag
from cowork.selectors.access import spaces_staffed_by, tags_visible_to, user_is_network_admin
from cowork.selectors.reports import ahead


@dataclass(frozen=True)
class ReportScope:
    every_centre: bool = False
    staffed_ids: frozenset[int] = frozenset()
    donor_tag_ids: frozenset[int] = frozenset()

    @property
    def donor_only(self) -> bool:
        return not self.every_centre and not self.staffed_ids

    def shows_use_of(self, space_id: int) -> bool:
        """Whether the viewer may see a centre's desk, room and visit figures."""
        return self.every_centre or space_id in self.staffed_ids


def user_has_donor_access(*, user) -> bool:
    return bool(user.is_authenticated and DonorAccess.objects.filter(user=user).exists())


def report_scope(*, user) -> ReportScope | None:
    """What `user` may report on; None for people with no role (anonymous, plain members)."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user_is_network_admin(user=user):
        return ReportScope(every_centre=True)
    staffed = frozenset(spaces_staffed_by(user=user).values_list("pk", flat=True))
    tags = frozenset(DonorAccess.objects.filter(user=user).values_list("tag_id", flat=True))
    if not staffed and not tags:
        return None
    return ReportScope(staffed_ids=staffed, donor_tag_ids=tags)


def _tagged(tag_ids: Iterable[int]) -> Q:
    """Events carrying one of `tag_ids` where it may be used: an organization's tag counts
    on its own centres' events only, whoever attached it elsewhere."""
    links = Event.tags.through.objects.filter(tag_id__in=tag_ids).filter(
        Q(tag__organization__isnull=True) | Q(tag__organization=F("event__space__organization"))
    )
    return Q(pk__in=links.values("event_id"))


def _visible_events(scope: ReportScope) -> Q:
    if scope.every_centre:
        return Q()
    visible = Q(space_id__in=scope.staffed_ids)
    if scope.donor_tag_ids:
        visible |= _tagged(scope.donor_tag_ids)
    return visible


def scope_for(viewer, *, space_ids, tag_ids) -> ReportScope:
    """The viewer's scope, once their filters are known to lie inside it.

    A centre or tag the viewer may not report on is refused rather than answered with an
    empty report: "nothing" would be a figure too.
    """
    scope = report_scope(user=viewer)
    if scope is None:
        raise NotAllowed(_("Reports are for network admins, hosts, staff and donors."))
    if scope.every_centre or not (space_ids or tag_ids):
        return scope
    choices = _choices(viewer, scope)
    if not set(space_ids or ()) <= {space.pk for space in choices.centres}:
        raise NotAllowed(_("You may not report on this centre."), code="centre_out_of_scope")
    if not set(tag_ids or ()) <= {tag.pk for tag in choices.tags}:
        raise NotAllowed(_("You may not report on this tag."), code="tag_out_of_scope")
    return scope


@dataclass(frozen=True)
class ReportChoices:
    """What the viewer may filter by: centres, countries and tags they can see."""

    centres: list[Space]
    countries: list[str]
    tags: list[Tag]


def report_choices(*, viewer) -> ReportChoices:
    scope = report_scope(user=viewer)
    if scope is None:
        return ReportChoices([], [], [])
    return _choices(viewer, scope)


def _choices(viewer, scope: ReportScope) -> ReportChoices:
    """`report_choices` for the viewer's scope, read already (`scope_for` has it)."""
    spaces = Space.objects.all()
    if not scope.every_centre:
        where = Q(pk__in=scope.staffed_ids)
        if scope.donor_tag_ids:
            where |= Q(pk__in=Event.objects.filter(_tagged(scope.donor_tag_ids)).values("space_id"))
        spaces = spaces.filter(where)
    centres = list(spaces.order_by("country", "city", "name"))
    tags = Tag.objects.filter(pk__in=scope.donor_tag_ids)
    if scope.every_centre or scope.staffed_ids:
        tags = Tag.objects.filter(Q(pk__in=tags_visible_to(user=viewer)) | Q(pk__in=tags))
    return ReportChoices(
        centres=centres,
        countries=sorted({space.country for space in centres}),
        tags=list(tags),
    )


def event_filter(
    scope: ReportScope, *, space_ids=None, countries=None, kinds=None, tag_ids=None
) -> Q:
    """The events a report of `scope` counts, narrowed by the filters (each None or a list)."""
    where = _visible_events(scope)
    if space_ids:
        where &= Q(space_id__in=space_ids)
    if countries:
        where &= Q(space__country__in=countries)
    if kinds:
        where &= Q(kind__in=kinds)
    if tag_ids:
        where &= _tagged(tag_ids)
    return where


def event_tags(viewer, scope: ReportScope, event_ids) -> list[tuple[int, int, str]]:
    """(event id, tag id, tag name) of `event_ids` (ids, or a query of them) for the tags
    the viewer may report on, each where it may be used (`_tagged`): one query."""
    return ahead.rows(event_tags_read(viewer, scope, event_ids))


def event_tags_read(viewer, scope: ReportScope, event_ids) -> QuerySet:
    """The one query of `event_tags`, to be read ahead (`ahead`)."""
    if not isinstance(event_ids, QuerySet):
        event_ids = list(event_ids)
    links = Event.tags.through.objects.filter(event_id__in=event_ids).filter(
        Q(tag__organization__isnull=True) | Q(tag__organization=F("event__space__organization"))
    )
    if not scope.every_centre:
        visible = Q(tag_id__in=scope.donor_tag_ids)
        if scope.staffed_ids:
            visible |= Q(tag_id__in=tags_visible_to(user=viewer).values("pk"))
        links = links.filter(visible)
    return links.order_by("tag__name", "tag_id").values_list("event_id", "tag_id", "tag__name")
