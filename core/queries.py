"""Query helpers that know no model of the project."""

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.db.models.functions import Coalesce


def count_of(rows: QuerySet) -> Coalesce:
    """An annotation: how many `rows` there are, `rows` being correlated to the annotated
    model with OuterRef (e.g. `Section.objects.filter(roadmap=OuterRef("pk"))`).

    A subquery per row rather than a join, so several counts on one queryset do not
    multiply each other. COUNT written as a plain function keeps Django from adding a
    GROUP BY: the subquery is one row, 0 when nothing matches.
    """
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
