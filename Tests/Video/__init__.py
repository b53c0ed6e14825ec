"""The video tests, a package so that their conftest never shadows the browser tests' `conftest` module."""
