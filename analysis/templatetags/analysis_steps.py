"""The monthly plan's warning about analysis steps not done yet (one query)."""

from django import template

from analysis.selectors import missing_steps

register = template.Library()


@register.inclusion_tag("analysis/_missing_steps.html", takes_context=True)
def missing_analysis_steps(context, plan):
    # Warn, not block: a month whose figures come late must not stop the visits; the
    # supervisor sees the same warning on the plan when approving it (docs/features.md).
    return {
        "missing": missing_steps(plan.owner_id, plan.month),
        "month": plan.month,
        "owner_id": plan.owner_id,
        "user": context.get("user"),
        "show_link": True,
    }
