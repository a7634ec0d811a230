from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """The production algorithm at few iterations; a server under test verifies it as usual.

    The iteration count is stored in each hash, so a daphne started with production hashers
    accepts these passwords and upgrades them on sign-in. The browser tests' servers use
    this hasher too (tests/browser/server_settings.py), and so keep them as they are.
    """

    iterations = 1_000
