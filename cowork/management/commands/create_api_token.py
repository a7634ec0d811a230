"""Issue an API token for a user and print its key, once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cowork.errors import DomainError
from cowork.services.api_tokens import api_token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print its key. The key is shown only once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for.")

    def handle(self, *args, username, name, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: username})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        if not user.is_active:
            raise CommandError(f"{username!r} is not active; a token would not work.")
        try:
            token, key = api_token_create(user=user, name=name)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        # The key alone on stdout, so `KEY=$(manage.py create_api_token ana)` works; the
        # rest goes to stderr.
        self.stdout.write(key)
        self.stderr.write(
            self.style.WARNING(
                f"Token {token.prefix}… (id {token.pk}, “{token.name}”) for {username}. "
                "This key is shown only once: store it now. "
                "Send it as 'Authorization: Bearer <key>'."
            )
        )
