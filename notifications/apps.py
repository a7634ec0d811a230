from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # The domain never imports us: we subscribe to its events, which the relay hands
        # over after commit.
        from notifications.ical import invites

        invites.subscribe()
