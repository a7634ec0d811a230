from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoworkConfig(AppConfig):
    name = "cowork"
    verbose_name = _("Centres and bookings")
