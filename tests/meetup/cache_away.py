"""A cache backend whose server is away: every call fails (tests of what survives it)."""

from django.core.cache.backends.base import BaseCache


class CacheAway(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def _away(self, *args, **kwargs):
        raise ConnectionError("the cache server is away")

    add = get = set = touch = delete = has_key = incr = clear = _away
    get_many = set_many = delete_many = _away
