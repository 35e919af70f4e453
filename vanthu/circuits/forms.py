"""Forms of the circuit pages: they parse and render; the rules live in circuits.actions."""

from __future__ import annotations

from django import forms

from vanthu.circuits.actions import MAX_STEPS, StepSpec
from vanthu.circuits.models import REVIEWER_ROLES
from vanthu.directory.models import Position
from vanthu.documents.models import DocumentType


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username


class CircuitForm(forms.Form):
    name = forms.CharField(label="Tên quy trình", max_length=200)
    document_types = forms.ModelMultipleChoiceField(
        queryset=DocumentType.objects.all(),
        required=False,
        label="Áp dụng cho loại văn bản",
        help_text="Không chọn: áp dụng cho mọi loại văn bản.",
    )


class StepForm(forms.Form):
    role = forms.ChoiceField(
        label="Vai trò",
        required=False,
        choices=[("", "— (chọn người cụ thể) —")] + [(r.value, r.label) for r in REVIEWER_ROLES],
    )
    position = forms.ModelChoiceField(
        queryset=Position.objects.all(), required=False, label="Chức vụ (kèm vai trò)"
    )
    reviewer = PersonChoice(queryset=None, required=False, label="Hoặc người duyệt cụ thể")
    parallel_group = forms.IntegerField(
        label="Nhóm song song", required=False, min_value=1, max_value=99
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = staff

    def spec(self) -> StepSpec | None:
        d = self.cleaned_data
        if not any(d.get(k) for k in ("role", "position", "reviewer", "parallel_group")):
            return None  # a blank row
        return StepSpec(
            role=d.get("role") or "",
            position=d.get("position"),
            reviewer=d.get("reviewer"),
            parallel_group=d.get("parallel_group"),
        )


StepFormSet = forms.formset_factory(StepForm, extra=3, max_num=MAX_STEPS, absolute_max=MAX_STEPS)


def initial_steps(circuit) -> list[dict]:
    return [
        {
            "role": s.role,
            "position": s.position_id,
            "reviewer": s.reviewer_id,
            "parallel_group": s.parallel_group,
        }
        for s in circuit.steps.all()
    ]


class DecisionForm(forms.Form):
    opinion = forms.CharField(
        label="Ý kiến",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bắt buộc khi trả lại dự thảo.",
    )
