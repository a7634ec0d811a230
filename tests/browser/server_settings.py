"""The settings of the browser tests' servers: production's, with the tests' password hasher.

At production cost each password the server checks or sets takes a quarter of a second of
CPU, and every sign-in does one: the first of a seeded person checks the tests' cheap hash
and then hashes the password again at production cost, each later one checks that hash.
The algorithm stays production's (tests.hashers); only its iteration count is the tests'.
"""

from cowork.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["tests.hashers.QuickPBKDF2PasswordHasher"]
