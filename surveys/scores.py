"""Satisfaction scores, as the pages state them.

- **CSAT** is the share of ratings (1–5) that are 4 or 5, in percent.
- **NPS** is the percentage of promoters (9–10) minus the percentage of detractors (0–6)
  among the "would you recommend" answers, from −100 to 100.

The functions on plain numbers are the definition; :func:`summarise` applies the same
formulas to the counts stored on responses, grouped in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast

SATISFIED_MIN = 4  # ratings of 4 and 5 count as satisfied
LOW_RATING_MAX = 2  # a rating of 1 or 2 is a low answer
PROMOTER_MIN = 9
DETRACTOR_MAX = 6


def csat_from_counts(satisfied: int, total: int) -> float | None:
    return round(100 * satisfied / total, 1) if total else None


def nps_from_counts(promoters: int, detractors: int, total: int) -> float | None:
    return round(100 * (promoters - detractors) / total, 1) if total else None


def csat(ratings: Iterable[int]) -> float | None:
    ratings = list(ratings)
    return csat_from_counts(sum(1 for r in ratings if r >= SATISFIED_MIN), len(ratings))


def nps(scores: Iterable[int]) -> float | None:
    scores = list(scores)
    return nps_from_counts(
        sum(1 for s in scores if s >= PROMOTER_MIN), sum(1 for s in scores if s <= DETRACTOR_MAX), len(scores)
    )


def is_low(ratings: Iterable[int], nps_score: int | None) -> bool:
    """A low answer asks for a follow-up: any rating of 2 or less, or NPS 6 or less."""
    return any(r <= LOW_RATING_MAX for r in ratings) or (nps_score is not None and nps_score <= DETRACTOR_MAX)


@dataclass(frozen=True)
class Score:
    responses: int = 0
    ratings: int = 0
    satisfied: int = 0
    nps_answers: int = 0
    promoters: int = 0
    detractors: int = 0

    @property
    def csat(self) -> float | None:
        return csat_from_counts(self.satisfied, self.ratings)

    @property
    def nps(self) -> float | None:
        return nps_from_counts(self.promoters, self.detractors, self.nps_answers)


_AGGREGATES = {
    "responses": Count("pk"),
    "ratings": Sum("ratings"),
    "satisfied": Sum("satisfied_ratings"),
    "nps_answers": Count("pk", filter=Q(nps_score__isnull=False)),
    "promoters": Count("pk", filter=Q(nps_score__gte=PROMOTER_MIN)),
    "detractors": Count("pk", filter=Q(nps_score__lte=DETRACTOR_MAX)),
}


def _score(row: dict) -> Score:
    return Score(**{name: row.get(name) or 0 for name in _AGGREGATES})


def summarise(responses: QuerySet) -> Score:
    """One score over all the given responses (one query)."""
    return _score(responses.aggregate(**_AGGREGATES))


def summarise_by(responses: QuerySet, *fields: str) -> list[tuple[tuple, Score]]:
    """Scores grouped by the given fields (one query), e.g. ``("owner_id",)`` or
    ``("tier__name", "month")``."""
    rows = responses.order_by().values(*fields).annotate(**_AGGREGATES).order_by(*fields)
    return [(tuple(row[f] for f in fields), _score(row)) for row in rows]


def lowest_by(responses: QuerySet, field: str, limit: int) -> list[tuple[object, Score]]:
    """The ``limit`` values of ``field`` (e.g. clients) with the lowest CSAT, lowest first
    (ties by value): ranked in the database, so a company's month of answers is not fetched."""
    rows = (
        responses.order_by()
        .values(field)
        .annotate(**_AGGREGATES)
        .filter(ratings__gt=0)
        .annotate(rate=Cast("satisfied", FloatField()) / F("ratings"))
        .order_by("rate", field)[:limit]
    )
    return [(row[field], _score(row)) for row in rows]
