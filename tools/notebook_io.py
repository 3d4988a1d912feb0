"""Read, write and execute notebooks: one format on disk, kernels of this environment only."""
import json
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

from .layout import CELL_TIMEOUT

__all__ = ["read", "write", "dumps", "normalize_metadata", "kernel_manager", "execute", "tags", "clear_outputs"]

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3", "file_extension": ".py"}


def read(path):
    return nbformat.read(str(path), as_version=4)


def normalize_metadata(nb):
    """The same notebook metadata everywhere: kernel python3, no machine details."""
    nb.metadata = nbformat.NotebookNode(
        {
            **{k: v for k, v in nb.metadata.items() if k not in {"kernelspec", "language_info", "widgets"}},
            "kernelspec": KERNELSPEC,
            "language_info": LANGUAGE_INFO,
        }
    )
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    return nb


def dumps(nb):
    """Serialize exactly as written to disk (stable key order, one-space indent, final newline)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write(nb, path):
    nbformat.validate(nb)
    Path(path).write_text(dumps(nb), encoding="utf-8")


class _CurrentEnvironmentKernels(KernelSpecManager):
    """Every kernel name resolves to an ipykernel of the running interpreter."""

    def get_kernel_spec(self, kernel_name):
        import ipykernel.kernelspec

        return self.kernel_spec_class(
            resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict()
        )


def kernel_manager():
    """A kernel manager for this interpreter's environment, whatever kernels are registered.

    A `python3` kernel registered elsewhere (`ipykernel install --user`) could point at
    another environment; the tools and tests always run the course's own.
    """
    return KernelManager(kernel_name="python3", kernel_spec_manager=_CurrentEnvironmentKernels())


def execute(nb, cwd, *, timeout=CELL_TIMEOUT, env=None):
    """Run every cell of ``nb`` in place, in a fresh kernel of this environment started in ``cwd``.

    ``raises-exception`` cells may raise; any other error raises CellExecutionError.
    The kernel is always shut down (gracefully, so its exit handlers run).
    """
    from nbclient import NotebookClient

    manager = kernel_manager()
    client = NotebookClient(
        nb,
        km=manager,
        timeout=timeout,
        resources={"metadata": {"path": str(cwd)}},
        record_timing=False,
    )
    try:
        client.execute(**({"env": env} if env is not None else {}))
    finally:
        if manager.has_kernel:
            manager.shutdown_kernel(now=False)
    return nb


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def clear_outputs(nb):
    """Drop every code cell's outputs and execution count, in place."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb
