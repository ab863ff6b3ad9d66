"""Measure the token server as it runs: uvicorn on loopback, concurrent clients, and a floor.

Run: `python -m bench.token_rps [--seconds 2] [--runs 3] [--clients 1 8 32]
[--modes off local redis]`.

For each rate-limit mode the benchmark starts the server in a subprocess, served as
`python token_api.py` serves it (`server_config`, INFO logging, uvicorn's access log, both
written to a file), on a loopback socket it binds to a free port, and stops it afterwards.
The modes: `off` (TOKEN_RATE_LIMIT_PER_MINUTE=0), `local` (counted in the process) and
`redis` (REDIS_URL set: one Lua script per request; tests/redis_server.py finds or starts
Redis). With the limit on, the clients come through a trusted proxy (127.0.0.1) that names
one of 4,096 addresses in 198.19.0.0/16, so the limit is checked on every request and never
refuses one. The floor is POST /bench/floor on the same app, the same middleware and the
same request: a handler that returns a constant. Token and floor runs alternate, so both
see the same machine. The client is a minimal HTTP/1.1 keep-alive client on asyncio, one
connection per concurrent client, cheap next to the server; the CPU columns say how busy
each side was (100% is one core), and `cpu µs/r` is the server process's CPU time per
request (Redis's own is not in it), which other load on the machine disturbs less than req/s.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

FLOOR_PATH = "/bench/floor"
FLOOR_BODY = {"server_url": "wss://bench.livekit.cloud", "participant_token": "constant"}
BODY = b'{"participant_name": "Bench Caller", "participant_attributes": {"channel": "web"}}'
SECRET = "Zq8vR2mX7pL4nK1wT6yB3cH9dF5gJ0sA"
ENV = {
    "LIVEKIT_URL": "wss://bench.livekit.cloud",
    "LIVEKIT_API_KEY": "APIbenchKey12345",
    "LIVEKIT_API_SECRET": SECRET,
    "TOKEN_TRUSTED_PROXIES": "127.0.0.1",
}
LIMIT_ON = "100000"
"""The highest limit the settings accept; with 4,096 client addresses it never refuses."""
ADDRESSES = [f"198.19.{i // 256}.{i % 256}" for i in range(4096)]
MODES = ("off", "local", "redis")
START_SECONDS = 20.0


@dataclass(frozen=True)
class Run:
    """One timed run of one endpoint at one concurrency."""

    rate: float
    latencies: list[float]  # seconds, one per request
    server_cpu: float  # share of one core
    client_cpu: float
    cpu_per_request: float  # server CPU seconds per request


async def _one_client(
    port: int, path: str, *, deadline: float, offset: int, out: list[float]
) -> None:
    """Send requests on one keep-alive connection until `deadline`, appending latencies."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(BODY)}\r\nX-Forwarded-For: "
    ).encode()
    sent = offset
    try:
        while time.perf_counter() < deadline:
            address = ADDRESSES[sent % len(ADDRESSES)].encode()
            sent += 1
            start = time.perf_counter()
            writer.write(b"%s%s\r\n\r\n%s" % (head, address, BODY))
            response = (await reader.readuntil(b"\r\n\r\n")).lower()
            length = response.index(b"content-length:") + len(b"content-length:")
            await reader.readexactly(int(response[length : response.index(b"\r\n", length)]))
            out.append(time.perf_counter() - start)
            if not response.startswith(b"http/1.1 201 "):
                raise RuntimeError(f"{path} answered {response[:12]!r}, not 201")
    finally:
        writer.close()


async def _drive(port: int, path: str, clients: int, seconds: float) -> list[float]:
    """Run `clients` concurrent connections for `seconds`; return every request's latency."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    await asyncio.gather(
        *(
            _one_client(port, path, deadline=deadline, offset=i * 997, out=latencies)
            for i in range(clients)
        )
    )
    return latencies


def measure(port: int, pid: int, *, path: str, clients: int, seconds: float) -> Run:
    """Time one run of `clients` concurrent clients against `path`."""
    server_before, client_before = _cpu_seconds(pid), time.process_time()
    start = time.perf_counter()
    latencies = asyncio.run(_drive(port, path, clients, seconds))
    wall = time.perf_counter() - start
    server = _cpu_seconds(pid) - server_before
    return Run(
        rate=len(latencies) / wall,
        latencies=latencies,
        server_cpu=server / wall,
        client_cpu=(time.process_time() - client_before) / wall,
        cpu_per_request=server / len(latencies),
    )


def _cpu_seconds(pid: int) -> float:
    """Return the user and system CPU seconds process `pid` has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """The token server in a subprocess on a free loopback port, for one rate-limit mode."""

    def __init__(self, mode: str, log: IO[bytes]) -> None:
        """Start it and wait until /healthz answers."""
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port: int = sock.getsockname()[1]
        env = {
            **os.environ,
            **ENV,
            "TOKEN_RATE_LIMIT_PER_MINUTE": "0" if mode == "off" else LIMIT_ON,
        }
        env.pop("REDIS_URL", None)
        if mode == "redis":
            from tests.redis_server import server_url  # noqa: PLC0415  # only this mode needs it

            env["REDIS_URL"] = server_url()
        command = [sys.executable, "-m", "bench.token_rps", "--serve-fd", str(sock.fileno())]
        self.process = subprocess.Popen(
            command, env=env, stdout=log, stderr=log, pass_fds=[sock.fileno()]
        )
        sock.close()
        deadline = time.monotonic() + START_SECONDS
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the token server did not start; see {log.name}")
            time.sleep(0.05)

    def _healthy(self) -> bool:
        """Tell whether GET /healthz answers 200."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                return conn.recv(64).startswith(b"HTTP/1.1 200")
        except OSError:
            return False

    def stop(self) -> None:
        """Ask uvicorn to shut down (SIGTERM) and wait for it."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def serve(fd: int) -> None:
    """Serve the token app plus the floor route on socket `fd`, as `python token_api.py` does."""
    import uvicorn  # noqa: PLC0415  # the server side only

    from token_api import create_app, server_config  # noqa: PLC0415
    from tokens.settings import get_settings  # noqa: PLC0415

    async def floor() -> dict[str, str]:
        """Return a constant: the cost of the app stack without the token's work."""
        return FLOOR_BODY

    logging.basicConfig(level=logging.INFO)
    app = create_app()
    app.add_api_route(FLOOR_PATH, floor, methods=["POST"], status_code=201)
    server = uvicorn.Server(server_config(app, get_settings()))
    server.run(sockets=[socket.socket(fileno=fd)])


