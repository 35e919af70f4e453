"""A person at a browser, without the browser: one cookie jar per person and deployment, pages
fetched over HTTP, forms read from the page (hidden fields and CSRF token included) and
submitted as the browser would, files as multipart uploads."""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import lxml.html

PASSWORD = "vanthu2026"


@dataclass
class Page:
    url: str
    status: int
    text: str

    @property
    def tree(self):
        return lxml.html.fromstring(self.text)

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path

    def messages(self, kind: str = "") -> list[str]:
        """The flash messages shown at the top (kind: "success" | "error"), not the notices
        that are part of the page's content."""
        xpath = "//main/ul[@class='messages']/li"
        if kind:
            xpath += f"[contains(@class, '{kind}')]"
        return [" ".join(li.text_content().split()) for li in self.tree.xpath(xpath)]

    def links(self, pattern: str) -> list[tuple[str, str]]:
        """(href, text) of the links whose href matches the regular expression."""
        found = []
        for a in self.tree.xpath("//a[@href]"):
            if re.search(pattern, a.get("href")):
                found.append((a.get("href"), " ".join(a.text_content().split())))
        return found

    def form(self, action_pattern: str):
        for form in self.tree.forms:
            if re.search(action_pattern, form.get("action") or self.path):
                return form
        actions = [f.get("action") for f in self.tree.forms]
        raise AssertionError(f"no form /{action_pattern}/ on {self.url}; forms: {actions}")


def option_value(form, field: str, label: str) -> str:
    """The value of the option of <select name=field> whose text contains `label`."""
    for option in form.xpath(f".//select[@name='{field}']//option"):
        if label in " ".join(option.text_content().split()):
            return option.get("value")
    labels = [o.text_content() for o in form.xpath(f".//select[@name='{field}']//option")]
    raise AssertionError(f"no option {label!r} in {field}: {labels}")


def _multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]):
    boundary = f"----vanthu-e2e-{uuid.uuid4().hex}"
    body = bytearray()
    for name, value in fields:
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        body += value.encode() + b"\r\n"
    for name, filename, content, mime in files:
        body += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'
        ).encode()
        body += content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return bytes(body), f"multipart/form-data; boundary={boundary}"


class WebUser:
    """One person logged in to one deployment."""

    def __init__(self, base_url: str, username: str, password: str = PASSWORD):
        self.base = base_url.rstrip("/")
        self.username = username
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/dang-nhap/")
        form = page.form(r"/dang-nhap/")
        values = dict(form.form_values())
        values.update(username=username, password=password)
        after = self._send(page.url, list(values.items()), referer=page.url)
        assert after.path != "/dang-nhap/", f"{username} could not log in: {after.messages()}"

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Page(response.geturl(), response.status, response.read().decode())
        except urllib.error.HTTPError as exc:
            return Page(exc.geturl(), exc.code, exc.read().decode(errors="replace"))

    def get(self, path: str) -> Page:
        url = path if path.startswith("http") else self.base + path
        return self._open(urllib.request.Request(url))

    def _send(self, url, fields, files=None, *, referer: str) -> Page:
        if files:
            body, content_type = _multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            url,
            data=body,
            method="POST",
            headers={"Content-Type": content_type, "Origin": self.base, "Referer": referer},
        )
        return self._open(request)

    def submit(
        self,
        page: Page,
        action_pattern: str,
        values: dict[str, str | list[str]] | None = None,
        *,
        files: list[tuple[str, str, bytes, str]] | None = None,
        button: tuple[str, str] | None = None,
    ) -> Page:
        """Fill the form whose action matches and press its button (name, value)."""
        form = page.form(action_pattern)
        fields = [(k, v) for k, v in form.form_values() if k not in (values or {})]
        for name, value in (values or {}).items():
            for item in value if isinstance(value, list) else [value]:
                fields.append((name, item))
        if button is not None:
            fields.append(button)
        url = urllib.parse.urljoin(page.url, form.get("action") or page.url)
        return self._send(url, fields, files, referer=page.url)

    def act(self, page: Page, action_pattern: str, values=None, **kwargs) -> Page:
        """Submit and insist that the result is a success message, not an error."""
        result = self.submit(page, action_pattern, values, **kwargs)
        assert result.status == 200, (result.status, result.url, result.text[-2000:])
        errors = result.messages("error")
        assert not errors, errors
        return result


def poll(what: str, check: Callable[[], object], *, timeout: float, every: float = 0.5):
    """Until `check()` returns something truthy; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")
