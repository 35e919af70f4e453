"""The document page's recall panel, drawn from the template (one include line there)."""

from django import template

from vanthu.recalls.selectors import incoming_panel, outgoing_panel

register = template.Library()


@register.inclusion_tag("recalls/_document_panel.html", takes_context=True)
def recalls_panel(context, doc):
    user = context["request"].user
    return {
        "outgoing": outgoing_panel(user, doc),
        "incoming": incoming_panel(user, doc),
        "csrf_token": context.get("csrf_token"),
    }
