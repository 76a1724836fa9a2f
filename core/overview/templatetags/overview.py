"""`{% render_panel block %}`: one panel's template inside the account page, with the page's context."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def render_panel(context: template.Context, block: dict) -> str:
    panel_template = context.template.engine.get_template(block["template"])
    with context.push(block["context"]):
        return panel_template.render(context)
