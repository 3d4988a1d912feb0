"""Support for lesson 06: form templates written as strings, and a small HTML audit.

``StringTemplates(templates)``
    A form renderer that finds the templates you give it as strings (an
    in-memory ``locmem`` loader) before Django's built-in form templates. No
    file is written, and no loader is wrapped in the cached loader.
``render_form(form, source)``
    Render ``form`` with the form template ``source`` (a string).
``outline(markup)``
    The element tree of rendered HTML, one element a line, as an HTML5
    parser (html5lib, the algorithm browsers implement) builds it.
``audit(markup)``
    The problems that a few plain rules find in a rendered form (the rules are
    listed in ``audit``'s docstring). An empty list means none was found.
``draw_trees(**markups)``
    The element trees of several renderings side by side, as a Mermaid
    flowchart, with a stable one-line count per tree printed first.
``EventForm``
    The reading-club form of exercise 6.3.
"""
import re
from collections import Counter
from pathlib import Path

import django.forms
from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

from ..html import parse

BUILTIN_FORM_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"
NOT_LABELLED = {"hidden", "submit", "button", "reset", "image"}
TABLE_TAGS = ("table", "tr", "td", "th")
# html5lib drops <tr>/<td>/<th> found outside a <table>, so fragments are also read as text.
TABLE_TAG_RE = re.compile(r"<(table|tr|td|th)[\s>/]", re.IGNORECASE)


class StringTemplates(DjangoTemplates):
    """A form renderer whose templates can be strings: ``{"name.html": "source", ...}``.

    ``form_template_name`` (optional) makes ``{{ form }}`` use one of them.
    Its loaders are the in-memory one, then Django's form templates and the apps'
    templates, none wrapped in the cached loader.
    """

    def __init__(self, templates, *, form_template_name=None):
        self.templates = dict(templates)
        if form_template_name is not None:
            self.form_template_name = form_template_name

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": False,
                "DIRS": [BUILTIN_FORM_TEMPLATES],
                "NAME": "lesson06-strings",
                "OPTIONS": {
                    "loaders": [
                        ("django.template.loaders.locmem.Loader", self.templates),
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ]
                },
            }
        )


def render_form(form, source, name="lesson06/custom_form.html"):
    """Render ``form`` through the form template ``source`` (a string)."""
    return form.render(template_name=name, renderer=StringTemplates({name: source}))


# --- Reading rendered HTML ---------------------------------------------------------------


def body(markup):
    """The parsed ``<body>`` of a fragment or a page (html5lib, as a browser)."""
    soup = parse(markup)
    return soup.body or soup


def _describe(tag):
    text = tag.name
    if tag.get("id"):
        text += f"#{tag['id']}"
    for name in tag.get("class", []):
        text += f".{name}"
    for attribute in ("for", "type", "name"):
        if tag.get(attribute) is not None:
            text += f" {attribute}={tag[attribute]}"
    own_text = " ".join(
        piece.strip() for piece in tag.find_all(string=True, recursive=False) if piece.strip()
    )
    if own_text:
        short = own_text if len(own_text) <= 40 else own_text[:37] + "..."
        text += f' "{short}"'
    return text


def outline(markup):
    """Print the element tree of ``markup``, indented, one element a line."""

    def walk(tag, depth):
        for child in tag.find_all(recursive=False):
            print("  " * depth + _describe(child))
            walk(child, depth + 1)

    walk(body(markup), 0)


def _elements(markup):
    """[(depth, tag)] of the element tree of ``markup``, in document order (as ``outline`` walks it)."""
    found = []

    def walk(tag, depth):
        for child in tag.find_all(recursive=False):
            found.append((depth, child))
            walk(child, depth + 1)

    walk(body(markup), 0)
    return found


def _kind(tag):
    if tag.name in TABLE_TAGS + ("tbody", "thead"):
        return "layout"
    if tag.name in ("fieldset", "legend"):
        return "group"
    if tag.name == "label" and not tag.get("for") and not controls(tag):
        return "orphan"
    return "plain"


def draw_trees(**markups):
    """Print a count per tree, and return the trees as one Mermaid flowchart (``name=markup`` each).

    Colours: table elements (layout) orange, ``<fieldset>``/``<legend>`` green,
    a label tied to no control red.
    """
    from IPython.display import Markdown

    lines = ["```mermaid", "flowchart TB"]
    for number, (name, markup) in enumerate(markups.items()):
        elements = _elements(markup)
        kinds = Counter(_kind(tag) for _, tag in elements)
        print(
            f"{name}: {len(elements)} elements, {kinds['layout']} table elements, "
            f"{sum(tag.name == 'fieldset' for _, tag in elements)} fieldset, {kinds['orphan']} label tied to nothing"
        )
        title = name.replace('"', "'")
        lines.append(f'    subgraph T{number}["{title}"]')
        lines.append("        direction TB")
        parents = {}
        for index, (depth, tag) in enumerate(elements):
            node = f"T{number}_{index}"
            text = _describe(tag).replace('"', "'").replace("#", " id=")
            lines.append(f'        {node}["{text}"]:::{_kind(tag)}')
            if depth > 0:
                lines.append(f"        {parents[depth - 1]} --> {node}")
            parents[depth] = node
        lines.append("    end")
    lines += [
        "    classDef plain fill:#ffffff,stroke:#888888",
        "    classDef layout fill:#ffe8cc,stroke:#d9480f",
        "    classDef group fill:#d8f3dc,stroke:#2d6a4f",
        "    classDef orphan fill:#ffd6d6,stroke:#9d0208",
        "```",
    ]
    return Markdown("\n".join(lines))


