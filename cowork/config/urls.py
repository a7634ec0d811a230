from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from cowork.config import health
from cowork.web import centres, media, offline

urlpatterns = [
    # Served first by cowork.config.middleware.ProbeMiddleware; named here for reverse() and docs.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics_view, name="metrics"),
    # Before the pages, whose patterns take no path under api/v1/: an API request is
    # resolved without first trying every page's pattern (a hundred and more).
    path("api/v1/", include("cowork.api.urls")),
    path("", centres.home, name="home"),
    path("centres/<slug:slug>/", offline.keep_offline(centres.space_detail), name="space-detail"),
    # The worker at the root, so that its scope is the whole site.
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="web-manifest"),
    path("", include("cowork.web.urls")),
    path("", include("cowork.web.accounts.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("notifications.urls")),
    # nginx answers /media/ itself; this is for the embedded server and installs without it.
    re_path(r"^media/(?P<path>.+)$", media.media_file, name="media"),
]

# The site's own error pages, in the visitor's language; one that fails to render gives way
# to a plain one rather than to a second error.
handler400 = "cowork.web.error_pages.bad_request"
handler403 = "cowork.web.error_pages.permission_denied"
handler404 = "cowork.web.error_pages.page_not_found"
handler500 = "cowork.web.error_pages.server_error"
