"""The build: records to a validated graph, with entity resolution, inference and provenance."""
