"""The tabular formats, one module each; importing a module registers its renderer (api/v1/render.py)."""

from api.renderers import csv, xlsx

__all__ = ["csv", "xlsx"]
