"""Sphinx configuration: numpydoc API pages, a sphinx-gallery of examples,
and the Markdown pages of docs/ through MyST."""

import os
import sys

import sklearn_mine

# Gallery examples import the package from the checkout when it is not
# installed.
sys.path.insert(0, os.path.abspath(".."))

project = "sklearn_mine"
author = "the sklearn_mine developers"
copyright = "2026, the sklearn_mine developers"
release = version = sklearn_mine.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "README.md"]
templates_path = ["_templates"]

autosummary_generate = True
autodoc_typehints = "none"
# Each class page lists its own methods (see _templates); numpydoc's member
# tables would repeat them.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False

myst_heading_anchors = 3
myst_enable_extensions = ["dollarmath"]

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_mine {release}"
html_theme_options = {"navigation_with_keys": False}

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    # Pages of the API reference list the examples that use each object.
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("sklearn_mine",),
}
