"""A paginator that stops counting at a cap (issue #31).

Counting 100,000 matching clients costs as much as reading them: nobody pages that far, so
past ``COUNT_CAP`` rows the list says "10,000+" and its pages cover the first ``COUNT_CAP``
rows. The count is ``SELECT COUNT(*) FROM (SELECT id … LIMIT cap + 1)``: PostgreSQL stops
reading at the cap. It counts the primary keys without the list's order, joins and computed
columns: sorting by a computed column (the at-risk list's latest flag) would compute it for
every row first, only to count them."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            return _countable(rows)[: self.cap + 1].count()
        head = rows[: self.cap + 1]
        return head.count() if hasattr(head, "count") and not isinstance(head, list | tuple) else len(head)

    @cached_property
    def capped(self) -> bool:
        """Whether there are more rows than the count says."""
        return self._counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)


def _countable(rows: QuerySet) -> QuerySet:
    """The same rows, reduced to what counting them needs: unordered, and only their primary
    keys unless they are grouped, distinct on some fields, combined or ``values()`` rows."""
    query = rows.query
    if query.distinct_fields or query.combinator:
        return rows  # DISTINCT ON needs its order; a UNION cannot be reordered
    rows = rows.order_by()
    if rows._fields is not None or query.group_by is not None:
        return rows
    return rows.values("pk")
