"""A client that writes a burst of messages before it reads any reply.

Editors read and write at once, but simple clients (scripts, benchmarks)
often write everything first. The server must keep reading its input while
its output waits to be read: a thread blocked writing a reply while the
client is blocked writing to it is a deadlock. Usage:
  burst-without-reading.py SERVER
writes 400 didOpens of a 2 KB document at once (800 KB: many times a pipe's
buffer) and prints what the client got back, or that the writes did not
finish.
"""
import json
import subprocess
import sys
import threading


def frame(obj):
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(out):
    length = None
    while True:
        line = out.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(out.read(length))


def main():
    server = sys.argv[1]
    # A small document of a few KB: many of them outgrow a pipe's buffer.
    text = "".join(
        "func.func @f%d(%%x: tensor<4xi32>) -> tensor<4xi32> {\n"
        "  %%y = arith.addi %%x, %%x : tensor<4xi32>\n"
        "  return %%y : tensor<4xi32>\n}\n" % k for k in range(16))
    proc = subprocess.Popen([server], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    proc.stdin.write(frame({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                            "params": {"processId": None, "rootUri": None,
                                       "capabilities": {}}}))
    proc.stdin.flush()
    read_message(proc.stdout)
    burst = []
    for k in range(400):
        burst.append(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen",
                            "params": {"textDocument": {
                                "uri": "test:///burst-%d.mlir" % k,
                                "languageId": "mlir", "version": 1,
                                "text": text}}}))
    burst.append(frame({"jsonrpc": "2.0", "id": 1, "method": "shutdown"}))
    burst.append(frame({"jsonrpc": "2.0", "method": "exit"}))
    data = b"".join(burst)

    def write():
        proc.stdin.write(data)
        proc.stdin.flush()

    # The whole burst, written before anything is read.
    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    writer.join(60)
    if writer.is_alive():
        print("the burst of %d bytes was not read within 60 s" % len(data))
        proc.kill()
        return 1
    diagnostics = replies = 0
    while True:
        msg = read_message(proc.stdout)
        if msg is None:
            break
        if msg.get("method") == "textDocument/publishDiagnostics":
            diagnostics += 1
        elif msg.get("id") == 1 and "method" not in msg:
            replies += 1
    proc.wait(60)
    print("%d diagnostics, shutdown answered %d, exit %d" %
          (diagnostics, replies, proc.returncode))
    return 0


sys.exit(main())
