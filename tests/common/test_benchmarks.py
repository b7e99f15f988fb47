"""The generated blocks of docs/benchmarks.md, and the load client of `manage.py bench_http`."""

from __future__ import annotations

import io
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from common.benchmarks import BenchmarkCommand, replace_block, write_block
from common.http_load import load

HAND_WRITTEN = """# Benchmarks

Some analysis a person wrote.

<!-- bench:http:begin -->
old figures
<!-- bench:http:end -->

## Graph

More analysis, kept as it is.
"""


def test_a_block_is_replaced_and_the_rest_of_the_file_kept(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text(HAND_WRITTEN)

    write_block("http", "| new | figures |", path=docs)

    text = docs.read_text()
    assert "old figures" not in text
    assert "<!-- bench:http:begin -->\n| new | figures |\n<!-- bench:http:end -->" in text
    before, after = (
        HAND_WRITTEN.split("<!-- bench:http:begin -->")[0],
        HAND_WRITTEN.split("<!-- bench:http:end -->")[1],
    )
    assert text.startswith(before)
    assert text.endswith(after)


def test_a_missing_block_is_added_at_the_end_and_other_blocks_are_left_alone(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text(HAND_WRITTEN)

    write_block("graph", "graph figures", path=docs)
    write_block("graph", "newer graph figures", path=docs)

    text = docs.read_text()
    assert text.startswith(HAND_WRITTEN.rstrip())
    assert "old figures" in text  # the http block was not touched
    assert text.count("<!-- bench:graph:begin -->") == 1
    assert text.endswith("<!-- bench:graph:begin -->\nnewer graph figures\n<!-- bench:graph:end -->\n")


def test_figures_with_backslashes_are_written_as_they_are():
    text = replace_block("<!-- bench:x:begin -->\n<!-- bench:x:end -->", "x", r"C:\new \1 figures")
    assert r"C:\new \1 figures" in text


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive

    def do_GET(self):  # noqa: N802 - the name http.server calls
        self.server.requests.append(self.path)
        self.server.connections.add(self.client_address)
        if self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"hello ", b"world"):
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        body = b"fine" if self.path == "/ok" else b"broken"
        self.send_response(200 if self.path == "/ok" else 500)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def tiny_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.requests, server.connections = [], set()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_the_load_client_counts_requests_and_errors_on_kept_alive_connections(tiny_server):
    paths = iter(["/ok"] * 10 + ["/fail"] * 3 + ["/chunked"] * 2)

    result = load(
        host="127.0.0.1",
        port=tiny_server.server_address[1],
        next_path=lambda: next(paths, None),
        concurrency=2,
        seconds=60,
    )

    assert result.requests == 15
    assert result.errors == 3
    assert result.error_kinds == {"HTTP 500": 3}
    assert len(result.latencies) == 12
    assert sorted(tiny_server.requests) == sorted(["/ok"] * 10 + ["/fail"] * 3 + ["/chunked"] * 2)
    assert len(tiny_server.connections) == 2  # one per concurrent connection, reused
    assert result.percentile_ms(0.5) is not None and result.per_second > 0


def test_a_server_that_is_not_there_is_counted_as_errors():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    paths = iter(["/"] * 4)

    result = load(host="127.0.0.1", port=port, next_path=lambda: next(paths, None), concurrency=1, seconds=60)

    assert (result.requests, result.errors) == (4, 4)
    assert result.latencies == []
    assert result.percentile_ms(0.5) is None


class _Bench(BenchmarkCommand):
    docs_block = "tiny"

    def handle(self, *args, **options):
        self.stdout.write("42 widgets/s")


def test_a_benchmark_command_writes_what_it_printed_with_the_machine(tmp_path, monkeypatch):
    docs = tmp_path / "benchmarks.md"
    docs.write_text(HAND_WRITTEN)
    monkeypatch.setattr("common.benchmarks.DOCS_PATH", docs)
    out = io.StringIO()

    call_command(_Bench(), stdout=out, stderr=io.StringIO())
    assert docs.read_text() == HAND_WRITTEN  # only with --write-docs

    call_command(_Bench(), "--write-docs", stdout=out, stderr=io.StringIO())
    block = docs.read_text().split("<!-- bench:tiny:begin -->")[1]
    assert "42 widgets/s" in out.getvalue()
    assert "```text\n42 widgets/s\n```" in block
    assert f"{len(os.sched_getaffinity(0))} cores" in block and "load average" in block
