"""API tokens: issue one (its key is shown once), revoke it, and accept it on a request.

Only the SHA-256 of a key is stored, so a leaked database does not leak usable keys.
"""

import datetime
import functools

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import CharField, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cowork.db import Param, Prepared, built
from cowork.errors import InvalidInput
from cowork.models import ApiToken, Member, Organization
from cowork.selectors.access import HOLDS_SPACE_ROLE, holds_space_role_annotation

# Writing last_used_at on every request would turn each API read into a write; a minute's
# precision is enough to tell a live token from a forgotten one.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Issue a token for `user`; return it with its plain key, which is never shown again."""
    name = name.strip()
    if not name:
        raise InvalidInput(_("Give the token a name, e.g. the script it is for."), code="no_name")
    if len(name) > ApiToken._meta.get_field("name").max_length:
        raise InvalidInput(_("The token's name is too long."), code="name_too_long")
    key = ApiToken.new_key()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=key[:8], key_hash=ApiToken.hash(key)
        )
    return token, key


def api_token_revoke(*, token: ApiToken, now: datetime.datetime | None = None) -> ApiToken:
    """Revoke `token`; it stops working with the next request. Revoking twice changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        token.refresh_from_db(fields=["revoked_at"])
    return token


def api_token_authenticate(*, key: str, now: datetime.datetime | None = None) -> ApiToken | None:
    """The live token with this key and an active user, or None; notes when it was used.

    `last_used_at` is written at most once a minute per token, by a conditional UPDATE, so
    concurrent requests with the same token never queue behind each other on that row.
    """
    if not key:
        return None
    token = _live_token(ApiToken.hash(key))
    if token is None:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or token.last_used_at <= now - LAST_USED_PRECISION:
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_PRECISION),
            pk=token.pk,
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


@functools.cache
def _columns(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _build_live_token():
    """The token with its user, the user's member profile and its organization, and
    whether the user holds any space role: roles and prices ask for them in nearly every
    request, so a member's requests ask nothing more."""
    chain = (("", ApiToken), ("user__", get_user_model()), ("user__member__", Member))
    chain += (("user__member__organization__", Organization),)
    return (
        ApiToken.objects.filter(
            key_hash=Param("key_hash", CharField()), revoked_at__isnull=True, user__is_active=True
        )
        .annotate(user_holds_role=holds_space_role_annotation("user_id"))
        .values_list(
            *(f"{prefix}{name}" for prefix, model in chain for name in _columns(model)),
            "user_holds_role",
        )
    )


# Every API request reads its token so: built and compiled once.
_LIVE_TOKEN = Prepared(_build_live_token)


def _live_token(key_hash: str) -> ApiToken | None:
    rows = _LIVE_TOKEN.rows(key_hash=key_hash)
    if not rows:
        return None
    row, instances = list(rows[0]), []
    for model in (ApiToken, get_user_model(), Member, Organization):
        columns = _columns(model)
        values, row = row[: len(columns)], row[len(columns) :]
        pk = values[columns.index(model._meta.pk.attname)]
        instances.append(built(model, values, db="default") if pk is not None else None)
    token, user, member, organization = instances
    token.user = user
    if member is None:
        type(user).member.related.set_cached_value(user, None)
    else:
        member.organization = organization
        member.user = user  # and user.member, the other way
    setattr(user, HOLDS_SPACE_ROLE, row[0])
    return token
