from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The production algorithm at few iterations; a server under test verifies it as usual.

    The iteration count is stored in each hash, so a daphne started by the browser tests
    (with production hashers) accepts these passwords and upgrades them on sign-in.
    """

    iterations = 1_000
