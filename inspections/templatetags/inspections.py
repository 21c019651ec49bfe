from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("inspections/_month_review.html")
def visit_log_review(manager, month):
    """The supervisor's review of a manager's visit logs of a month, on the manager's month
    page (one query)."""
    return {"review": selectors.review_of(manager.pk, month), "manager": manager, "month": month}
