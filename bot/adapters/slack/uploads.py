"""Files into a channel or thread through Slack's upload flow: ``files_upload_v2``
(files.getUploadURLExternal, the upload itself, files.completeUploadExternal), all
files of one export in one completed upload, so they arrive as one message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient


class Upload(Protocol):
    @property
    def filename(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def content(self) -> str: ...


async def upload_files(
    client: AsyncWebClient,
    *,
    channel: str,
    files: Sequence[Upload],
    thread_ts: str | None = None,
    comment: str | None = None,
) -> None:
    """Uploads ``files`` into ``channel`` (the thread of ``thread_ts``, a parent's ts).
    Raises slack_sdk's ``SlackApiError`` or ``SlackRequestError`` when Slack refuses."""
    await client.files_upload_v2(
        file_uploads=[
            {"filename": f.filename, "title": f.title, "content": f.content.encode("utf-8")}
            for f in files
        ],
        channel=channel,
        thread_ts=thread_ts,
        initial_comment=comment,
    )
