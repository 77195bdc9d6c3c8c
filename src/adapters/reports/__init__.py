"""The sales reports as documents (SOP 4.2, ADR 56): the report model
(``salesdomain.projections.reports``) rendered as HTML by a Jinja2 template, with charts
drawn by matplotlib as inline SVG, and as PDF from the same HTML by WeasyPrint.

Jinja2, matplotlib and WeasyPrint are the ``reports`` extra (``pip install
'salesdomain[reports]'``): ``missing_extra()`` says what to install when they are not
there; nothing here is imported by the core.
"""

from importlib.util import find_spec

EXTRA = ("jinja2", "matplotlib", "weasyprint")
"""The modules of the ``reports`` extra."""

INSTALL = "pip install 'salesdomain[reports]'"


def missing_extra() -> str | None:
    """``None`` if the ``reports`` extra is installed, else what to do about it."""
    missing = [name for name in EXTRA if find_spec(name) is None]
    if not missing:
        return None
    return f"the reports need the reports extra ({', '.join(missing)} missing): {INSTALL}"
