"""Literature keyword association networks (the focus article's Fig. 1).

Bibliographic exports → records (``readers``, ``records``) → normalised keywords
(``normalize``) → sparse co-occurrence and link strengths (``cooccurrence``) →
Leiden clusters and a seeded layout (``network``) → HTML/PNG/SVG (``plot``) and
VOSviewer, GraphML, CSV, JSON files (``export``).  CLI: ``interstore literature
network`` (``cli``).  See docs/literature.md.
"""

from . import network  # noqa: E402,F401  - callable: ``interstore.literature.network(exports, ...)``
