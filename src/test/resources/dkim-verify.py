"""An independent DKIM verifier for the tests: dkimpy (Debian's python3-dkim), not the signing code.

Reads a message on stdin; each argument is NAME=TXT, a DNS TXT record it may look up (no real DNS).
Prints "pass" or "fail: <reason>" and exits 0 either way; 2 when dkimpy is missing.
"""
import sys

try:
    import dkim
except ImportError:
    print("python3-dkim is not installed (apt-get install python3-dkim python3-nacl)")
    sys.exit(2)

records = {}
for argument in sys.argv[1:]:
    name, _, txt = argument.partition("=")
    records[name.rstrip(".").lower()] = txt.encode()


def lookup(name, timeout=5):
    if isinstance(name, bytes):
        name = name.decode()
    return records.get(name.rstrip(".").lower())


message = sys.stdin.buffer.read()
verifier = dkim.DKIM(message)
try:
    ok = verifier.verify(dnsfunc=lookup)
except Exception as e:  # a key of the wrong type makes the crypto library itself refuse
    print("fail: " + type(e).__name__ + ": " + str(e))
    sys.exit(0)
print("pass" if ok else "fail: signature does not verify")
