"""Read and show rendered HTML the way a browser would.

``parse`` uses html5lib, the HTML5 parsing algorithm browsers implement, so a
check sees what a browser would see (a repeated attribute keeps its first
value, a stray ``</script>`` ends the script element, ...).
"""
from bs4 import BeautifulSoup

__all__ = ["parse", "show", "source"]


def parse(markup):
    """Parse a document or fragment (str, bytes or a response) with html5lib."""
    if hasattr(markup, "content"):
        markup = markup.content
    if isinstance(markup, bytes):
        markup = markup.decode("utf-8")
    return BeautifulSoup(markup, "html5lib")


def show(markup):
    """Display rendered HTML in the notebook (as a browser would show it)."""
    from IPython.display import HTML, display

    display(HTML(str(markup)))


def source(markup):
    """Print HTML source, one line per non-blank line, without trailing spaces."""
    text = markup.decode("utf-8") if isinstance(markup, bytes) else str(markup)
    print("\n".join(line.rstrip() for line in text.splitlines() if line.strip()))
