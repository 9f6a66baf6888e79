"""scholarly-kg: a scholar's homepage, CV and publications as a knowledge graph."""

__version__ = "0.1.0"
