"""Slack's three-step file upload, as the fake Slack serves it (``files_upload_v2``).

1. ``files.getUploadURLExternal`` (``filename``, ``length`` in bytes): an ``upload_url``
   on this fake and a ``file_id``; ``missing_argument`` for no filename or a length
   of 0 or less.
2. A POST of the bytes to the ``upload_url``: 200, or 404 for a URL not handed out.
   The body must be as long as ``length`` said.
3. ``files.completeUploadExternal`` (``files`` as a JSON array of ``{id, title}``,
   ``channel_id``, ``thread_ts``, ``initial_comment``): each file must have been
   uploaded, and may be completed once. Shared in a channel it is posted there (in
   the thread, for ``thread_ts``) as a message carrying the files.

What arrived is kept in :attr:`FakeFiles.received` for the tests to read.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

_Json = dict[str, Any]


@dataclass(frozen=True)
class ReceivedFile:
    file_id: str
    filename: str
    title: str
    content: bytes
    channel: str | None
    thread_ts: str | None
    initial_comment: str | None

    @property
    def text(self) -> str:
        return self.content.decode("utf-8")


@dataclass
class _Pending:
    filename: str
    length: int
    content: bytes | None = None


class FileRefused(Exception):
    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class FakeFiles:
    """``base_url``: the fake's own, where upload URLs point; ``post``: how a message
    is posted in a channel (the fake's ``_post``)."""

    def __init__(self, base_url: Callable[[], str], post: Callable[[str, _Json], _Json]) -> None:
        self._base_url = base_url
        self._post = post
        self._ids = itertools.count(1)
        self._pending: dict[str, _Pending] = {}
        self.received: list[ReceivedFile] = []

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/upload/{file_id}", self._handle_upload)

    def get_upload_url(self, args: _Json) -> _Json:
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        if not filename or length <= 0:
            raise FileRefused("missing_argument")
        file_id = f"F{next(self._ids):08d}"
        self._pending[file_id] = _Pending(filename, length)
        url = f"{self._base_url()}/upload/{file_id}"
        return {"ok": True, "upload_url": url, "file_id": file_id}

    def complete(self, args: _Json) -> _Json:
        files = args.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not isinstance(files, list) or not files:
            raise FileRefused("invalid_arguments")
        channel = args.get("channel_id") or None
        thread_ts = args.get("thread_ts") or None
        comment = args.get("initial_comment") or None
        done: list[ReceivedFile] = []
        for item in files:
            pending = self._pending.get(str(item.get("id")))
            if pending is None or pending.content is None:
                raise FileRefused("file_not_found")
            done.append(
                ReceivedFile(
                    str(item["id"]),
                    pending.filename,
                    str(item.get("title") or pending.filename),
                    pending.content,
                    channel,
                    thread_ts,
                    comment,
                )
            )
        for received in done:
            # Completed once: a second call for the same file is refused.
            del self._pending[received.file_id]
        self.received += done
        if channel:
            self._post(
                str(channel),
                {"text": comment or "", "thread_ts": thread_ts, "files": [f.file_id for f in done]},
            )
        return {"ok": True, "files": [{"id": f.file_id, "title": f.title} for f in done]}

    async def _handle_upload(self, request: web.Request) -> web.Response:
        pending = self._pending.get(request.match_info["file_id"])
        if pending is None:
            return web.Response(status=404, text="unknown upload")
        data = await request.read()
        if len(data) != pending.length:
            return web.Response(status=400, text="length differs from what was announced")
        pending.content = data
        return web.Response(status=200, text="OK - " + str(len(data)))
