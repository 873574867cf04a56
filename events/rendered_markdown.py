"""Markdown is rendered once, when it is saved, never while a page is served.

A model that mixes in ``StoresRenderedMarkdown`` names its Markdown fields; each has a
``<field>_html`` twin holding the sanitised HTML (core.markdown), filled on every save.
Pages, feeds and the API show the stored HTML, so a long text costs its render once, in the
organiser's request, and the input limits below keep even that short.
"""

from core.markdown import render_markdown

# Characters. Generous for prose; far below what would make a render take seconds.
COMMUNITY_DESCRIPTION_MAX = 10_000
EVENT_DESCRIPTION_MAX = 20_000
TALK_ABSTRACT_MAX = 5_000
TALK_SUMMARY_MAX = 5_000
REPORT_BODY_MAX = 50_000
PLAIN_TEXT_MAX = 2_000


class StoresRenderedMarkdown:
    markdown_fields: tuple[str, ...] = ()

    def render_markdown_fields(self):
        for name in self.markdown_fields:
            setattr(self, f"{name}_html", str(render_markdown(getattr(self, name))))

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None:
            self.render_markdown_fields()
        else:
            changed = [name for name in self.markdown_fields if name in update_fields]
            for name in changed:
                setattr(self, f"{name}_html", str(render_markdown(getattr(self, name))))
            kwargs["update_fields"] = {*update_fields, *(f"{name}_html" for name in changed)}
        super().save(*args, **kwargs)


def fill_rendered_markdown(model, fields):
    """For a data migration: render the stored Markdown of existing rows."""
    for obj in model.objects.all().only("pk", *fields).iterator():
        for name in fields:
            setattr(obj, f"{name}_html", str(render_markdown(getattr(obj, name))))
        model.objects.filter(pk=obj.pk).update(
            **{f"{n}_html": getattr(obj, f"{n}_html") for n in fields}
        )
