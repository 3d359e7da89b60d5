"""A client that writes a burst of messages before it reads any reply.

Editors read and write at once, but simple clients (scripts, benchmarks)
often write everything first. The server must keep reading its input while
its output waits to be read: a thread blocked writing a reply while the
client is blocked writing to it is a deadlock. Usage:
  burst-without-reading.py SERVER [opens|requests]
`opens` (the default) writes 400 didOpens of a 2 KB document at once (800 KB:
many times a pipe's buffer); `requests` opens one small document, reads its
diagnostics, then writes 1,500 documentSymbol requests at once (about 230 KB,
whose replies, about 1.5 MB, outgrow the pipe long before the requests are
all written: requests on a small document may be answered on the reading
thread itself). Prints what the client got back, or that the writes did not
finish.
"""
import subprocess
import sys
import threading

from lspclient import frame, read_message


def main():
    server = sys.argv[1]
    variant = sys.argv[2] if len(sys.argv) > 2 else "opens"
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
    requests = 0
    if variant == "opens":
        for k in range(400):
            burst.append(frame({"jsonrpc": "2.0",
                                "method": "textDocument/didOpen",
                                "params": {"textDocument": {
                                    "uri": "test:///burst-%d.mlir" % k,
                                    "languageId": "mlir", "version": 1,
                                    "text": text}}}))
    else:
        # The document is parsed before the burst, so that the requests find
        # the server idle (the case in which it answers them itself).
        uri = "test:///burst.mlir"
        proc.stdin.write(frame({"jsonrpc": "2.0",
                                "method": "textDocument/didOpen",
                                "params": {"textDocument": {
                                    "uri": uri, "languageId": "mlir",
                                    "version": 1, "text": text}}}))
        proc.stdin.flush()
        read_message(proc.stdout)
        requests = 1500
        for k in range(requests):
            burst.append(frame({"jsonrpc": "2.0", "id": 100 + k,
                                "method": "textDocument/documentSymbol",
                                "params": {"textDocument": {"uri": uri}}}))
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
    diagnostics = replies = symbols = 0
    in_order = True
    while True:
        msg = read_message(proc.stdout)
        if msg is None:
            break
        if msg.get("method") == "textDocument/publishDiagnostics":
            diagnostics += 1
        elif msg.get("id") == 1 and "method" not in msg:
            replies += 1
        elif "method" not in msg and isinstance(msg.get("id"), int):
            # Replies in the order of their requests, each with the 16
            # functions, and all before the reply to shutdown.
            in_order = in_order and not replies and \
                msg["id"] == 100 + symbols and len(msg.get("result", [])) == 16
            symbols += 1
    proc.wait(60)
    if variant == "opens":
        print("%d diagnostics, shutdown answered %d, exit %d" %
              (diagnostics, replies, proc.returncode))
    else:
        print("%d of %d symbol replies%s, shutdown answered %d, exit %d" %
              (symbols, requests, " in order" if in_order else " out of order",
               replies, proc.returncode))
    return 0


sys.exit(main())
