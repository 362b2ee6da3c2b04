"""Fixtures of the browser tests: one Chromium for the session, a live app server per test."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from tests.browser import harness

PAGE_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def browser():
    if not harness.CHROMIUM.exists():
        pytest.fail(harness.MISSING_CHROMIUM, pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = harness.launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def serve():
    """``serve(db)`` starts the app on that review and returns its base URL; stopped after."""
    with ExitStack() as stack:
        yield lambda db: stack.enter_context(harness.serve(db))


@pytest.fixture
def new_page(browser):
    """``new_page()`` opens a page in a fresh browser context: its own cookies, its own session."""
    contexts = []

    def open_page():
        context = browser.new_context()
        context.set_default_timeout(PAGE_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
