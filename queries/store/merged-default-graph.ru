# The default graph as the RDF merge of the named graphs: each triple once, its blank nodes the very nodes the
# named graphs hold (kg/store/embedded.py runs it on a store loaded in memory).
INSERT { ?s ?p ?o }
WHERE { GRAPH ?g { ?s ?p ?o } }
