"""Exports of the built graph: RDF dumps, BibTeX, CSL-JSON, JSON Resume."""
