from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        # The domain never imports us: we subscribe to its events, which the relay hands
        # over after commit.
        from cowork import metrics
        from notifications import (
            accounts,
            donor_reports,
            host_notices,
            personal_data,
            reminders,
            wait_offers,
        )
        from notifications.ical import invites
        from notifications.metrics import sms_metrics

        accounts.subscribe()
        donor_reports.subscribe()
        host_notices.subscribe()
        invites.subscribe()
        metrics.register_collector("notifications.sms", sms_metrics)
        reminders.subscribe()
        wait_offers.subscribe()
        personal_data.register()
