"""The framework's ceiling: a bare Flask page, served exactly like the real app."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "<!doctype html><title>ok</title><p>Hello</p>"
