"""URLs of centre management, added to the `web` namespace by cowork/web/urls.py."""

from django.urls import path

from cowork.web.manage import calendar, centre, people, photo, resources

CENTRE = "centres/<slug:slug>/manage/"

urlpatterns = [
    path("manage/", centre.centres, name="manage-centres"),
    path("manage/new/", centre.centre_new, name="manage-centre-new"),
    path(CENTRE, centre.details, name="manage-centre"),
    path(f"{CENTRE}photo/", photo.photo, name="manage-photo"),
    path(f"{CENTRE}photo/remove/", photo.photo_remove, name="manage-photo-remove"),
    path(f"{CENTRE}rules/", centre.rules, name="manage-rules"),
    path(f"{CENTRE}sms/", centre.sms, name="manage-sms"),
    path(f"{CENTRE}hours/", calendar.hours, name="manage-hours"),
    path(f"{CENTRE}closures/", calendar.closures, name="manage-closures"),
    path(
        f"{CENTRE}closures/<int:pk>/remove/",
        calendar.closure_delete,
        name="manage-closure-remove",
    ),
    path(f"{CENTRE}resources/", resources.resources, name="manage-resources"),
    path(f"{CENTRE}resources/<int:pk>/", resources.resource_edit, name="manage-resource"),
    path(
        f"{CENTRE}resources/<int:pk>/retire/",
        resources.resource_retire_view,
        name="manage-resource-retire",
    ),
    path(
        f"{CENTRE}resources/<int:pk>/restore/",
        resources.resource_restore_view,
        name="manage-resource-restore",
    ),
    path(f"{CENTRE}plan/", resources.plan, name="manage-plan"),
    path(f"{CENTRE}people/", people.people, name="manage-people"),
    path(f"{CENTRE}people/<int:pk>/remove/", people.role_remove, name="manage-role-remove"),
    path(
        f"{CENTRE}people/invitations/<int:pk>/withdraw/",
        people.invitation_withdraw_view,
        name="manage-invitation-withdraw",
    ),
]
