"""Running untrusted queries under limits: time, memory, answer size, and how many at once.

pyoxigraph has no query timeout and a Python thread cannot be stopped, so an arbitrary query
runs in a child process that can be killed. The children are forked from the worker, which already holds the store
in memory, so they share it copy-on-write; each serves one query at a time over a pair of pipes, and the worker
waits for the answer at most `timeout` seconds before killing the child. A killed query leaves nothing behind: no
thread still burning a core, no memory still growing, and the worker answers the next request at once.

A small pool, not a fork per query, chosen by measurement (bench/limits_overhead.py, bundled profile, 2 cores): a
cheap SELECT to SPARQL JSON costs 0.12-0.16 ms in-process, 0.3 ms through a pool child, and 9-10 ms through a fork
per query (forking and tearing down a 50 MiB Python process is the cost); a whole `/sparql` request, 1.2 ms with
the query in-process, 1.5 ms through the pool. A pool child holds the data as it was when it was forked,
so each child remembers the store version it was forked at and is replaced, on its next use, once the worker has
loaded a newer build or update: a query always sees the data the worker serves, old or new, complete. The pool
grows on demand up to `slots` children (setting max_concurrent_queries); a child that was killed is replaced on
demand too. The cheap path (named queries, pages) stays in-process and cached; only `/sparql` goes through here.

Belts and braces in a child, so a query cannot outlive its limits even if the worker dies: it closes every
inherited descriptor but its two pipes (a client socket or another child's pipe held open would delay someone
else's answer), exits when the worker's end of its pipe closes, and runs each query under an alarm and a CPU-time
limit just past the timeout and under an address-space limit `memory` bytes above what it inherited, at a lower
CPU priority than the worker (nice 10), so pages and cheap queries stay quick while expensive ones run. And it
cannot reach the network: web/sparql.py refuses SERVICE and LOAD before a query gets here, and a child serving an
embedded store also installs a seccomp filter (Linux, x86-64 and arm64) under which opening an IPv4 or IPv6
socket fails (and so do io_uring and system calls of another ABI), so a SERVICE that slipped through could still
not fetch anything. Where the filter cannot be installed the child refuses every query (SandboxError, a 500 that
says why) instead of running it unfiltered.

A query that finds every slot taken waits in a bounded queue (`queue` places, setting sparql_queue) for at most
`wait` seconds (setting sparql_wait): a burst of clients is served in turn, first come first served, instead of
refused. The queue is bounded so that waiting queries never take the worker's last thread (web pages keep one).
A query also waits while the last one to start is younger than ALONE (20 ms): cheap queries then run one after
another instead of side by side, which on two cores costs less CPU per query and answers sooner (at 1M triples
under 16 clients, 1.3-1.75 instead of 1.7-2.0 ms of CPU per request, p99 34-45 instead of 53-85 ms), while an
expensive query holds the others back for 20 ms at most.

Statuses (docs/limits.md): past the time limit 503, as Fuseki answers a timed-out query; past the memory bound 503;
the queue full, or the wait limit passed, 503 with `Retry-After`; an answer larger than `max_bytes` 400.
"""

from __future__ import annotations

import collections
import copyreg
import ctypes
import gc
import io
import math
import os
import pickle
import platform
import resource
import select
import signal
import struct
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import pyoxigraph as ox

from kg.errors import KGError, QueryError
from kg.settings import DEFAULTS, Settings
from kg.store.base import GraphStore

MiB = 1 << 20
RETRY_AFTER = 1  # seconds a client is told to wait when every query slot is taken
NICENESS = 10  # query processes run at a lower CPU priority than the worker
_HEADER = struct.Struct("!Q")
# What evaluating a query raises for a query that cannot be answered (as opposed to a bug of ours): a 400.
_QUERY_FAILURES = (OSError, RuntimeError, ValueError, SyntaxError, TypeError)


@dataclass
class Busy(QueryError):
    """Every query slot of this worker is taken and the queue is full or the wait ran out: 503, come back after
    `retry_after` seconds."""

    retry_after: int = RETRY_AFTER


