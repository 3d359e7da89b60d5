"""A loopback front of an S3 server that checks SigV4 signatures.

s3rver checks only that the access key exists (its V4 signature check is not
implemented), so this front recomputes each request's signature with
botocore (Debian's python3-botocore, an implementation of SigV4 independent
of libcurl's) from the headers the request says it signed, and answers 403
SignatureDoesNotMatch (or InvalidAccessKeyId) as S3 does when they differ.
Signed requests that pass, and unsigned ones, go on to the server.
"""

import http.client
import http.server
import re
import threading

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection",
       "te", "upgrade"}
AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/"
                  r"([^/]+)/aws4_request,\s*SignedHeaders=([^,]+),\s*"
                  r"Signature=([0-9a-f]+)")


def expected_signature(handler, key, secret, region, service, signed):
    headers = {h: handler.headers.get(h, "") for h in signed}
    url = f"http://{handler.headers.get('host')}{handler.path}"
    req = AWSRequest(method=handler.command, url=url, headers=headers)
    req.context["timestamp"] = handler.headers.get("x-amz-date", "")
    auth = S3SigV4Auth(Credentials(key, secret), service, region)
    canonical = auth.canonical_request(req)
    return auth.signature(auth.string_to_sign(req, canonical), req)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def refuse(self, code, message):
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}'
                f"</Code><Message>{message}</Message></Error>").encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        auth = self.headers.get("Authorization")
        if auth:
            m = AUTH.match(auth)
            if not m:
                return self.refuse("AuthorizationHeaderMalformed",
                                   "unparsable Authorization header")
            key, _, region, service, signed, signature = m.groups()
            if key != self.server.key:
                return self.refuse("InvalidAccessKeyId",
                                   "The AWS Access Key Id you provided does "
                                   "not exist in our records.")
            want = expected_signature(self, key, self.server.secret, region,
                                      service, signed.split(";"))
            if want != signature:
                return self.refuse("SignatureDoesNotMatch",
                                   "The request signature we calculated does "
                                   "not match the signature you provided.")
        conn = http.client.HTTPConnection("127.0.0.1", self.server.upstream)
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in HOP}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in HOP and k.lower() != "content-length":
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = handle_any


def serve(upstream_port, key, secret):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.upstream = upstream_port
    server.key, server.secret = key, secret
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
