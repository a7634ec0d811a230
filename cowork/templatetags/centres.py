"""Template filters of centre management."""

from django import template

from cowork.selectors.access import user_manages_space

register = template.Library()


@register.filter
def managed_by(space, user) -> bool:
    """`{% if space|managed_by:user %}`: whether the user may manage the centre."""
    return bool(user and user.is_authenticated and user_manages_space(user=user, space=space))
