"""Limit/offset paging of long lists, bounded so no request asks the database for too much."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

MAX_LIMIT = 200
# Far past any real list, and inside every database's LIMIT/OFFSET range.
MAX_OFFSET = 1_000_000


class Paging(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)
