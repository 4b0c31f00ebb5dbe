"""The Jinja environment and pages, feeds, JSON-LD, labels, the theme."""