def controls(root):
    """The form controls under ``root`` (inputs, selects, textareas)."""
    return root.find_all(["input", "select", "textarea"])


def visible_controls(root):
    return [tag for tag in controls(root) if tag.get("type", "").lower() not in NOT_LABELLED]


def label_text(tag):
    return " ".join(tag.get_text(" ").split())


def labels_of(root, control):
    """The ``<label>`` elements tied to ``control``: by ``for``, or wrapped around it."""
    found = []
    if control.get("id"):
        found = [label for label in root.find_all("label") if label.get("for") == control["id"]]
    wrapping = control.find_parent("label")
    if wrapping is not None and wrapping not in found and not wrapping.get("for"):
        found.append(wrapping)
    return found


def group_legend(control):
    """The ``<legend>`` that starts the nearest ``<fieldset>`` around ``control`` (or None)."""
    fieldset = control.find_parent("fieldset")
    if fieldset is None:
        return None
    first = fieldset.find(True, recursive=False)
    if first is not None and first.name == "legend" and label_text(first):
        return first
    return None


def groups(root):
    """Radio buttons and checkboxes that share a name: {name: [inputs]} for groups of 2+."""
    by_name = {}
    for tag in root.find_all("input"):
        if tag.get("type", "").lower() in {"radio", "checkbox"} and tag.get("name"):
            by_name.setdefault(tag["name"], []).append(tag)
    return {name: tags for name, tags in by_name.items() if len(tags) > 1}


def duplicate_ids(root):
    counts = Counter(tag["id"] for tag in root.find_all(id=True))
    return {value: count for value, count in sorted(counts.items()) if count > 1}


def audit(markup):
    """Problems found in a rendered form by these rules, in this order:

    1. layout table: ``<table>``, ``<tr>``, ``<td>`` or ``<th>`` lay the form out;
    2. duplicate id: two elements share an ``id`` (``<label for>`` then points at the first);
    3. label pointing nowhere: ``<label for="x">`` but no element has ``id="x"``;
    4. label for a hidden input: a visible label names an ``<input type="hidden">``;
    5. orphan label: a ``<label>`` with no ``for`` and no control inside it;
    6. unlabelled control: a visible input, select or textarea that no label names or wraps;
    7. group without fieldset: radio buttons or checkboxes sharing a name that are not
       inside a ``<fieldset>`` starting with a non-empty ``<legend>``.
    """
    root = body(markup)
    problems = []
    tables = {tag.name for tag in root.find_all(TABLE_TAGS)}
    tables = sorted(tables | {name.lower() for name in TABLE_TAG_RE.findall(str(markup))})
    if tables:
        problems.append("layout table: the form is laid out with " + ", ".join(f"<{name}>" for name in tables))
    for value, count in duplicate_ids(root).items():
        problems.append(f"duplicate id: id={value!r} is used {count} times")
    ids = {tag["id"]: tag for tag in root.find_all(id=True)}
    for label in root.find_all("label"):
        target = label.get("for")
        if target:
            if target not in ids:
                problems.append(
                    f"label pointing nowhere: label {label_text(label)!r} has for={target!r}, which no element has"
                )
            elif ids[target].name == "input" and ids[target].get("type", "").lower() == "hidden":
                problems.append(
                    f"label for a hidden input: label {label_text(label)!r} names the hidden input {target!r}"
                )
        elif not controls(label):
            problems.append(f"orphan label: label {label_text(label)!r} is tied to no control")
    for control in visible_controls(root):
        if not labels_of(root, control):
            problems.append(f"unlabelled control: the {control.name} named {control.get('name')!r} has no label")
    for name, inputs in groups(root).items():
        legends = [group_legend(tag) for tag in inputs]
        if any(legend is None for legend in legends) or any(legend is not legends[0] for legend in legends):
            problems.append(
                f"group without fieldset: the {len(inputs)} inputs named {name!r} are not inside "
                "a <fieldset> that starts with a <legend>"
            )
    return problems


# --- The form of exercise 6.2 -------------------------------------------------------------


class EventForm(forms.Form):
    """A reading-club meeting: what, how many seats, where; the club travels in a hidden field."""

    topic = forms.CharField(max_length=80, help_text="The book the club will discuss.")
    seats = forms.IntegerField(min_value=2, help_text="Including the host.")
    place = forms.ChoiceField(
        choices=[("library", "At the library"), ("online", "Online")], widget=forms.RadioSelect
    )
    club = forms.CharField(widget=forms.HiddenInput, initial="readers")

    def clean(self):
        data = super().clean()
        if data.get("place") == "online" and (data.get("seats") or 0) > 50:
            raise ValidationError("Online meetings take at most 50 people.")
        return data
