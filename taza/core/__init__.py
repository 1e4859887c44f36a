"""Shared foundations every domain builds on: errors, actors, request parsing, dates."""