def issuing_rate(requests: int = 2000) -> float:
    """Issue tokens with tokens.issuing alone, no HTTP; return tokens per second."""
    from tokens.issuing import issue_token  # noqa: PLC0415
    from tokens.models import TokenRequest  # noqa: PLC0415
    from tokens.settings import TokenSettings  # noqa: PLC0415

    settings = TokenSettings.model_validate({name.lower(): value for name, value in ENV.items()})
    request = TokenRequest.model_validate_json(BODY)
    start = time.perf_counter()
    for _ in range(requests):
        issue_token(request, settings)
    return requests / (time.perf_counter() - start)


def _row(mode: str, name: str, clients: int, runs: list[Run]) -> str:
    """Format one line: median rate, pooled p50/p95 latency, median CPU shares."""
    latencies = sorted(x for run in runs for x in run.latencies)
    p50, p95 = (latencies[int(len(latencies) * q)] * 1000 for q in (0.5, 0.95))
    rate = statistics.median(r.rate for r in runs)
    server = statistics.median(r.server_cpu for r in runs)
    client = statistics.median(r.client_cpu for r in runs)
    per_request = statistics.median(r.cpu_per_request for r in runs) * 1e6
    return (
        f"{mode:<6} {name:<6} {clients:>7} {rate:>8.0f} {p50:>8.2f} {p95:>8.2f}"
        f" {per_request:>8.0f} {server:>6.0%} {client:>6.0%}"
    )


def bench_mode(mode: str, *, clients: list[int], seconds: float, runs: int, log: IO[bytes]) -> None:
    """Start a server in `mode`, measure token and floor at each concurrency, stop it."""
    server = Server(mode, log)
    try:
        pid = server.process.pid
        for path in ("/token", FLOOR_PATH):  # warm-up
            measure(server.port, pid, path=path, clients=max(clients), seconds=1)
        for n in clients:
            token: list[Run] = []
            floor: list[Run] = []
            for _ in range(runs):
                token.append(measure(server.port, pid, path="/token", clients=n, seconds=seconds))
                floor.append(measure(server.port, pid, path=FLOOR_PATH, clients=n, seconds=seconds))
            print(_row(mode, "token", n, token))
            print(_row(mode, "floor", n, floor))
            ratio = statistics.median(r.rate for r in token) / statistics.median(
                r.rate for r in floor
            )
            print(f"{'':<6} {'ratio':<6} {n:>7} {ratio:>8.2f}", flush=True)
    finally:
        server.stop()
        if mode == "redis":
            _forget_counts()


def _forget_counts() -> None:
    """Delete the rate-limit counts the benchmark's client addresses left in Redis."""
    import redis  # noqa: PLC0415  # only the redis mode needs it

    from tests.redis_server import server_url  # noqa: PLC0415
    from tokens.ratelimit import KEY_PREFIX  # noqa: PLC0415

    with redis.Redis.from_url(server_url()) as client:
        keys = list(client.scan_iter(match=f"{KEY_PREFIX}198.19.*", count=1000))
        if keys:
            client.delete(*keys)


def main() -> None:
    """Print req/s and p50/p95 latency of /token and the floor per mode and concurrency."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one run")
    parser.add_argument("--runs", type=int, default=3, help="runs per endpoint and concurrency")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--serve-fd", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_fd is not None:
        serve(args.serve_fd)
        return
    # uvicorn's loop="auto" and http="auto" pick uvloop and httptools when they are installed.
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    print(f"uvicorn on 127.0.0.1 (loop {loop}, http {http}), {os.cpu_count()} CPUs")
    print(f"issue_token alone, no HTTP: {issuing_rate():.0f} tokens/s")
    print(
        f"{'mode':<6} {'path':<6} {'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'cpu µs/r':>8} {'server':>6} {'client':>6}"
    )
    with tempfile.NamedTemporaryFile(prefix="token_rps-", suffix=".log", delete=False) as log:
        for mode in args.modes:
            bench_mode(mode, clients=args.clients, seconds=args.seconds, runs=args.runs, log=log)
    Path(log.name).unlink()


if __name__ == "__main__":
    main()
