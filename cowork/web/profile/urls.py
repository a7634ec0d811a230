"""URLs of the profile pages, included by `cowork.web.urls` under its namespace."""

from django.urls import path

from cowork.web.profile import data, pages

urlpatterns = [
    path("profile/", pages.profile, name="profile"),
    path("profile/reminders/", pages.reminders, name="profile-reminders"),
    path("profile/demographics/", pages.demographics, name="profile-demographics"),
    path(
        "profile/demographics/withdraw/",
        pages.demographics_withdrawal,
        name="profile-demographics-withdraw",
    ),
    path("profile/data/", data.my_data, name="profile-data"),
    path("profile/data.json", data.my_data_file, name="profile-data-file"),
    path("profile/delete/", data.my_account_delete, name="profile-delete"),
    path("network/people/", data.network_people, name="network-people"),
    path("network/people/<int:person_id>/data/", data.person_data, name="network-person-data"),
    path(
        "network/people/<int:person_id>/data.json",
        data.person_data_file,
        name="network-person-data-file",
    ),
    path(
        "network/people/<int:person_id>/delete/",
        data.person_delete,
        name="network-person-delete",
    ),
]
