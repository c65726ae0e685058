"""Verifies the DKIM signatures of message files with dkimpy (Debian's python3-dkim), offline.

usage: verify.py MESSAGE_FILE NAME TXT_RECORD [MESSAGE_FILE NAME TXT_RECORD ...]
NAME is the DNS name a message's key is published at (SELECTOR._domainkey.DOMAIN) and
TXT_RECORD its text ("v=DKIM1; k=rsa; p=..."): for that message, a lookup of any other name
finds nothing. Prints "valid" or "invalid" per message, one a line; exit code 0 when every
signature verifies, 1 when one does not, 2 when the verifier cannot run. Several messages in
one run, because loading the module takes longer than verifying.
"""
import logging
import sys

try:
    import dkim
    import nacl.signing  # noqa: F401 (Ed25519 signatures)
except ImportError as missing:
    print("python3-dkim or python3-nacl is not installed: %s" % missing, file=sys.stderr)
    sys.exit(2)


def verify(path, name, record):
    with open(path, "rb") as f:
        message = f.read()

    def dnsfunc(asked, timeout=5):
        asked = asked.decode() if isinstance(asked, bytes) else asked
        return record.encode() if asked.rstrip(".").lower() == name.lower() else None

    return dkim.verify(message, logger=logging.getLogger("dkim"), dnsfunc=dnsfunc)


def main(arguments):
    if not arguments or len(arguments) % 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
    results = [verify(*arguments[i:i + 3]) for i in range(0, len(arguments), 3)]
    for valid in results:
        print("valid" if valid else "invalid")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except SystemExit:
        raise
    except Exception as failure:  # a broken verifier must not pass for an invalid signature
        print("the verifier failed: %r" % failure, file=sys.stderr)
        sys.exit(2)
