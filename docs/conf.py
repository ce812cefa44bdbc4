"""Sphinx configuration: the API reference built from the numpydoc docstrings (``make docs``)."""

from tension import __version__

project = "tension"
author = "tension developers"
copyright = "tension developers"
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = ["sphinx.ext.autodoc", "sphinx.ext.mathjax", "numpydoc"]
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
autodoc_typehints = "none"
autodoc_default_options = {"members": False}
exclude_patterns = ["_build"]
html_theme = "alabaster"
nitpicky = False