@dataclass(frozen=True)
class Limits:
    """The limits an untrusted query runs under."""

    timeout: float = DEFAULTS.query_timeout
    slots: int = DEFAULTS.max_concurrent_queries
    max_bytes: int = DEFAULTS.query_answer_bytes
    memory: int = DEFAULTS.query_memory
    queue: int = 0  # queries that may wait for a slot (from_settings: sparql_queue)
    wait: float = 0.0  # seconds one may wait (from_settings: sparql_wait)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limits":
        """The limits the settings name: query_timeout; max_concurrent_queries and sparql_queue, but running and
        waiting queries never take more than the worker's threads less one, so a thread is always left for pages
        however many queries arrive at once; sparql_wait."""
        threads = settings.threads
        slots = settings.max_concurrent_queries if threads <= 1 else min(settings.max_concurrent_queries, threads - 1)
        slots = max(1, slots)
        queue = settings.sparql_queue
        if threads > 1:
            queue = min(queue, max(0, threads - 1 - slots))
        return cls(timeout=settings.query_timeout, slots=slots, queue=queue,
                   wait=settings.sparql_wait, max_bytes=settings.query_answer_bytes, memory=settings.query_memory)


ALONE = 0.02  # seconds a query that just started runs before another starts beside it


def wait_to_start(started: list[float], now: float, limits: Limits) -> float | None:
    """0 when a query may start now; else how long to wait at most before asking again (None: until one ends).

    Every slot taken: until one ends. Otherwise a query that started less than ALONE seconds ago runs alone
    until then (the module's docstring says why); an expensive one stops holding the others back once it is
    ALONE seconds old. A pool that may not queue (no queue or no wait) does not hold a query back for this.
    """
    if len(started) >= max(1, limits.slots):
        return None
    if not started or limits.queue <= 0 or limits.wait <= 0:
        return 0.0
    return max(0.0, max(started) + ALONE - now)


SANDBOX_MISSING = ("the query process could not install its network filter (seccomp, Linux on x86-64 or arm64): "
                   "queries are refused rather than run where they could open a network socket")


class SandboxError(KGError):
    """A query process could not confine itself: no query runs there (a 500 naming the cause)."""


class _Lost(Exception):
    """The child was gone before it took the request (killed while idle): use another."""


class _Child:
    """One query process: its pid, the worker's ends of its pipes, the store version it holds."""

    def __init__(self, stores: list[GraphStore], version: tuple, limits: Limits):
        from kg.store.embedded import EmbeddedStore

        self.version = version
        offline = all(isinstance(s, EmbeddedStore) for s in stores)  # a remote store needs the network
        req_r, self.req_w = os.pipe()
        self.resp_r, resp_w = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            _serve(req_r, resp_w, stores, limits, offline)
        os.close(req_r)
        os.close(resp_w)
        os.set_blocking(self.req_w, False)
        self.status: int | None = None  # the wait status, once reaped
        self.fds: tuple[int, ...] = (self.req_w, self.resp_r)

    def alive(self) -> bool:
        """Whether the child still runs (reaping it if it died on its own)."""
        if self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = status
        return self.status is None

    def ask(self, payload: bytes, deadline: float, max_bytes: int) -> tuple[str | None, bytes]:
        """Send one request, read its answer: (None, data), or ("timeout"|"bytes"|"died", partial)."""
        try:
            _write_all(self.req_w, _HEADER.pack(len(payload)) + payload, deadline)
        except (BrokenPipeError, TimeoutError):
            raise _Lost() from None
        return _read_frame(self.resp_r, deadline, max_bytes)

    def kill(self) -> int:
        """Kill and reap (once), close its pipes; the wait status."""
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.status = os.waitpid(self.pid, 0)[1]
        fds, self.fds = self.fds, ()
        for fd in fds:
            os.close(fd)
        return self.status


