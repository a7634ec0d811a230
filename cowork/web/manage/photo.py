"""The centre's photo: sent from a phone or a computer, shown small on the centre's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cowork.services.centres.photos import space_photo_remove, space_photo_set
from cowork.web.manage.common import managed_space, page, submit
from cowork.web.manage.forms import PhotoForm
from cowork.web.media import accepts_upload


@accepts_upload
@login_required
@require_http_methods(["GET", "POST"])
def photo(request, slug):
    space = managed_space(request, slug)
    form = PhotoForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        done = submit(
            request,
            form,
            lambda: space_photo_set(
                space=space, by=request.user, upload=form.cleaned_data["photo"]
            ),
        )
        if done.saved:
            messages.success(request, _("Photo saved. This is how visitors see it."))
            return redirect(request.path)
        status = done.status
    return page(request, space, "photo", "cowork/manage/photo.html", {"form": form}, status=status)


@login_required
@require_POST
def photo_remove(request, slug):
    space = managed_space(request, slug)
    space_photo_remove(space=space, by=request.user)
    messages.success(request, _("Photo removed."))
    return redirect("web:manage-photo", slug=space.slug)
