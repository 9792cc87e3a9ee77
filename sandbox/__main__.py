"""Run the publisher sandbox: ``python -m sandbox [--port 8443] [--state var/sandbox] [-- command …]``.

With a command, the sandbox serves only while the command runs (`make run` loads its demo data this way, so the
demo offers' checks reach it) and exits with the command's status.
"""

import argparse
import subprocess
import sys
import threading
from pathlib import Path

from sandbox.server import sandbox_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8443, help="port to listen on (default 8443)")
    parser.add_argument("--state", type=Path, default=Path("var/sandbox"), help="folder for ca.pem and received")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- a command to run while the sandbox serves")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    try:
        server = sandbox_server(args.host, args.port, args.state)
    except OSError as error:
        print(f"sandbox: cannot listen on {args.host}:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"Publisher sandbox: {server.base_url}/  (its CA: {args.state / 'ca.pem'})", flush=True)
    if not command:
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
        return 0
    server.quiet = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        return subprocess.call(command)
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