class QueryPool:
    """At most `limits.slots` queries at once in this process, each in a pool child killed past `limits.timeout`;
    a query that just started runs alone for its first ALONE seconds (see `wait_to_start`), and queries that
    wait start in the order they came."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self._gate = threading.Lock()
        self._started: list[float] = []  # when each query running now started (time.monotonic)
        self._line: collections.deque[threading.Event] = collections.deque()  # the queries waiting, first first
        self._lock = threading.Lock()
        self._idle: list[_Child] = []

    @property
    def timeout(self) -> float:
        return self.limits.timeout

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args) in a pool child, its return value pickled back; queued while every slot is taken, Busy when
        the queue is full or the wait runs out.

        fn and args are pickled (fn by reference: a module-level function); a GraphStore among args is passed as
        the child's own copy of it, brought up to date first.
        """
        started = self._acquire()
        try:
            return self._run(fn, args)
        finally:
            with self._gate:
                self._started.remove(started)
                if self._line:
                    self._line[0].set()

    def _acquire(self) -> float:
        """Take a slot (its start time): at once when no query waits and `wait_to_start` allows, else after
        waiting in line; Busy when the line is full or the wait runs out."""
        limits = self.limits
        with self._gate:
            now = time.monotonic()
            if not self._line and wait_to_start(self._started, now, limits) == 0:
                self._started.append(now)
                return now
            running = (f"{limits.slots} running at once per worker, setting max_concurrent_queries, and "
                       f"{limits.queue} waiting, setting sparql_queue")
            if len(self._line) >= limits.queue:
                raise Busy(f"too many queries are running ({running}); try again shortly", 503)
            turn = threading.Event()
            self._line.append(turn)
        deadline = now + limits.wait
        while True:
            with self._gate:
                now = time.monotonic()
                pause = wait_to_start(self._started, now, limits) if self._line[0] is turn else None
                if pause == 0 or now >= deadline:
                    self._line.remove(turn)
                    if self._line:
                        self._line[0].set()  # the next in line is first now
                    if pause != 0:
                        raise Busy(f"too many queries are running ({running}): none finished within "
                                   f"{limits.wait:g} s (setting sparql_wait); try again shortly", 503)
                    self._started.append(now)
                    return now
                turn.clear()
            turn.wait(deadline - now if pause is None else min(pause, deadline - now))

    def _run(self, fn: Callable[..., Any], args: tuple) -> Any:
        stores = [a for a in args if isinstance(a, GraphStore)]
        version = tuple(s.version() for s in stores)  # refreshes: a child is forked from the current data
        payload = _dumps((fn, args), stores)
        deadline = time.monotonic() + self.limits.timeout
        for _ in range(3):
            child = self._take(version, stores)
            try:
                stopped, data = child.ask(payload, deadline, self.limits.max_bytes)
            except _Lost:
                child.kill()
                continue
            except BaseException:
                child.kill()
                raise
            if stopped:
                return _outcome(stopped, data, child.kill(), self.limits)
            try:
                return _outcome(None, data, 0, self.limits)
            finally:
                self._give_back(child, data)
        raise KGError("no query process could be started")

    def _take(self, version: tuple, stores: list[GraphStore]) -> _Child:
        """An idle child holding this data version (older ones are retired), or a new one."""
        stale = []
        with self._lock:
            found = None
            while self._idle:
                child = self._idle.pop()
                if child.version == version:
                    found = child
                    break
                stale.append(child)
        for child in stale:
            child.kill()
        if found is not None and found.alive():
            return found
        if found is not None:
            found.kill()
        return _Child(stores, version, self.limits)

    def _give_back(self, child: _Child, data: bytes) -> None:
        if data[:1] == b"!":  # the child asked to be retired (it ran out of memory)
            child.kill()
            return
        with self._lock:
            if len(self._idle) < self.limits.slots:
                self._idle.append(child)
                return
        child.kill()

    def close(self) -> None:
        """Kill every idle child (busy ones die when their query ends or the worker exits)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for child in idle:
            child.kill()

    def children(self) -> list[int]:
        """The pids of the idle children, for tests."""
        with self._lock:
            return [c.pid for c in self._idle]


def _outcome(stopped: str | None, data: bytes, status: int, limits: Limits) -> Any:
    """The child's value, or the error that says which limit stopped it."""
    timeout = (f"the query ran longer than {limits.timeout:g} s (setting query_timeout) and was stopped: "
               "make it more selective or add a LIMIT")
    memory = (f"the query needed more than {_size(limits.memory)} of memory and was stopped: "
              "make it more selective")
    if stopped == "timeout":
        raise QueryError(timeout, 503)
    if stopped == "bytes":
        raise QueryError(f"the answer is larger than {_size(limits.max_bytes)}: ask for fewer or shorter "
                         "results, or fetch the whole graph from /export.nt", 400)
    if stopped == "died":
        code = os.waitstatus_to_exitcode(status)
        if code in (-signal.SIGALRM, -signal.SIGXCPU):
            raise QueryError(timeout, 503)
        if code in (-signal.SIGABRT, -signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS):
            raise QueryError(memory, 503)
        raise KGError(f"the query process failed (exit status {code})")
    outcome = pickle.loads(data[1:])
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "query-error":
        raise QueryError(outcome[1], outcome[2])
    name, message = outcome[1], outcome[2]
    if name == "MemoryError":
        raise QueryError(memory, 503)
    if name == "SandboxError":
        raise SandboxError(message)
    raise KGError(f"the query failed: {name}: {message}")


def _size(n: int) -> str:
    return f"{n // MiB} MiB" if n >= MiB else f"{n} bytes"


# ---------------------------------------------------------------- pickling stores by reference, formats by name

copyreg.pickle(ox.RdfFormat, lambda f: (ox.RdfFormat.from_media_type, (f.media_type,)))
copyreg.pickle(ox.QueryResultsFormat, lambda f: (ox.QueryResultsFormat.from_media_type, (f.media_type,)))


