"""A paginator that stops counting at a cap (issue #31).

Counting 100,000 matching clients costs as much as reading them: nobody pages that far, so
past ``COUNT_CAP`` rows the list says "10,000+" and its pages cover the first ``COUNT_CAP``
rows. The count is ``SELECT COUNT(*) FROM (… LIMIT cap + 1)``: PostgreSQL stops reading at
the cap."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def _counted(self) -> int:
        head = self.object_list[: self.cap + 1]
        return head.count() if hasattr(head, "count") and not isinstance(head, list | tuple) else len(head)

    @cached_property
    def capped(self) -> bool:
        """Whether there are more rows than the count says."""
        return self._counted > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)
