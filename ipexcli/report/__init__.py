"""Renderers: each takes a computed result object and writes one output format."""
