"""A small LSP client for the tests that drive mlirscope-lsp from Python.

Speaks the standard framing (Content-Length) over the server's stdin and
stdout; a thread reads every message into a queue, so a test can wait for a
reply while notifications ($/progress, mlirscope/fileStatus) arrive.
"""
import json
import os
import queue
import subprocess
import sys
import threading
import time


def frame(message):
    """`message` as the bytes of one framed JSON-RPC message."""
    message["jsonrpc"] = "2.0"
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream):
    """The next message read from `stream`; None at its end."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


class Client:
    def __init__(self, argv, init_options=None, capabilities=None):
        # stderr goes to the test's: a sanitizer's report shows in lit.
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.inbox = queue.Queue()
        self.notifications = []
        # Requests of the server (answered with a null result), in order.
        self.server_requests = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        params = {"processId": os.getpid(), "rootUri": None,
                  "capabilities": capabilities or {}}
        if init_options is not None:
            params["initializationOptions"] = init_options
        self.initialized = self.call("initialize", params)
        self.notify("initialized", {})

    def _read(self):
        while True:
            message = read_message(self.proc.stdout)
            self.inbox.put(message)
            if message is None:
                return

    def send(self, message):
        self.proc.stdin.write(frame(message))
        self.proc.stdin.flush()

    def notify(self, method, params):
        self.send({"method": method, "params": params})

    def request(self, method, params):
        """Sends a request and returns its id without waiting."""
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def next_message(self, timeout=120):
        message = self.poll_message(timeout)
        if message is None:
            fail("no message from the server in %ds" % timeout)
        return message

    def poll_message(self, timeout):
        """The next message, notifications and server requests recorded
        (and the latter answered); None if none comes within `timeout`."""
        try:
            message = self.inbox.get(timeout=timeout)
        except queue.Empty:
            return None
        if message is None:
            fail("the server is gone (exit %s)" % self.proc.wait())
        if "method" in message and "id" not in message:
            self.notifications.append(message)
        elif "method" in message:
            # A request of the server (window/workDoneProgress/create).
            self.server_requests.append(message)
            self.send({"id": message["id"], "result": None})
        return message

    def wait_reply(self, request_id, timeout=120):
        while True:
            message = self.next_message(timeout)
            if message.get("id") == request_id and "method" not in message:
                return message

    def call(self, method, params):
        """The whole reply message (with "result" or "error")."""
        return self.wait_reply(self.request(method, params))

    def result(self, method, params):
        reply = self.call(method, params)
        if "error" in reply:
            fail("%s: error %s" % (method, reply["error"]))
        return reply["result"]

    def error(self, method, params):
        reply = self.call(method, params)
        if "error" not in reply:
            fail("%s: expected an error, got %s" % (method, reply["result"]))
        return reply["error"]

    def progress(self, token):
        """The $/progress values seen so far for `token`."""
        return [n["params"]["value"] for n in self.notifications
                if n["method"] == "$/progress"
                and n["params"]["token"] == token]

    def wait_notification(self, method, matches=lambda params: True,
                          timeout=120, after=0):
        """The first notification `method` whose params `matches`, among
        those seen from index `after` on or the next ones; None if none
        comes within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        seen = after
        while True:
            for n in self.notifications[seen:]:
                if n["method"] == method and matches(n["params"]):
                    return n["params"]
            seen = len(self.notifications)
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if self.poll_message(left) is None:
                return None

    def hover_with_statistics(self, uri, line, character, timeout=120):
        """A hover; when it says its statistics are being computed, the
        hover again once mlirscope/statisticsReady says they are ready."""
        params = {"textDocument": {"uri": uri},
                  "position": {"line": line, "character": character}}
        mark = len(self.notifications)
        hover = self.result("textDocument/hover", params)
        if not hover or "statistics: computing" not in \
                hover["contents"]["value"]:
            return hover
        if self.wait_notification("mlirscope/statisticsReady",
                                  lambda p: p["uri"] == uri, timeout,
                                  after=mark) is None:
            fail("no mlirscope/statisticsReady for %s in %ds" % (uri, timeout))
        return self.result("textDocument/hover", params)

    def open_text(self, uri, text, version=1):
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "mlir", "version": version,
            "text": text}})

    def shutdown(self):
        self.result("shutdown", None)
        self.notify("exit", None)
        self.proc.stdin.close()
        code = self.proc.wait(timeout=60)
        if code != 0:
            fail("the server exited with %d" % code)


def fail(message):
    print("FAIL: " + message)
    sys.stdout.flush()
    os._exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def file_uri(path):
    return "file://" + os.path.abspath(path)


def bytecode_uri(path):
    return "mlir.bytecode-mlir://" + os.path.abspath(path)
