"""E-mail backends for the tests of what happens when sending e-mail goes wrong."""

from django.core.mail.backends import locmem


class WorkerKilled(BaseException):
    """What a sender meets when its process is killed: no handler of ours runs after it."""


class AcceptedThenKilledBackend(locmem.EmailBackend):
    """The mail server takes the message (it lands in `django.core.mail.outbox`), and the
    worker is killed before it can record that."""

    def send_messages(self, messages):
        super().send_messages(messages)
        raise WorkerKilled