def _dumps(value: Any, stores: list[GraphStore]) -> bytes:
    """Pickle value, each store among `stores` as its index (the child has its own copy of each)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    ids = {id(s): i for i, s in enumerate(stores)}
    pickler.persistent_id = lambda obj: ids.get(id(obj)) if isinstance(obj, GraphStore) else None
    pickler.dump(value)
    return buffer.getvalue()


def _loads(data: bytes, stores: list[GraphStore]) -> Any:
    unpickler = pickle.Unpickler(io.BytesIO(data))
    unpickler.persistent_load = lambda index: stores[index]
    return unpickler.load()


# ---------------------------------------------------------------- pipes with a deadline


def _wait(fd: int, events: int, deadline: float) -> bool:
    """Whether fd became ready before the deadline."""
    poller = select.poll()
    poller.register(fd, events)
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if poller.poll(min(left, 1.0) * 1000):
            return True


def _write_all(fd: int, data: bytes, deadline: float) -> None:
    """Write data to a non-blocking fd, waiting for room only when the pipe is full (a request fits at once)."""
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view):]
            continue
        except BlockingIOError:
            pass
        if not _wait(fd, select.POLLOUT, deadline):
            raise TimeoutError()


def _read_frame(fd: int, deadline: float, max_bytes: int) -> tuple[str | None, bytes]:
    """One answer (a size header, then that many bytes), read in as few reads as it came in: (None, data), or
    ("timeout"|"died", partial) when the deadline passed or the child died first, ("bytes", b"") past max_bytes.

    The child writes one answer per request and then waits, so nothing past the frame is ever read."""
    chunks, got, size = [], 0, -1
    while size < 0 or got < _HEADER.size + size:
        if not _wait(fd, select.POLLIN | select.POLLHUP, deadline):
            return "timeout", b"".join(chunks)[_HEADER.size:]
        want = MiB if size < 0 else min(_HEADER.size + size - got, MiB)
        chunk = os.read(fd, want)
        if not chunk:
            return "died", b"".join(chunks)[_HEADER.size:]
        chunks.append(chunk)
        got += len(chunk)
        if size < 0 and got >= _HEADER.size:
            if len(chunks) > 1:
                chunks = [b"".join(chunks)]
            size = _HEADER.unpack_from(chunks[0])[0]
            if size > max_bytes:
                return "bytes", b""
    data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
    return None, data[_HEADER.size:]


def _read_blocking(fd: int, size: int) -> bytes | None:
    chunks, got = [], 0
    while got < size:
        chunk = os.read(fd, size - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read_request(fd: int) -> bytes | None:
    """One request (a size header, then that many bytes), in one read when it came whole; None once the worker
    is gone. The worker sends one request and waits for its answer, so nothing past it is read."""
    data = os.read(fd, 1 << 16)
    if len(data) < _HEADER.size:
        rest = _read_blocking(fd, _HEADER.size - len(data)) if data else None
        if rest is None:
            return None
        data += rest
    size = _HEADER.unpack_from(data)[0]
    if len(data) < _HEADER.size + size:
        rest = _read_blocking(fd, _HEADER.size + size - len(data))
        if rest is None:
            return None
        data += rest
    return data[_HEADER.size:]


# ---------------------------------------------------------------- the child


def _serve(req_r: int, resp_w: int, stores: list[GraphStore], limits: Limits, offline: bool) -> None:
    """The child's loop: read a request, run it under the limits, write the answer; exit when the worker is gone."""
    code = 0
    try:
        _confine((req_r, resp_w), limits)
        unsafe = offline and not no_network()  # then every query is refused, loudly: never run one unfiltered
        for store in stores:
            store.refresh = _no_refresh  # type: ignore[method-assign]  # this copy answers from what it holds
        seconds = math.ceil(limits.timeout) + 1
        while True:
            request = _read_request(req_r)
            if request is None:
                break
            signal.alarm(seconds)
            used = resource.getrusage(resource.RUSAGE_SELF)
            _lower_limit(resource.RLIMIT_CPU, math.ceil(used.ru_utime + used.ru_stime) + seconds + 1)
            retire = False
            try:
                if unsafe:
                    raise SandboxError(SANDBOX_MISSING)
                fn, args = _loads(request, stores)
                outcome: tuple = ("ok", fn(*args))
            except QueryError as exc:
                outcome = ("query-error", exc.message, exc.status)
            except PermissionError as exc:  # the seccomp filter at work, or another refused resource
                outcome = ("query-error", "the query tried to reach something outside the store (SERVICE and "
                           f"LOAD are not allowed on this endpoint): {exc}", 403)
            except _QUERY_FAILURES as exc:
                outcome = ("query-error", f"the query could not be evaluated: {str(exc)[:2000]}", 400)
            except BaseException as exc:  # noqa: BLE001 - reported to the worker, which decides
                outcome = ("failed", type(exc).__name__, str(exc)[:2000])
                retire = isinstance(exc, MemoryError)
            signal.alarm(0)
            try:
                data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # noqa: BLE001
                data = pickle.dumps(("failed", type(exc).__name__, f"unpicklable answer: {exc}"))
            data = (b"!" if retire else b".") + data
            view = memoryview(_HEADER.pack(len(data)) + data)
            while view:
                view = view[os.write(resp_w, view):]
            if retire:
                break
    except BaseException:  # noqa: BLE001 - the worker sees the pipe close
        code = 70
    finally:
        os._exit(code)


