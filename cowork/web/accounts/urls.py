"""URLs of accounts. The sign-in paths are those SMS and bookmarks already link."""

from django.urls import path

from cowork.web.accounts import sign_in

app_name = "accounts"

urlpatterns = [
    # Sign-in by a code sent by SMS, for members without a password.
    path("signin/sms/", sign_in.sign_in_sms, name="sign-in-sms"),
    path("signin/sms/code/", sign_in.sign_in_sms_code, name="sign-in-sms-code"),
]
