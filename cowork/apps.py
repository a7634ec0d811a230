import os

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What a forked child inherited, kept referenced so that no finalizer of it ever runs there.
_inherited: list = []
_fork_hook_registered = False


class CoworkConfig(AppConfig):
    name = "cowork"
    verbose_name = _("Centres and bookings")

    def ready(self):
        global _fork_hook_registered
        # Once per process: hooks cannot be unregistered, and ready() may run again.
        if not _fork_hook_registered:
            os.register_at_fork(after_in_child=forget_inherited_connections)
            _fork_hook_registered = True
        # Connects the sign-in receiver that keeps the profile's language in the session.
        # A freed room or desk goes to the first on its waitlist; the domain's own
        # subscriber, on the task lane, so the booking's answer never waits for it.
        from cowork import outbox, page_version
        from cowork.models import DomainEventKind
        from cowork.services.waits import offer_freed_booking
        from cowork.web import language  # noqa: F401

        # Every write moves the version of what pages show on (cowork.config.page_cache).
        page_version.install()
        for kind in (
            DomainEventKind.BOOKING_CANCELLED,
            DomainEventKind.BOOKING_RELEASED,
            DomainEventKind.BOOKING_DECLINED,
        ):
            outbox.subscribe(kind, offer_freed_booking, lane=outbox.TASKS)


def forget_inherited_connections() -> None:
    """In a forked child, drop the database connections and pools inherited from the parent.

    django-q2's cluster forks its workers after the parent has opened connections. A child
    that went on using them would share the parent's sockets: two processes talking over one
    PostgreSQL session interleave their messages ("the last operation didn't produce
    records"). The child opens its own on first use. Nothing is closed or finalized here:
    either would end the parent's sessions.
    """
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        _inherited.append(connection.connection)
        connection.connection = None
        connection.in_atomic_block = False
        connection.needs_rollback = False
        connection.savepoint_ids = []
        connection.run_on_commit = []
    for connection in connections.all(initialized_only=True):
        pools = getattr(type(connection), "_connection_pools", None)
        if pools:
            _inherited.append(dict(pools))
            pools.clear()
