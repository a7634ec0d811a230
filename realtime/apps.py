from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Realtime"

    def ready(self):
        from cowork import metrics, outbox
        from realtime.attendance import KINDS as ATTENDANCE_KINDS
        from realtime.attendance import publish_attendance
        from realtime.metrics import frame_metrics, websocket_metrics
        from realtime.publish import publish_domain_event

        # Every event of a space moves its sequence, so every one becomes an update; a
        # client that saw a gap would otherwise resync for nothing. Live: the committing
        # request sends it.
        outbox.subscribe("*", publish_domain_event, lane=outbox.LIVE)
        # The attendance list at the door follows check-ins as they commit.
        for kind in ATTENDANCE_KINDS:
            outbox.subscribe(kind, publish_attendance, lane=outbox.LIVE)
        metrics.register_collector("realtime.websockets", websocket_metrics)
        metrics.register_collector("realtime.frames", frame_metrics)
