"""Harnesses that run real external servers (such as Apache Jena Fuseki) for tests and development."""
