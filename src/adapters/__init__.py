"""Thin adapters: the composition root, the command line and (later) the web API."""
