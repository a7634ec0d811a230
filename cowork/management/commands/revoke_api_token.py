"""Revoke an API token by its id or by the prefix its key starts with."""

from django.core.management.base import BaseCommand, CommandError

from cowork.models import ApiToken
from cowork.services.api_tokens import api_token_revoke


class Command(BaseCommand):
    help = (
        "Revoke an API token, given its id or its prefix (the first 8 characters of the key, "
        "e.g. cwk_AbCd). It stops working at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("prefix_or_id")

    def handle(self, *args, prefix_or_id, **options):
        wanted = prefix_or_id.strip().rstrip("…")
        # Every prefix starts with "cwk_", so an all-digit argument can only be an id.
        if wanted.isdigit():
            matches = list(ApiToken.objects.filter(pk=int(wanted)).select_related("user"))
        elif len(wanted) >= 8:
            matches = list(ApiToken.objects.filter(prefix=wanted[:8]).select_related("user"))
            # A whole key names exactly one token; a prefix may name several.
            if len(wanted) > 8:
                matches = [token for token in matches if token.key_hash == ApiToken.hash(wanted)]
        else:
            raise CommandError("Give a token id or at least the 8-character prefix of its key.")
        if not matches:
            raise CommandError(f"No API token matches {prefix_or_id!r}.")
        if len(matches) > 1:
            listed = ", ".join(f"id {token.pk} ({token.name}, {token.user})" for token in matches)
            raise CommandError(f"Several tokens share that prefix: {listed}. Revoke by id.")
        token = matches[0]
        if token.revoked_at is not None:
            self.stdout.write(f"Token {token.prefix}… (id {token.pk}) was already revoked.")
            return
        api_token_revoke(token=token)
        self.stdout.write(
            self.style.SUCCESS(f"Revoked token {token.prefix}… (id {token.pk}) of {token.user}.")
        )
