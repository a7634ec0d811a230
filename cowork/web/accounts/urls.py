"""URLs of accounts. The sign-in paths are those SMS and bookmarks already link."""

from django.urls import path

from cowork.web.accounts import hosts, invitations, phone_change, recovery, sign_in, sign_up

app_name = "accounts"

urlpatterns = [
    # Sign-in by a code sent by SMS, for members without a password.
    path("signin/sms/", sign_in.sign_in_sms, name="sign-in-sms"),
    path("signin/sms/code/", sign_in.sign_in_sms_code, name="sign-in-sms-code"),
    # A new password: by e-mail (Django's views) or by a code by SMS. All under
    # password_reset/, which nginx limits per address.
    path("password_reset/", recovery.password_reset, name="password-reset"),
    # Before the confirm pattern, which two path segments would also match.
    path("password_reset/sms/", recovery.password_reset_sms, name="password-reset-sms"),
    path(
        "password_reset/sms/code/",
        recovery.password_reset_sms_code,
        name="password-reset-sms-code",
    ),
    path("password_reset/done/", recovery.password_reset_done, name="password-reset-done"),
    path(
        "password_reset/<uidb64>/<token>/",
        recovery.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path(
        "password_reset/complete/",
        recovery.password_reset_complete,
        name="password-reset-complete",
    ),
    # A change of phone number, linked from the profile.
    path("account/phone/", phone_change.phone_change, name="phone-change"),
    path("account/phone/code/", phone_change.phone_change_code, name="phone-change-code"),
    path("signup/", sign_up.sign_up, name="sign-up"),
    path("signup/code/", sign_up.sign_up_code, name="sign-up-code"),
    # Hosts: who waits for approval, and invitations.
    path("centres/<slug:slug>/members/", hosts.members, name="members"),
    path(
        "centres/<slug:slug>/members/<int:pk>/approve/",
        hosts.member_decide,
        {"approve": True},
        name="member-approve",
    ),
    path(
        "centres/<slug:slug>/members/<int:pk>/decline/",
        hosts.member_decide,
        {"approve": False},
        name="member-decline",
    ),
    path("centres/<slug:slug>/members/invite/", invitations.invite, name="invite"),
    # The link in the invitation's SMS: signed, one-time, expiring; short, to leave room in
    # one segment. Links sent before it was short still open for their 7 days.
    path("i/<str:token>/", invitations.accept, name="invitation"),
    path("invite/<str:token>/", invitations.accept, name="invitation-long"),
]
