"""Files that travel with the package: the icon, the desktop entry and the sample articles.

Read through :mod:`reader.resources` (``importlib.resources``), never through the source
tree: an installed reader or the bundle has no checkout around it.  The copies here are
kept byte-identical to the repository's ``seeds/`` and ``resources/`` by a test.
"""
