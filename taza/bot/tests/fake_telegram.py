"""A small local stand-in for the Telegram Bot API's HTTP interface.

The real aiogram client talks to it over HTTP, exactly as it talks to
api.telegram.org, so the tests exercise the real library; the fake records every
call so tests can assert on what the bot sent.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER = {"id": 7000001, "is_bot": True, "first_name": "Taza", "username": "TazaQazBot"}


def _multipart(body: bytes, content_type: str) -> dict[str, str]:
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        fields[str(name)] = payload.decode("utf-8", "replace")
    return fields


class FakeTelegram:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refused: list[tuple[str, dict[str, Any]]] = []
        self.files: dict[str, bytes] = {}
        self.fail_next: int = 0  # answer this many calls with a network-level failure
        # Answer the next calls of a method with 429 and this retry_after, as Telegram
        # does under flood control: {"sendMessage": [1, 1]} refuses two calls.
        self.flood: dict[str, list[int]] = {}
        # Updates waiting for getUpdates, as Telegram keeps them until a later call's
        # offset acknowledges them; and seconds to stall chosen methods (a slow network).
        self.updates: list[dict[str, Any]] = []
        self.stall: dict[str, float] = {}
        # A share of sendMessage calls refused with 429 at random (for the benchmark).
        self.flood_share = 0.0
        self._random = random.Random(7)  # noqa: S311 (test traffic, not secrets)
        self._ids = itertools.count(5000)
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def handle(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    super().handle()  # a client killed mid-request (the kill test) hangs up

            def _error(self, code: int, description: str, retry_after: int | None) -> None:
                body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
                if retry_after is not None:
                    body["parameters"] = {"retry_after": retry_after}
                payload = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _chunked(self) -> bytes:
                body = b""
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        self.rfile.readline()
                        return body
                    body += self.rfile.read(size)
                    self.rfile.readline()

            def do_GET(self) -> None:
                if self.path.startswith("/file/bot"):
                    path = self.path.split("/", 3)[-1]
                    data = fake.files.get(path)
                    self.send_response(200 if data is not None else 404)
                    self.end_headers()
                    self.wfile.write(data or b"")
                    return
                self._api()

            def do_POST(self) -> None:
                self._api()

            def _api(self) -> None:
                method = self.path.rsplit("/", 1)[-1]
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = self._chunked()  # aiohttp streams uploaded files this way
                else:
                    length = int(self.headers.get("Content-Length") or 0)
                    body = self.rfile.read(length) if length else b""
                kind = self.headers.get("Content-Type", "")
                if kind.startswith("multipart/form-data"):
                    params: dict[str, Any] = _multipart(body, kind)
                elif kind.startswith("application/json"):
                    params = json.loads(body or b"{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                for key in ("reply_markup", "chat_id", "message_id"):
                    if isinstance(params.get(key), str):
                        with contextlib.suppress(ValueError):
                            params[key] = json.loads(params[key])
                if method == "getUpdates":
                    self._answer(fake.get_updates(params))
                    return
                if method in fake.stall:
                    time.sleep(fake.stall[method])
                with fake._lock:
                    if fake.fail_next:
                        fake.fail_next -= 1
                        self.close_connection = True
                        return  # the client sees a dropped connection
                    refusal = fake.refusal(method, params)
                    if refusal is not None:
                        fake.refused.append((method, params))
                        self._error(*refusal)
                        return
                    result = fake.answer(method, params)
                    if isinstance(result, dict) and "message_id" in result:
                        params["message_id_sent"] = result["message_id"]
                    fake.calls.append((method, params))
                self._answer(result)

            def _answer(self, result: Any) -> None:
                payload = json.dumps({"ok": True, "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeTelegram:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Answer getUpdates: forget what the offset acknowledges, wait briefly for more."""
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.5)
        while True:
            with self._lock:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
                waiting = list(self.updates)
            if waiting or time.monotonic() >= deadline:
                return waiting
            time.sleep(0.05)

    def refusal(self, method: str, params: dict[str, Any]) -> tuple[int, str, int | None] | None:
        """Refuse a call as the Bot API documents: flood control and the length limits."""
        waits = self.flood.get(method)
        if waits:
            wait = waits.pop(0)
            return 429, f"Too Many Requests: retry after {wait}", wait
        if method == "sendMessage" and self._random.random() < self.flood_share:
            return 429, "Too Many Requests: retry after 1", 1
        if len(str(params.get("text", ""))) > 4096:
            return 400, "Bad Request: message is too long", None
        if len(str(params.get("caption", ""))) > 1024:
            return 400, "Bad Request: message caption is too long", None
        return None

    def answer(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "sendPhoto", "editMessageText"):
            chat = params.get("chat_id")
            return {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
        if method == "getFile":
            file_id = params["file_id"]
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(self.files.get(f"photos/{file_id}.jpg", b"")),
                "file_path": f"photos/{file_id}.jpg",
            }
        if method == "getUpdates":
            return []
        return True

    # -- reading what the bot did ---------------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Return the messages and photos sent (to one chat), oldest first.

        A photo's caption stands as its text.
        """
        return [
            p if m == "sendMessage" else {**p, "text": p.get("caption", "")}
            for m, p in self.calls
            if m in ("sendMessage", "sendPhoto")
            and (chat_id is None or p.get("chat_id") == chat_id)
        ]

    def last_text(self, chat_id: int) -> str:
        return str(self.sent(chat_id)[-1]["text"])

    def buttons(self, message: dict[str, Any]) -> dict[str, str]:
        """Map button texts to callback data in a sent message's inline keyboard."""
        markup = message.get("reply_markup") or {}
        return {
            b["text"]: b.get("callback_data", "")
            for row in markup.get("inline_keyboard", [])
            for b in row
        }
