"""sitegen: a static site generator for Chinese-language district and community news portals."""

__version__ = "0.1.0"
