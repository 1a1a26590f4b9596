"""A plain static server for the page's tests: Python's http.server on 127.0.0.1, serving one folder.

    static-server.py DIR PORT [--gzip-encoding]

With --gzip-encoding it answers every ".gz" file with Content-Encoding: gzip, as some web servers are
set up to do, so that the browser inflates the file before the page sees it.
"""
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    gzip_encoding = False

    def end_headers(self):
        if self.gzip_encoding and self.path.endswith(".gz"):
            self.send_header("Content-Encoding", "gzip")
        super().end_headers()


def main(argv):
    folder, port = argv[1], int(argv[2])
    Handler.gzip_encoding = "--gzip-encoding" in argv[3:]
    handler = functools.partial(Handler, directory=folder)
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(sys.argv)
