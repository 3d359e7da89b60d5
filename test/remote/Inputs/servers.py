#!/usr/bin/python3
"""Runs a command with the servers of test/remote around it, on 127.0.0.1.

  servers.py --tmp DIR [--root DIR] [--proxy] [--s3 BUCKET=DIR] -- CMD...

--root   a real nginx (Debian's nginx-light) serving DIR: its configuration,
         pid, logs and temporary folders in --tmp, in the foreground as the
         current user, on a free port. $HTTP is its URL.
--proxy  the fault proxy (faultproxy.py) in front of nginx: $PROXY is its
         URL; a path /fault/SPEC/FILE serves FILE with the faults SPEC names.
         Its request log (one line per request: method, path, status, body
         bytes sent) is --tmp/proxy.log.
--s3     an S3 API (s3rver from test/remote/node_modules, behind
         sigv4check.py, which refuses any request whose SigV4 signature
         botocore does not compute the same) with bucket BUCKET filled with
         the files of DIR through the S3 API (boto3). $AWS_ENDPOINT_URL is its
         URL; the credentials that sign correctly are S3RVER/S3RVER.

Every server is stopped when the command ends, fails or is interrupted; the
command's exit status is the script's.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, proc=None, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise SystemExit(f"servers.py: a server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"servers.py: nothing listens on port {port}")


def start_nginx(root, tmp):
    port = free_port()
    for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(tmp, "nginx", d), exist_ok=True)
    n = os.path.join(tmp, "nginx")
    conf = os.path.join(n, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""daemon off;
master_process off;
worker_processes 1;
pid {n}/nginx.pid;
error_log {n}/error.log;
events {{ worker_connections 512; }}
http {{
  access_log {n}/access.log;
  client_body_temp_path {n}/client_body;
  proxy_temp_path {n}/proxy;
  fastcgi_temp_path {n}/fastcgi;
  uwsgi_temp_path {n}/uwsgi;
  scgi_temp_path {n}/scgi;
  default_type application/octet-stream;
  sendfile on;
  keepalive_requests 100000;
  server {{
    listen 127.0.0.1:{port};
    root {os.path.abspath(root)};
  }}
}}
""")
    proc = subprocess.Popen(["/usr/sbin/nginx", "-p", n, "-c", conf,
                             "-e", os.path.join(n, "error.log")],
                            stdin=subprocess.DEVNULL)
    wait_for(port, proc)
    return proc, port


def start_s3(spec, tmp):
    bucket, folder = spec.split("=", 1)
    node_dir = os.path.join(HERE, "..", "node_modules", "s3rver")
    if not os.path.isdir(node_dir):
        raise SystemExit("servers.py: test/remote/node_modules is missing: "
                         "run npm ci --prefix test/remote (scripts/dev.sh)")
    port = free_port()
    # Each run starts from an empty store and fills it through the API.
    data = os.path.join(tmp, "s3rver")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(data)
    proc = subprocess.Popen(
        ["node", os.path.join(node_dir, "bin", "s3rver.js"), "--address",
         "127.0.0.1", "--port", str(port), "--directory", data, "--silent"],
        stdin=subprocess.DEVNULL,
        stdout=open(os.path.join(tmp, "s3rver.log"), "w"),
        stderr=subprocess.STDOUT)
    wait_for(port, proc)
    import sigv4check
    front = sigv4check.serve(port, "S3RVER", "S3RVER")
    url = f"http://127.0.0.1:{front.server_address[1]}"
    import boto3
    from botocore.config import Config
    s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="S3RVER",
                      aws_secret_access_key="S3RVER",
                      config=Config(s3={"addressing_style": "path"}))
    s3.create_bucket(Bucket=bucket)
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            key = os.path.relpath(path, folder)
            with open(path, "rb") as f:
                s3.put_object(Bucket=bucket, Key=key, Body=f)
    return proc, front, url


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--root")
    ap.add_argument("--proxy", action="store_true")
    ap.add_argument("--s3")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    os.makedirs(args.tmp, exist_ok=True)
    procs, fronts = [], []
    env = dict(os.environ)

    def stop(*_):
        for f in fronts:
            f.shutdown()
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def on_signal(sig, _):
        stop()
        sys.exit(128 + sig)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        if args.root:
            proc, port = start_nginx(args.root, args.tmp)
            procs.append(proc)
            env["HTTP"] = f"http://127.0.0.1:{port}"
            if args.proxy:
                import faultproxy
                server = faultproxy.serve(
                    port, os.path.join(args.tmp, "proxy.log"))
                fronts.append(server)
                env["PROXY"] = f"http://127.0.0.1:{server.server_address[1]}"
        if args.s3:
            proc, front, url = start_s3(args.s3, args.tmp)
            procs.append(proc)
            fronts.append(front)
            env["AWS_ENDPOINT_URL"] = url
        return subprocess.call(cmd, env=env)
    finally:
        stop()


if __name__ == "__main__":
    sys.exit(main())
