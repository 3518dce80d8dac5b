"""A TCP proxy a test can cut: stands between a service and RabbitMQ to make an outage."""
import socket
import threading


class TcpProxy:
    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets = []
        self._closed = False
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    def _accept(self):
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self._closed:
                client.close()
                return
            if not self.up:
                client.close()  # refused while down
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            self.sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except (OSError, EOFError):  # eventlet's green sockets raise EOFError once closed
            pass
        finally:
            # Each pipe closes only the socket it reads; the other side is shut down so its
            # own pipe wakes with EOF (never closed under a reader, see cut).
            try:
                dst.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                src.close()
            except OSError:
                pass

    def cut(self):
        """Drop every connection and refuse new ones, as a dead broker would."""
        self.up = False
        for s in self.sockets:
            # Shut down, not close: the pipe threads reading them wake with EOF and close
            # them. A green thread left reading a socket closed under it keeps the
            # descriptor's number registered, and the next reader of that number fails.
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.sockets = []

    def restore(self):
        self.up = True

    def close(self):
        self._closed = True
        self.cut()
        # Wake the acceptor before closing its socket, for the same reason.
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
        except OSError:
            pass
        self._acceptor.join(timeout=5)
        self.listener.close()
