#!/usr/bin/python3
"""A local AWS STS + EC2 instance metadata (IMDSv2) server for the credentials tests.

Usage: /usr/bin/python3 sts_imds_server.py --port N --source-key AKID --source-secret S
           [--source-token T] --role-arn ARN [--external-id X] [--region us-east-1]
           [--web-identity-token-file PATH] [--imds-role NAME] [--lifetime SECONDS]

STS (POST /, form body):
  AssumeRole: the SigV4 signature is verified by recomputing it with botocore (Debian's
    python3-botocore) for the source key (or credentials the server issued, for chained roles),
    service "sts" and the region; the access key, the
    session token, the request time (within 5 minutes), the RoleArn and the ExternalId (when
    --external-id is given) must match, else the error real STS gives (AccessDenied for a wrong
    or missing external id).
  AssumeRoleWithWebIdentity: must be unsigned; WebIdentityToken must equal the current contents of
    the token file (read on every call, so the test can rotate it).
  Both issue fresh credentials expiring after --lifetime seconds.
IMDSv2: PUT /latest/api/token (with X-aws-ec2-metadata-token-ttl-seconds) gives a token; every
  GET under /latest/ without a valid X-aws-ec2-metadata-token header is refused with 401, as an
  instance that requires IMDSv2 does.
Control: GET /_stats gives counters as JSON; POST /_control with JSON sets "lifetime", "delay_ms"
  (before each STS answer) and "fail": {"action": "AssumeRole"|"AssumeRoleWithWebIdentity"|"imds",
  "count": n, "status": 400, "code": "Throttling", "message": "..."} to fail the next n calls.
"""
import argparse
import base64
import datetime
import hmac
import json
import os
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

_REAL_DATETIME = datetime.datetime
_SIGNING_LOCK = threading.Lock()  # botocore reads the clock through a patched module global


class _FrozenDatetime(_REAL_DATETIME):
    frozen = None

    @classmethod
    def utcnow(cls):
        return cls.frozen

    @classmethod
    def now(cls, tz=None):
        return cls.frozen.replace(tzinfo=tz) if tz else cls.frozen


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.lifetime = args.lifetime
        self.delay_ms = 0
        self.fail = {}  # action -> dict(count, status, code, message)
        self.stats = {
            "AssumeRole": 0,  # credentials issued
            "AssumeRoleWithWebIdentity": 0,
            "imds_tokens": 0,
            "imds_credentials": 0,
            "imds_unauthorized": 0,
            "refused": 0,  # STS calls answered with an error (injected or not)
            "bad_signatures": 0,
            "issued": [],  # access key ids, in order
            "last_session_name": "",
            "last_duration": "",
            "last_external_id_sent": False,
            "last_web_identity_token": "",
            "last_signing_key": "",  # the access key id that signed the last AssumeRole
        }
        self.issued_secrets = {}  # access key id -> (secret, session token) of credentials we issued
        self.imds_tokens = {}  # token -> expiry (monotonic)

    def take_failure(self, action):
        with self.lock:
            fail = self.fail.get(action)
            if not fail or fail["count"] <= 0:
                return None
            fail["count"] -= 1
            return fail

    def count(self, name, value=1):
        with self.lock:
            self.stats[name] += value


def expiration_after(seconds):
    moment = _REAL_DATETIME.utcnow() + datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def new_credentials(state):
    key = "ASIA" + secrets.token_hex(8).upper()
    secret = base64.b64encode(secrets.token_bytes(30)).decode()
    token = "FwoGZXIvYXdzE" + base64.b64encode(secrets.token_bytes(120)).decode()
    with state.lock:
        state.stats["issued"].append(key)
        state.issued_secrets[key] = (secret, token)
        lifetime = state.lifetime
    return key, secret, token, expiration_after(lifetime)


def sts_error(status, code, message):
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{xml_escape(message)}</Message></Error>"
        f"<RequestId>{secrets.token_hex(16)}</RequestId></ErrorResponse>"
    )
    return status, "text/xml", body


def xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def verify_signature(state, handler, body):
    """None when the request is signed correctly for the source credentials, else an error tuple."""
    args = state.args
    auth = handler.headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return sts_error(400, "MissingAuthenticationToken", "Request is missing Authentication Token")
    fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    key, date, region, service, terminal = fields.get("Credential", "////").split("/")
    # The source keys, or credentials this server issued (a role assumed with an assumed role).
    with state.lock:
        secret, token = ((args.source_secret, args.source_token) if key == args.source_key
                         else state.issued_secrets.get(key, (None, None)))
    if secret is None:
        return sts_error(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    if service != "sts" or region != args.region or terminal != "aws4_request":
        return sts_error(403, "SignatureDoesNotMatch", "Credential should be scoped to a valid region and service sts.")
    if token and handler.headers.get("X-Amz-Security-Token") != token:
        return sts_error(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
    amz_date = handler.headers.get("X-Amz-Date", "")
    try:
        when = _REAL_DATETIME.strptime(amz_date, "%Y%m%dT%H%M%SZ")
    except ValueError:
        return sts_error(400, "IncompleteSignature", "X-Amz-Date is missing or malformed")
    if abs((_REAL_DATETIME.utcnow() - when).total_seconds()) > 300 or not amz_date.startswith(date):
        return sts_error(403, "SignatureDoesNotMatch", "Signature expired or the date does not match the scope")
    signed = fields.get("SignedHeaders", "").split(";")
    headers = {name: handler.headers.get(name, "") for name in signed if name not in ("x-amz-date",)}
    request = AWSRequest(method="POST", url=f"http://{handler.headers.get('Host')}{handler.path}", data=body,
                         headers=headers)
    with _SIGNING_LOCK:
        saved = botocore.auth.datetime.datetime
        botocore.auth.datetime.datetime = _FrozenDatetime
        try:
            _FrozenDatetime.frozen = when
            botocore.auth.SigV4Auth(Credentials(key, secret, token or None), "sts", args.region).add_auth(request)
        finally:
            botocore.auth.datetime.datetime = saved
    if not hmac.compare_digest(request.headers["Authorization"], auth):
        state.count("bad_signatures")
        return sts_error(403, "SignatureDoesNotMatch",
                         "The request signature we calculated does not match the signature you provided.")
    with state.lock:
        state.stats["last_signing_key"] = key
    return None


def credentials_xml(action, state, session_name):
    key, secret, token, expiration = new_credentials(state)
    return 200, "text/xml", (
        f'<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><{action}Result>'
        f"<AssumedRoleUser><Arn>{xml_escape(state.args.role_arn)}/{xml_escape(session_name)}</Arn></AssumedRoleUser>"
        f"<Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>"
        f"<SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>"
        f"</{action}Result><ResponseMetadata><RequestId>{secrets.token_hex(16)}</RequestId></ResponseMetadata>"
        f"</{action}Response>")


def handle_sts(state, handler, body):
    form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(), keep_blank_values=True).items()}
    action = form.get("Action", "")
    if state.delay_ms:
        time.sleep(state.delay_ms / 1000)
    if form.get("Version") != "2011-06-15":
        return sts_error(400, "InvalidAction", "Could not find operation for version")
    if action == "AssumeRole":
        error = verify_signature(state, handler, body)
    elif action == "AssumeRoleWithWebIdentity":
        error = None
        if "Authorization" in handler.headers:
            error = sts_error(400, "InvalidParameterValue", "AssumeRoleWithWebIdentity must not be signed")
        else:
            with open(state.args.web_identity_token_file, encoding="utf-8") as f:
                expected = f.read().strip()
            with state.lock:
                state.stats["last_web_identity_token"] = form.get("WebIdentityToken", "")
            if not hmac.compare_digest(form.get("WebIdentityToken", ""), expected):
                error = sts_error(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider")
    else:
        return sts_error(400, "InvalidAction", f"Could not find operation {action}")
    if error is None and form.get("RoleArn") != state.args.role_arn:
        error = sts_error(403, "AccessDenied", f"Not authorized to perform sts:{action} on {form.get('RoleArn')}")
    if error is None and action == "AssumeRole" and state.args.external_id is not None:
        if not hmac.compare_digest(form.get("ExternalId", ""), state.args.external_id):
            error = sts_error(403, "AccessDenied", "User: arn:aws:iam::111122223333:user/source is not authorized "
                              f"to perform: sts:AssumeRole on resource: {state.args.role_arn}")
    if error is None:
        fail = state.take_failure(action)
        if fail:
            error = sts_error(fail["status"], fail["code"], fail.get("message", "injected failure"))
    with state.lock:
        state.stats["last_session_name"] = form.get("RoleSessionName", "")
        state.stats["last_duration"] = form.get("DurationSeconds", "")
        state.stats["last_external_id_sent"] = "ExternalId" in form
    if error is not None:
        state.count("refused")
        return error
    state.count(action)
    return credentials_xml(action, state, form.get("RoleSessionName", ""))


def handle_imds(state, handler):
    if handler.command == "PUT" and handler.path == "/latest/api/token":
        try:
            ttl = int(handler.headers.get("X-aws-ec2-metadata-token-ttl-seconds", ""))
        except ValueError:
            ttl = 0
        if not 1 <= ttl <= 21600:
            return 400, "text/plain", ""
        token = base64.b64encode(secrets.token_bytes(40)).decode()
        with state.lock:
            state.imds_tokens[token] = time.monotonic() + ttl
            state.stats["imds_tokens"] += 1
        return 200, "text/plain", token
    token = handler.headers.get("X-aws-ec2-metadata-token", "")
    with state.lock:
        valid = state.imds_tokens.get(token, 0) > time.monotonic()
    if handler.command != "GET" or not valid:
        state.count("imds_unauthorized")
        return 401, "text/plain", ""
    base = "/latest/meta-data/iam/security-credentials/"
    if state.args.imds_role is None and handler.path.startswith(base):
        return 404, "text/html", "<html>Not Found</html>"
    if handler.path == base:
        return 200, "text/plain", state.args.imds_role
    if handler.path == base + (state.args.imds_role or ""):
        fail = state.take_failure("imds")
        if fail:
            return fail["status"], "text/plain", fail.get("message", "")
        key, secret, token, expiration = new_credentials(state)
        state.count("imds_credentials")
        return 200, "text/plain", json.dumps({
            "Code": "Success", "LastUpdated": expiration_after(0), "Type": "AWS-HMAC", "AccessKeyId": key,
            "SecretAccessKey": secret, "Token": token, "Expiration": expiration})
    return 404, "text/html", "<html>Not Found</html>"


def make_handler(state):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # quiet: the tests read their own output
            pass

        def reply(self, status, content_type, body):
            data = body.encode() if isinstance(body, str) else body
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            return self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))

        def do_GET(self):
            if self.path == "/_stats":
                with state.lock:
                    return self.reply(200, "application/json", json.dumps(state.stats))
            self.reply(*handle_imds(state, self))

        def do_PUT(self):
            self.body()
            self.reply(*handle_imds(state, self))

        def do_POST(self):
            body = self.body()
            if self.path == "/_control":
                control = json.loads(body or b"{}")
                with state.lock:
                    state.lifetime = control.get("lifetime", state.lifetime)
                    state.delay_ms = control.get("delay_ms", state.delay_ms)
                    if "fail" in control:
                        state.fail[control["fail"]["action"]] = dict(control["fail"])
                return self.reply(200, "application/json", "{}")
            self.reply(*handle_sts(state, self, body))

    return Handler


def exit_with_parent(parent):
    """Exits when the test that started us is gone, even if it crashed without stopping us."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--source-key", required=True)
    parser.add_argument("--source-secret", required=True)
    parser.add_argument("--source-token", default="")
    parser.add_argument("--role-arn", required=True)
    parser.add_argument("--external-id")
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--web-identity-token-file", default="/nonexistent")
    parser.add_argument("--imds-role")
    parser.add_argument("--lifetime", type=int, default=20)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(State(args)))
    server.daemon_threads = True
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    print(f"listening on 127.0.0.1:{args.port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
