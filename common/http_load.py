"""A small HTTP/1.1 load client on asyncio: N keep-alive connections, each sending GETs back to back.

Used by ``manage.py bench_http`` against the production server on 127.0.0.1. Its own client, not
locust, because the figures wanted here are server latencies at a fixed concurrency, without a
client that itself needs the two cores: one event loop, raw sockets, no per-request objects
beyond the timing. Plain HTTP only (no TLS), GET only; understands Content-Length, chunked
bodies and ``Connection: close``.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# A request that fails on a connection the server had just closed (keep-alive timeout, a worker
# recycled after max_requests) is sent again once on a new connection, as browsers do.
RETRIES_ON_STALE_CONNECTION = 1


@dataclass
class LoadResult:
    """What one endpoint did under load: counts, latencies of the answered requests, errors by kind."""

    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, successful responses
    error_kinds: Counter = field(default_factory=Counter)

    def percentile_ms(self, share: float) -> float | None:
        if not self.latencies:
            return None
        if len(self.latencies) == 1:
            return self.latencies[0] * 1000
        cuts = statistics.quantiles(self.latencies, n=100, method="inclusive")
        return cuts[max(0, min(98, round(share * 100) - 1))] * 1000

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


class _StaleConnection(Exception):
    """The server closed the connection before answering (nothing of a response arrived)."""


class _Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.used = False

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None
        self.used = False

    async def get(self, path: str, headers: dict[str, str]) -> tuple[int, int]:
        """Send one GET and read the whole response; returns (status, body bytes)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        reused, self.used = self.used, True
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}", "Connection: keep-alive"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            await self.close()
            if reused:
                raise _StaleConnection
            raise ConnectionError("connection closed before a response")
        status = int(status_line.split(b" ", 2)[1])
        response_headers: dict[str, str] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            response_headers[name.strip().lower()] = value.strip()
        size = await self._read_body(response_headers)
        if response_headers.get("connection", "").lower() == "close":
            await self.close()
        return status, size

    async def _read_body(self, headers: dict[str, str]) -> int:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            size = 0
            while True:
                chunk_size = int((await self.reader.readline()).split(b";")[0].strip(), 16)
                if chunk_size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return size
                await self.reader.readexactly(chunk_size + 2)
                size += chunk_size
        if "content-length" in headers:
            length = int(headers["content-length"])
            await self.reader.readexactly(length)
            return length
        body = await self.reader.read()  # no length: the body ends when the server closes
        await self.close()
        return len(body)


async def _worker(
    *,
    host: str,
    port: int,
    next_path: Callable[[], str | None],
    before_each: Callable[[str], None] | None,
    deadline: float,
    headers: dict[str, str],
    timeout: float,
    result: LoadResult,
) -> None:
    connection = _Connection(host, port)
    try:
        while time.perf_counter() < deadline:
            path = next_path()
            if path is None:
                break
            if before_each is not None:
                before_each(path)
            started = time.perf_counter()
            try:
                for attempt in range(RETRIES_ON_STALE_CONNECTION + 1):
                    try:
                        status, _size = await asyncio.wait_for(connection.get(path, headers), timeout)
                        break
                    except _StaleConnection:
                        if attempt == RETRIES_ON_STALE_CONNECTION:
                            raise
                        started = time.perf_counter()
            except (
                OSError,
                asyncio.IncompleteReadError,
                TimeoutError,
                ValueError,
                _StaleConnection,
            ) as error:
                await connection.close()
                result.requests += 1
                result.errors += 1
                result.error_kinds[type(error).__name__] += 1
                continue
            result.requests += 1
            if 200 <= status < 300:
                result.latencies.append(time.perf_counter() - started)
            else:
                result.errors += 1
                result.error_kinds[f"HTTP {status}"] += 1
    finally:
        await connection.close()


async def run_load(
    *,
    host: str,
    port: int,
    next_path: Callable[[], str | None],
    concurrency: int,
    seconds: float,
    before_each: Callable[[str], None] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
) -> LoadResult:
    """``concurrency`` connections send GETs for ``seconds`` (requests in flight then still finish).

    ``next_path()`` gives each request's path (None: that connection stops); ``before_each(path)``
    runs just before it is sent (e.g. to invalidate a cache). Non-2xx answers, timeouts and broken
    connections are errors.
    """
    result = LoadResult()
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(
        *(
            _worker(
                host=host,
                port=port,
                next_path=next_path,
                before_each=before_each,
                deadline=deadline,
                headers=headers or {},
                timeout=timeout,
                result=result,
            )
            for _ in range(concurrency)
        )
    )
    result.seconds = time.perf_counter() - started
    return result


def load(**kwargs) -> LoadResult:
    """``run_load`` from synchronous code (a management command)."""
    return asyncio.run(run_load(**kwargs))
