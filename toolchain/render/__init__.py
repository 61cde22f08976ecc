"""Rendering circom sources from jinja2 templates."""
