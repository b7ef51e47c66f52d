"""The web interface for appraisers (/ui): Jinja2 pages, plain JavaScript, no build step."""

from .pages import install, router

__all__ = ["install", "router"]
