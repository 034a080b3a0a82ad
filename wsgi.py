"""Entry point: `flask --app wsgi …`, a WSGI server, or `python wsgi.py`."""

from community import create_app
from community.extensions import socketio

app = create_app()

if __name__ == "__main__":
    socketio.run(app, host="127.0.0.1", port=5000, allow_unsafe_werkzeug=True)
