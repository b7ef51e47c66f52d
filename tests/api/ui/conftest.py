from tests.api.browser import browser  # noqa: F401 (the fixture every browser test here uses)