def _no_refresh() -> bool:
    return False


def _confine(keep: tuple[int, ...], limits: Limits) -> None:
    """Close inherited descriptors, reset the worker's signal handlers, cap memory.

    Standard output and error go to /dev/null: a query that runs out of memory makes the engine print a Rust
    backtrace, which belongs in no log (the worker reports the limit instead).
    """
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    last = 2
    for fd in sorted(keep):
        os.closerange(last + 1, fd)
        last = fd
    os.closerange(last + 1, _max_fd())
    gc.disable()  # refcounting frees the rows; a collection would only copy pages shared with the worker
    try:
        os.nice(NICENESS)  # an expensive query yields the CPU to the workers answering pages and cheap queries
    except OSError:
        pass
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2,
                signal.SIGWINCH, signal.SIGALRM, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # the worker is gone: die quietly
    if limits.memory:
        _lower_limit(resource.RLIMIT_AS, _mapped_bytes() + limits.memory)


# seccomp: a classic BPF program over struct seccomp_data {int nr; u32 arch; u64 ip; u64 args[6]}.
_SECCOMP_ARCHES = {"x86_64": (0xC000003E, 41), "amd64": (0xC000003E, 41),  # (AUDIT_ARCH_*, __NR_socket)
                   "aarch64": (0xC00000B7, 198), "arm64": (0xC00000B7, 198)}
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW, _RET_EACCES = 0x7FFF0000, 0x00050000 | 13
_X32_BIT = 0x40000000  # x86-64's x32 ABI numbers its calls from here (socket is 41 | _X32_BIT)
_IO_URING_SETUP = 425  # the same number on x86-64 and arm64: io_uring can open sockets without socket()
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def no_network() -> bool:
    """From now on, in this process, socket(AF_INET or AF_INET6) fails with EACCES; True when that holds.

    Irreversible (seccomp), so only ever called in a query child. Other sockets (a Unix socket) still open.
    """
    arch = _SECCOMP_ARCHES.get(platform.machine().lower())
    if arch is None:
        return False
    audit_arch, socket_nr = arch
    program = [  # jump offsets count from the next instruction: ALLOW is 9, REFUSE is 10
        (_LD_W_ABS, 0, 0, 4),  # 0: A = arch
        (_JEQ_K, 0, 8, audit_arch),  # 1: another ABI (a 32-bit call from this 64-bit process): refuse
        (_LD_W_ABS, 0, 0, 0),  # 2: A = syscall number
        (_JGE_K, 6, 0, _X32_BIT),  # 3: an x32 call: refuse
        (_JEQ_K, 5, 0, _IO_URING_SETUP),  # 4: io_uring: refuse
        (_JEQ_K, 0, 3, socket_nr),  # 5: not socket(): allow
        (_LD_W_ABS, 0, 0, 16),  # 6: A = low word of args[0], the address family
        (_JEQ_K, 2, 0, 2),  # 7: AF_INET: refuse
        (_JEQ_K, 1, 0, 10),  # 8: AF_INET6: refuse
        (_RET_K, 0, 0, _RET_ALLOW),  # 9
        (_RET_K, 0, 0, _RET_EACCES),  # 10
    ]
    filters = (_SockFilter * len(program))(*(_SockFilter(*row) for row in program))
    fprog = _SockFprog(len(program), filters)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _lower_limit(which: int, soft: int) -> None:
    """Set a soft resource limit, never above the hard one."""
    try:
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):
        pass


def _mapped_bytes() -> int:
    """This process's virtual memory size."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError):
        return 65536


__all__ = ["ALONE", "Busy", "QueryPool", "Limits", "SandboxError", "no_network", "RETRY_AFTER", "wait_to_start"]
