"""Stores and what reads them: the embedded store, a remote SPARQL server, push, named queries, the text index, query limits."""
