#!/usr/bin/python3
"""Signs requests with botocore's SigV4Auth: an independent signer to check streamhook's against.

Usage: /usr/bin/python3 botocore_sign.py REQUESTS.json

REQUESTS.json is a list of objects with: id, method, url, headers (object), body_b64, access_key,
secret_key, token (may be empty), region, service, amz_date ("20150830T123600Z").
Prints one line per request: "<id>\t<X-Amz-Date>\t<Authorization>".
"""
import base64
import datetime
import json
import sys

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

_REAL_DATETIME = datetime.datetime


class _FrozenDatetime(_REAL_DATETIME):
    """datetime whose "now" is the request's time: botocore reads the signing time from the clock."""

    frozen = None

    @classmethod
    def utcnow(cls):
        return cls.frozen

    @classmethod
    def now(cls, tz=None):
        return cls.frozen.replace(tzinfo=tz) if tz else cls.frozen


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        requests = json.load(f)
    # botocore.auth calls datetime.datetime.utcnow() (now(timezone.utc) in newer releases).
    botocore.auth.datetime.datetime = _FrozenDatetime
    try:
        for r in requests:
            _FrozenDatetime.frozen = _REAL_DATETIME.strptime(r["amz_date"], "%Y%m%dT%H%M%SZ")
            credentials = Credentials(r["access_key"], r["secret_key"], r["token"] or None)
            request = AWSRequest(
                method=r["method"],
                url=r["url"],
                data=base64.b64decode(r["body_b64"]),
                headers=r["headers"],
            )
            botocore.auth.SigV4Auth(credentials, r["service"], r["region"]).add_auth(request)
            print(f'{r["id"]}\t{request.headers["X-Amz-Date"]}\t{request.headers["Authorization"]}')
    finally:
        botocore.auth.datetime.datetime = _REAL_DATETIME


if __name__ == "__main__":
    main()
