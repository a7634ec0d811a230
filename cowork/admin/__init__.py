"""The admin for hosts and network admins, one module a capability.

Access comes from cowork's own roles, not Django's model permissions: a host (with
`is_staff`) sees and edits only the spaces of their own organization and what belongs to
them, inlines included; network admins see everything. The scope is applied to querysets,
object permissions, the choices of every foreign key, relation filters and the
autocomplete, so a host can neither read nor point at another organization's rows
(`scoping.py`).

Django's own privileges (superuser status, groups, model permissions) are for superusers
to give: a network admin manages the network, not who may administer it.

Django's autodiscovery imports this package; importing the modules below registers them.
`NetworkAdminOnly`, `ScopedToSpaces` and `ReadOnly` are imported from here by the other
apps' admins.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cowork.admin import bookings, events, people, spaces, visits  # noqa: F401  (registers)
from cowork.admin.scoping import NetworkAdminOnly, ReadOnly, ScopedToSpaces

__all__ = ["NetworkAdminOnly", "ReadOnly", "ScopedToSpaces"]

admin.site.site_header = _("cowork administration")
admin.site.site_title = _("cowork")
admin.site.index_title = _("Centres, resources and people")
