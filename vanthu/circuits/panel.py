"""What the document page shows about review circuits (read-only): every run over the
draft with its stages, reviewers, decisions and the version each opinion was about, and the
tasks the current user may decide now."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from vanthu.circuits.actions import may_decide, stages_of
from vanthu.circuits.forms import DecisionForm
from vanthu.circuits.models import Review, ReviewTask


@dataclass
class StageRow:
    number: int
    parallel: bool
    # (label, task or None when the stage is not open yet)
    entries: list[tuple[str, ReviewTask | None]] = field(default_factory=list)


@dataclass
class RunView:
    review: Review
    stages: list[StageRow]


def _stages(review: Review) -> list[StageRow]:
    tasks = list(review.tasks.all())
    if review.is_open:
        # The circuit cannot change while a run is open: its steps are the plan of this run.
        rows = []
        for number, steps in enumerate(stages_of(list(review.circuit.steps.all())), start=1):
            row = StageRow(number, len(steps) > 1)
            for step in steps:
                task = next((t for t in tasks if t.step_id == step.pk and t.stage == number), None)
                row.entries.append((task.step_label if task else step.label, task))
            rows.append(row)
        return rows
    rows: dict[int, StageRow] = {}
    for task in tasks:
        rows.setdefault(task.stage, StageRow(task.stage, False)).entries.append(
            (task.step_label, task)
        )
    for row in rows.values():
        row.parallel = len(row.entries) > 1
    return [rows[n] for n in sorted(rows)]


def review_panel(user, doc) -> dict:
    """Context for circuits/_document_panel.html (pass it as ``panel``)."""
    runs = list(
        Review.objects.filter(document=doc)
        .select_related("circuit", "started_by")
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=ReviewTask.objects.select_related(
                    "reviewer", "decided_by", "on_behalf_of", "draft", "review__document"
                ).order_by("stage", "id"),
            ),
            "circuit__steps__position",
            "circuit__steps__reviewer",
        )
        .order_by("-started_at", "-id")
    )
    open_run = next((r for r in runs if r.is_open), None)
    my_tasks = [t for t in open_run.tasks.all() if may_decide(user, t)] if open_run else []
    return {
        "doc": doc,
        "runs": [RunView(r, _stages(r)) for r in runs],
        "my_tasks": my_tasks,
        "form": DecisionForm(),
    }


def has_open_review(doc) -> bool:
    """For the document page: hide the built-in content-check form while a circuit runs."""
    return Review.objects.filter(document=doc, finished_at__isnull=True).exists()
