"""The page an SMS from a one-way sender links to, for a place at an event.

A reply to an alphanumeric sender reaches nobody, so "Reply C to cancel" cannot be offered
there. The SMS gives this short signed link instead (the same token as the calendar file):
it shows the place, offers the calendar file, and cancels after one more press. Whoever
holds the SMS holds the phone, which is what a reply would have proved.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cowork.errors import DomainError
from cowork.models import Registration, RegistrationStatus
from cowork.phones import mask_phone
from cowork.services.events import registration_cancel
from notifications.ical import tokens


def registration_of_token(token: str) -> Registration:
    """The registration a signed SMS token names; 404 for any other token."""
    target = tokens.download_target(token)
    if target is None or target[0] != "registration":
        raise Http404
    return get_object_or_404(
        Registration.objects.select_related("event__space", "participant"), pk=target[1]
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def registration_by_sms(request, token: str):
    """GET: the place, its calendar file, a cancel button. POST: cancel it, once."""
    registration = registration_of_token(token)
    status = 200
    error = ""
    if request.method == "POST":
        try:
            registration_cancel(
                registration=registration,
                participant=registration.participant,
                now=timezone.now(),
            )
        except DomainError as refusal:
            error, status = refusal.message, 409 if refusal.code == "wrong_status" else 400
        else:
            messages.success(
                request, _("Your registration is cancelled. Thank you for letting us know.")
            )
            return redirect("notifications:registration-by-sms", token)
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "space": event.space,
        "title": event.title_in(get_language()),
        "sessions": list(event.sessions.all()),
        "masked_phone": mask_phone(registration.participant.phone),
        "can_cancel": registration.status != RegistrationStatus.CANCELLED,
        "token": token,
        "error": error,
    }
    return render(request, "notifications/sms/registration.html", context, status=status)
